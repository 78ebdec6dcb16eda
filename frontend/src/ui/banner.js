// The connection banner: says when the live connection is lost, that it is being
// re-established, and when the desk has caught up again. The element is a live region
// that stays in the page (emptied, not removed), so screen readers announce each change.

import { byId } from "../lib/dom.js";

let hideTimer = null;

const TEXTS = {
  connecting: "Connecting…",
  offline: "Connection lost — reconnecting… What you see may be out of date.",
  resyncing: "Reconnected — catching up on what was missed…",
  online: "Live again — caught up.",
};

export function showConnection(state, detail = "") {
  const banner = byId("connection");
  window.clearTimeout(hideTimer);
  document.body.dataset.connection = state;
  banner.dataset.state = state;
  banner.textContent = `${TEXTS[state] ?? state}${detail ? ` ${detail}` : ""}`;
  if (state === "online") hideTimer = window.setTimeout(clearBanner, 5000);
}

export function clearBanner() {
  const banner = byId("connection");
  banner.textContent = "";
  banner.dataset.state = "live";
  document.body.dataset.connection = "online";
}
