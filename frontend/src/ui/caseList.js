// The case list: live arrivals, claims by others, an SLA countdown per case.
// Rows are buttons (keyboard and screen reader friendly); j/k move the selection.

import { kindInfo } from "../lib/channels.js";
import { byId, clear, h } from "../lib/dom.js";
import { VIEWS } from "../lib/store.js";
import { slaState } from "./sla.js";

export function holderText(store, c) {
  if (c.assignee_id === null || c.assignee_id === undefined) {
    return c.status === "resolved" ? "Resolved" : `Waiting in ${store.queueName(c.queue_id)}`;
  }
  if (c.assignee_id === store.me.id) return "Yours";
  return `Taken by ${store.userName(c.assignee_id)}`;
}

function row(store, c, fresh) {
  const channel = store.channel(c.channel_id);
  const kind = kindInfo(channel?.kind);
  const sla = slaState(c);
  const takenByOther = c.assignee_id && c.assignee_id !== store.me.id;
  return h("li", null, h("button", {
    type: "button",
    class: ["case-row", fresh ? "case-row--new" : "", takenByOther ? "case-row--taken" : "",
      store.unread.has(c.id) ? "case-row--unread" : ""].join(" ").trim(),
    id: `case-row-${c.id}`,
    dataset: { caseId: c.id, status: c.status, assignee: c.assignee_id ?? "" },
    "aria-current": store.selectedId === c.id ? "true" : null,
    onclick: () => store.emit("select", { id: c.id, open: true }),
  },
  h("span", { class: `prio prio--${c.priority}`, title: `priority ${c.priority}` }, `P${c.priority}`),
  h("span", { class: "channel-icon", role: "img", "aria-label": kind.label, title: channel?.name ?? kind.label }, kind.icon),
  h("span", { class: "case-row__subject" }, c.subject || "(no subject)"),
  h("span", { class: "case-row__meta" },
    h("span", null, `#${c.id}`),
    h("span", { class: "case-row__holder" }, holderText(store, c)),
    c.escalation_level > 0 ? h("span", { class: "badge badge--escalated" }, `Escalated L${c.escalation_level}`) : null),
  h("span", { class: `sla sla--${sla.state}`, "data-clock": "case", dataset: { sla: sla.state, caseId: c.id } }, sla.label)));
}

export function renderCaseList(store, fresh = new Set()) {
  const list = byId("case-list");
  const focusedId = document.activeElement?.closest?.(".case-row")?.dataset.caseId;
  clear(list);
  const cases = store.sortedCases();
  for (const c of cases) list.append(row(store, c, fresh.has(c.id)));
  const counted = (VIEWS[store.filter.view] ?? VIEWS.open).counted;
  const count = byId("case-count");
  count.textContent = `${store.total} ${counted}`;
  count.title = `${store.total} cases in this view; ${cases.length} shown`;
  byId("case-list-empty").hidden = cases.length > 0;
  const more = byId("load-more");
  more.hidden = !store.nextCursor;
  more.textContent = `Load more (${cases.length} of ${store.total} shown)`;
  if (focusedId) byId(`case-row-${focusedId}`)?.focus();
}

/** j/k: the case after or before the selected one, in list order. */
export function neighbour(store, step) {
  const ids = store.sortedCases().map((c) => c.id);
  if (!ids.length) return null;
  const at = ids.indexOf(store.selectedId);
  if (at === -1) return ids[step > 0 ? 0 : ids.length - 1];
  return ids[Math.min(ids.length - 1, Math.max(0, at + step))];
}
