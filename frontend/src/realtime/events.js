// What each server event does to the desk. Events are notifications: they patch the
// store at once and ask for an API read where the payload does not say everything.

import { post } from "../lib/api.js";
import { errorToast, toast } from "../ui/toast.js";
import { Dedupe } from "./dedupe.js";

/**
 * eventHandler(store, live) -> onEvent(name, payload). `live` holds the desk's parts the
 * handlers act through: caseView, drawList, drawQueues, flash, notifier, openCase,
 * presence, refreshCase, refreshList, refreshQueues, viewing.
 */
export function eventHandler(store, live) {
  const dedupe = new Dedupe();
  const notifiedP1 = new Set();

  /** A P1 case waiting in my queues that this desk has not announced yet. */
  function announceP1(payload, before) {
    const waiting = payload.status === "queued" || payload.status === "new";
    const fresh = !before || before.priority !== 1 || before.status !== payload.status;
    if (payload.priority !== 1 || !waiting || !fresh || notifiedP1.has(payload.id)) return;
    if (!store.visibleToMe(payload)) return;
    notifiedP1.add(payload.id);
    const open = () => live.openCase(payload.id);
    toast(`New P1 case #${payload.id}: ${payload.subject ?? ""}`, { kind: "urgent", action: { label: "Open", run: open } });
    live.notifier.notify(`New P1 case #${payload.id}`, payload.subject ?? "", open, `case-${payload.id}`);
  }

  function caseEvent(name, payload) {
    // A new case sends case.updated (created, enqueue) before case.created: "new" means
    // new to this desk, whichever comes first.
    const before = store.cases.get(payload.id) ?? (store.detail?.id === payload.id ? store.detail : null);
    store.upsertCase(payload);
    if (payload.channel_id && !store.channel(payload.channel_id)) live.refreshDirectory(); // a channel made since load
    if (!before && store.cases.has(payload.id)) {
      live.flash(payload.id);
      live.refreshList(); // fills in what the event leaves out (channel, times)
    }
    if (payload.id === store.openId) live.refreshCase();
    live.refreshQueues();
    announceP1(payload, before);
    const open = { label: "Open", run: () => live.openCase(payload.id) };
    const raised = payload.escalation_level > (before?.escalation_level ?? 0);
    if (name === "case.updated" && raised && payload.actor_id !== store.me.id) {
      const by = payload.actor_id ? ` by ${store.userName(payload.actor_id)}` : "";
      toast(`Case #${payload.id} escalated to level ${payload.escalation_level}${by}.`, { kind: "urgent", action: open });
    }
    const assignedToMe = payload.change === "assign" && payload.assignee_id === store.me.id;
    if (name === "case.updated" && assignedToMe && payload.actor_id !== store.me.id) {
      toast(`Case #${payload.id} was assigned to you.`, { action: open });
    }
  }

  function slaEvent(name, payload) {
    const flag = name === "sla.warning" ? "_sla_warned" : "_sla_breached";
    const c = store.cases.get(payload.case_id);
    if (c) c[flag] = true;
    if (store.detail?.id === payload.case_id) store.detail[flag] = true;
    live.refreshQueues();
  }

  function offered(payload) {
    const accept = () => post(`/offers/${payload.offer_id}/accept`).then((c) => {
      store.upsertCase(c);
      live.openCase(c.id);
    }, (error) => errorToast(error, "accept the offer"));
    toast(`Case #${payload.case_id} is offered to you.`, { kind: "urgent", timeout: 0, action: { label: "Accept", run: accept } });
  }

  function mentioned(payload) {
    const open = () => live.openCase(payload.case_id);
    toast(`${payload.by} mentioned you in case #${payload.case_id}.`, { kind: "urgent", action: { label: "Open", run: open } });
    live.notifier.notify(`${payload.by} mentioned you`, `In case #${payload.case_id}`, open, `note-${payload.note_id}`);
    if (payload.case_id === store.openId) live.refreshCase();
  }

  const handlers = {
    "case.created": (payload) => caseEvent("case.created", payload),
    "case.updated": (payload) => caseEvent("case.updated", payload),
    "message.created": (payload) => {
      if (payload.case_id === store.openId) live.refreshCase();
      else if (payload.direction === "in" && store.cases.has(payload.case_id)) {
        store.unread.add(payload.case_id);
        live.drawList();
      }
    },
    "message.updated": (payload) => {
      if (payload.case_id === store.openId && !live.caseView.patchMessage(payload)) live.refreshCase();
    },
    "sla.warning": (payload) => slaEvent("sla.warning", payload),
    "sla.breached": (payload) => slaEvent("sla.breached", payload),
    "agent.presence": (payload) => {
      if (payload.user_id === store.me.id) live.presence.set(payload.presence);
    },
    "queue.stats": (payload) => {
      const queue = store.queues.get(payload.queue_id);
      if (queue?.stats) queue.stats.waiting = payload.waiting;
      live.drawQueues();
    },
    "case.viewing": (payload) => live.viewing.handle(payload),
    "case.offered": offered,
    "note.mention": mentioned,
  };

  return (name, payload) => {
    if (dedupe.first(name, payload)) handlers[name]?.(payload);
  };
}
