// The case view: header (status, holder, who else is here), actions, SLA clocks, the
// cross-channel timeline and the composers. Re-rendered from the store's copy of
// GET /cases/<id> and GET /contacts/<id> whenever either changes.

import { appendChildren, byId, clear, h } from "../lib/dom.js";
import { OPEN_STATUSES } from "../lib/store.js";
import { holderText } from "./caseList.js";
import { loadOlder } from "./history.js";
import { renderSendBanner } from "./sendState.js";
import { clockState, paint, slaState } from "./sla.js";
import { timelineItems } from "./timeline.js";
import { errorToast } from "./toast.js";

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
    // Suggested during ingestion (docs/listening.md): a public answer, then the thanks.
    communityClose: ["queued", "assigned", "pending"].includes(c.status) && may
      && (c.tags || []).includes("community_answer"),
    reopen: c.status === "resolved",
    escalate: open,
    deescalate: me.is_supervisor && c.escalation_level > 0,
    transfer: open && (free || may),
    merge: open && Boolean(c.contact_id) && (free || may),
  };
}

const OLDER_WITHIN_PX = 300; // this close to the top, the page before is read

export class CaseView {
  constructor(store, { onRetry }) {
    this.store = store;
    this.onRetry = onRetry;
    this.renderedId = null;
    this.loadingOlder = false;
    // Newest is at the bottom: stay there while the agent has not scrolled up, also when
    // the pane or a message changes size (composer folded, an image loaded, the window).
    const list = byId("timeline");
    this.list = list;
    this.pinned = true;
    this.ownTop = null; // where the desk itself last scrolled to
    list.addEventListener("scroll", () => {
      // Our own scrolling is not the agent's: the layout may have moved since (the
      // composer filled in), and that must not unpin the newest message.
      if (this.ownTop !== null && Math.abs(list.scrollTop - this.ownTop) < 2) return;
      this.ownTop = null;
      this.pinned = list.scrollHeight - list.scrollTop - list.clientHeight < 40;
      if (list.scrollTop < OLDER_WITHIN_PX) this.older();
    });
    this.sizes = new ResizeObserver(() => {
      if (this.pinned) this.scrollTo(list.scrollHeight);
    });
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
      button.hidden = (button.dataset.action === "deescalate" && !store.me.is_supervisor)
        || (button.dataset.action === "communityClose" && !can.communityClose);
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
    const list = this.list;
    if (this.renderedId !== c.id) this.pinned = true;
    // What the agent reads stays where it is when older pages arrive above it.
    const fromBottom = list.scrollHeight - list.scrollTop;
    this.sizes.disconnect();
    clear(list);
    const items = timelineItems(this.store, c, this.store.contact, {
      onRetry: this.onRetry, onOlder: () => this.older(),
    });
    for (const node of items) list.append(node);
    this.sizes.observe(list);
    for (const node of items) this.sizes.observe(node);
    this.scrollTo(this.pinned ? list.scrollHeight : list.scrollHeight - fromBottom);
    renderSendBanner(c, { onRetry: this.onRetry, onShow: (id) => this.reveal(id) });
    // A tall pane the newest page does not fill cannot be scrolled up: read on at once.
    if (c.messages_before && list.scrollHeight <= list.clientHeight) this.older();
  }

  scrollTo(top) {
    this.list.scrollTop = top;
    this.ownTop = this.list.scrollTop;
  }

  /** Read the page of messages before the oldest shown (scrolled near the top). */
  async older() {
    const c = this.store.detail;
    if (this.loadingOlder || !c?.messages_before) return;
    this.loadingOlder = true;
    this.list.dataset.loadingOlder = "true";
    try {
      if (await loadOlder(c) && this.store.detail === c) this.renderTimeline(c);
    } catch (error) {
      if (error.code !== "network") errorToast(error, "load older messages");
    } finally {
      this.loadingOlder = false;
      delete this.list.dataset.loadingOlder;
    }
  }

  /** Bring one message into view (the reply just sent, a failed one from the banner). */
  reveal(messageId) {
    const item = this.list.querySelector(`[data-message-id="${Number(messageId)}"]`);
    if (!item) return;
    const last = this.list.lastElementChild === item;
    // Scroll the timeline only (scrollIntoView would move the page and the pane too).
    const box = this.list.getBoundingClientRect();
    const at = item.getBoundingClientRect();
    this.scrollTo(this.list.scrollTop + (last ? at.bottom - box.bottom + 8 : (at.top + at.bottom) / 2 - (box.top + box.bottom) / 2));
    this.pinned = last || this.pinned;
    item.classList.add("msg--revealed");
    window.setTimeout(() => item.classList.remove("msg--revealed"), 2000);
  }

  /** One message's delivery state changed (message.updated): patch it in place. */
  patchMessage(update) {
    const c = this.store.detail;
    const message = c?.messages?.find((m) => m.id === update.id);
    if (!message) return false;
    Object.assign(message, { send_status: update.send_status, send_error: update.send_error });
    if (update.text !== undefined) message.text = update.text; // a supervisor's edit
    if (update.approval) message.facts = { ...(message.facts ?? {}), approval: update.approval };
    this.renderTimeline(c);
    return true;
  }
}
