// Short notices in a polite live region: what happened, and a button when there is
// something to do about it (open the case, retry).

import { byId, h } from "../lib/dom.js";

export function toast(message, { kind = "info", action = null, timeout = 6000 } = {}) {
  const region = byId("toasts");
  const close = () => item.remove();
  const item = h(
    "div",
    { class: `toast toast--${kind}`, role: kind === "error" ? "alert" : null },
    h("span", { class: "toast__text" }, message),
    action ? h("button", { type: "button", onclick: () => { close(); action.run(); } }, action.label) : null,
    h("button", { type: "button", class: "toast__close", "aria-label": "Dismiss", onclick: close }, "×"),
  );
  region.append(item);
  if (timeout) window.setTimeout(close, timeout);
  return item;
}

export function errorToast(error, doing) {
  const text = typeof error?.describe === "function" ? error.describe() : String(error?.message ?? error);
  return toast(doing ? `Could not ${doing}: ${text}` : text, { kind: "error", timeout: 10000 });
}
