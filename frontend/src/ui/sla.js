// SLA countdowns: one timer for the whole page re-reads every clock once a second.
// ok -> warning (amber) at the policy's warning moment -> breach (red) at the due time.

import { OPEN_STATUSES } from "../lib/store.js";
import { duration, parse } from "../lib/time.js";

const AT_RISK_MS = 15 * 60 * 1000; // amber this long before due when no warning moment is known

/** When the nearest target turns amber: the server's moment, as the queues' "at risk" count
 * uses it (inbox/services/cases/queues.py). */
function warnMoment(c, due) {
  return parse(c.sla_warn_at) ?? due - AT_RISK_MS;
}

/** {state: none|paused|ok|warning|breach, label} for the case's nearest SLA target. */
export function slaState(c, now = Date.now()) {
  const due = parse(c.sla_due_at);
  if (due === null || !OPEN_STATUSES.has(c.status)) return { state: "none", label: "" };
  if (c.status === "pending") return { state: "paused", label: "SLA paused (pending)" };
  const left = due - now;
  if (left <= 0 || c._sla_breached) return { state: "breach", label: `SLA breached ${duration(left)} ago` };
  const warning = c._sla_warned || now >= warnMoment(c, due);
  return { state: warning ? "warning" : "ok", label: `${duration(left)} left` };
}

/** One clock of the case view: first response, next response or resolution. */
export function clockState(due, met, now = Date.now()) {
  if (met) return { state: "met", label: "met" };
  const at = parse(due);
  if (at === null) return { state: "none", label: "no target" };
  const left = at - now;
  if (left <= 0) return { state: "breach", label: `breached ${duration(left)} ago` };
  return { state: left < AT_RISK_MS ? "warning" : "ok", label: `${duration(left)} left` };
}

export function paint(el, { state, label }) {
  el.dataset.sla = state;
  el.className = `sla sla--${state}`;
  el.textContent = label;
}

/** Re-paint every element that registered a clock (data-clock holds how to compute it). */
export function startTicking(compute) {
  const tick = () => {
    const now = Date.now();
    for (const el of document.querySelectorAll("[data-clock]")) {
      const result = compute(el, now);
      if (result) paint(el, result);
    }
  };
  tick();
  return window.setInterval(tick, 1000);
}
