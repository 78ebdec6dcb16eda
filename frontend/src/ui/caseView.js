// The case view: header (status, holder, who else is here), actions, SLA clocks, the
// cross-channel timeline and the composers. Re-rendered from the store's copy of
// GET /cases/<id> and GET /contacts/<id> whenever either changes.

import { appendChildren, byId, clear, h } from "../lib/dom.js";
import { OPEN_STATUSES } from "../lib/store.js";
import { holderText } from "./caseList.js";
import { clockState, paint, slaState } from "./sla.js";
import { timelineItems } from "./timeline.js";

const TARGETS = [
  ["first_response", "First response", "first_response_due_at", (c) => Boolean(c.first_responded_at)],
  ["next_response", "Next response", "next_response_due_at", () => false],
  ["resolution", "Resolution", "resolution_due_at", (c) => Boolean(c.resolved_at)],
];

export function targetClock(c, name, now) {
  const target = TARGETS.find(([key]) => key === name);
  if (!target || !c) return null;
  const [, , field, met] = target;
  if (c.status === "pending" && c[field] && !met(c)) return { state: "paused", label: "paused (pending)" };
  return clockState(c[field], met(c), now);
}

/** Which actions make sense for this user on this case now. */
export function allowed(store, c) {
  const me = store.me;
  const mine = c.assignee_id === me.id;
  const free = !c.assignee_id;
  const may = mine || me.is_supervisor;
  const open = OPEN_STATUSES.has(c.status);
  return {
    claim: c.status === "queued" && free,
    release: (c.status === "assigned" || c.status === "pending") && !free && may,
    pending: c.status === "assigned" && may,
    resolve: ["queued", "assigned", "pending"].includes(c.status) && may,
    reopen: c.status === "resolved",
    escalate: open,
    deescalate: me.is_supervisor && c.escalation_level > 0,
    transfer: open && (free || may),
    merge: open && Boolean(c.contact_id) && (free || may),
  };
}

export class CaseView {
  constructor(store, { onRetry }) {
    this.store = store;
    this.onRetry = onRetry;
    this.renderedId = null;
    // Newest is at the bottom: stay there while the agent has not scrolled up, also when
    // the pane changes size (composer tabs, window).
    const list = byId("timeline");
    this.pinned = true;
    list.addEventListener("scroll", () => {
      this.pinned = list.scrollHeight - list.scrollTop - list.clientHeight < 40;
    });
    new ResizeObserver(() => {
      if (this.pinned) list.scrollTop = list.scrollHeight;
    }).observe(list);
  }

  renderEmpty(message) {
    byId("case-view").hidden = true;
    byId("case-placeholder").hidden = false;
    byId("case-placeholder").textContent = message ?? "Choose a case (j / k), or take the next one (n).";
    clear(byId("contact-panel")).append(h("p", { class: "muted" }, "The contact of the open case shows here."));
    this.renderedId = null;
  }

  render() {
    const c = this.store.detail;
    if (!c) return this.renderEmpty();
    byId("case-placeholder").hidden = true;
    byId("case-view").hidden = false;
    byId("case-view").dataset.caseId = c.id;
    this.renderHeader(c);
    this.renderTimeline(c);
    this.renderedId = c.id;
  }

  renderHeader(c) {
    const store = this.store;
    byId("case-title").textContent = `#${c.id} · ${c.subject || "(no subject)"}`;
    const status = byId("case-status");
    clear(status);
    appendChildren(status, [
      h("span", { class: `badge badge--status`, dataset: { status: c.status } }, c.status),
      h("span", { class: `prio prio--${c.priority}` }, `P${c.priority}`),
      h("span", null, store.queueName(c.queue_id)),
      c.escalation_level > 0 ? h("span", { class: "badge badge--escalated" }, `Escalated L${c.escalation_level}`) : null,
      h("span", { id: "case-holder", dataset: { assignee: c.assignee_id ?? "" } }, holderText(store, c)),
      h("span", { class: `sla sla--${slaState(c).state}`, "data-clock": "case", dataset: { caseId: c.id } }, slaState(c).label),
    ]);
    const can = allowed(store, c);
    for (const button of byId("case-actions").querySelectorAll("button[data-action]")) {
      button.disabled = !can[button.dataset.action];
      button.hidden = button.dataset.action === "deescalate" && !store.me.is_supervisor;
    }
    const clocks = byId("sla-clocks");
    clear(clocks);
    for (const [name, label] of TARGETS) {
      const el = h("dd", { "data-clock": "target", dataset: { target: name } });
      paint(el, targetClock(c, name, Date.now()));
      clocks.append(h("div", null, h("dt", null, label), el));
    }
    this.renderViewers();
  }

  renderViewers() {
    const out = byId("viewers");
    const others = [...this.store.viewers.values()];
    const typing = others.filter((v) => v.state === "typing").map((v) => v.name);
    const viewing = others.filter((v) => v.state !== "typing").map((v) => v.name);
    const parts = [];
    if (typing.length) parts.push(`${typing.join(", ")} ${typing.length > 1 ? "are" : "is"} typing…`);
    if (viewing.length) parts.push(`${viewing.join(", ")} ${viewing.length > 1 ? "are" : "is"} also viewing`);
    out.textContent = parts.join(" · ");
    out.dataset.typing = typing.join(",");
    out.dataset.viewing = viewing.join(",");
  }

  renderTimeline(c) {
    const list = byId("timeline");
    if (this.renderedId !== c.id) this.pinned = true;
    const keep = list.scrollTop;
    clear(list);
    for (const node of timelineItems(this.store, c, this.store.contact, { onRetry: this.onRetry })) list.append(node);
    list.scrollTop = this.pinned ? list.scrollHeight : keep;
  }

  /** One message's delivery state changed (message.updated): patch it in place. */
  patchMessage(update) {
    const c = this.store.detail;
    const message = c?.messages?.find((m) => m.id === update.id);
    if (!message) return false;
    Object.assign(message, { send_status: update.send_status, send_error: update.send_error });
    this.renderTimeline(c);
    return true;
  }
}
