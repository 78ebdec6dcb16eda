// SLA countdowns: one timer for the whole page re-reads every clock once a second.
// ok -> warning (amber) at the policy's warning moment -> breach (red) at the due time.

import { OPEN_STATUSES } from "../lib/store.js";
import { duration, parse } from "../lib/time.js";

const AT_RISK_MS = 15 * 60 * 1000; // the queue view's "at risk" window, when no moment is known
const DEFAULT_WARN_RATIO = 0.75; // the SLA policies' default warning share

/** When the nearest target turns amber: the server's moment if given, else estimated. */
function warnMoment(c, due) {
  const known = parse(c.sla_warn_at);
  if (known !== null) return known;
  const start = parse(c.first_responded_at ? c.last_message_at ?? c.created_at : c.created_at);
  if (start === null || start >= due) return due - AT_RISK_MS;
  return start + (due - start) * DEFAULT_WARN_RATIO;
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
