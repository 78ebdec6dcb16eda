// The crisis banner on every supervisor's screen: the active crisis alerts, each with
// "Clear". Initial state from the API, then live through `crisis.alert` /
// `crisis.cleared` (docs/listening.md). Agents get a 403 and see nothing; the banner
// only opens its live connection for those allowed to see alerts.

import { get, post } from "../lib/api.js";
import { clear, h } from "../lib/dom.js";
import { connect } from "../realtime/connection.js";
import { errorToast } from "./toast.js";

const SUBJECTS = { term: "Term", channel: "Channel", negative_burst: "Negative high-influence burst" };

function describe(alert) {
  const what = alert.subject_kind === "negative_burst"
    ? SUBJECTS.negative_burst
    : `${SUBJECTS[alert.subject_kind] ?? alert.subject_kind} “${alert.subject}”`;
  return `Crisis: ${what} — ${alert.observed} mentions in the window (baseline ${alert.baseline})`;
}

/** The settings' "notify" action: a desktop notification as well as the banner, for a
 * supervisor who is on another tab or window (when the browser allows notifications). */
function desktopNotice(alert) {
  if (!("Notification" in window) || Notification.permission !== "granted") return;
  const note = new Notification("Crisis alert", { body: describe(alert), tag: `crisis-${alert.id}` });
  note.onclick = () => {
    window.focus();
    note.close();
  };
}

class CrisisBanner {
  constructor() {
    this.alerts = new Map();
    this.el = h("div", { id: "crisis-banner", class: "crisis-banner", role: "alert", hidden: true });
    document.body.prepend(this.el);
  }

  async load() {
    const alerts = await get("/crisis/alerts?active=true");
    this.alerts = new Map(alerts.map((alert) => [alert.id, alert]));
    this.render();
  }

  onEvent(name, alert) {
    if (name === "crisis.alert") {
      this.alerts.set(alert.id, alert);
      if (alert.actions?.notify) desktopNotice(alert);
    } else this.alerts.delete(alert.id);
    this.render();
  }

  async clearAlert(id, button) {
    button.disabled = true;
    try {
      await post(`/crisis/alerts/${id}/clear`);
      this.alerts.delete(id);
      this.render();
    } catch (error) {
      button.disabled = false;
      errorToast(error, "clear the crisis alert");
    }
  }

  render() {
    clear(this.el);
    this.el.hidden = this.alerts.size === 0;
    for (const alert of [...this.alerts.values()].sort((a, b) => b.id - a.id)) {
      const button = h("button", { type: "button", class: "crisis-clear", text: "Clear" });
      button.addEventListener("click", () => this.clearAlert(alert.id, button));
      this.el.append(h("div", { class: "crisis-alert", dataset: { alertId: String(alert.id) } },
        h("span", { text: describe(alert) }), " ",
        h("a", { href: "/listening", text: "Listening" }), " ", button));
    }
  }
}

/** Mount the banner; resolves once its first state is shown (or it is not for this user). */
export async function mountCrisisBanner() {
  const banner = new CrisisBanner();
  try {
    await banner.load();
  } catch (error) {
    if (error.status === 403) return null; // not a supervisor: no alerts to see
    errorToast(error, "load crisis alerts");
  }
  connect({
    events: ["crisis.alert", "crisis.cleared"],
    // Also on the first connect: an alert raised between the load and now is not missed.
    onConnect: () => banner.load().catch(() => {}),
    onDisconnect: () => {},
    onEvent: (name, alert) => banner.onEvent(name, alert),
  });
  return banner;
}
