// Acting on a case through the API: claim, release, pending, resolve, reopen, escalate,
// de-escalate, transfer, and next case. The answer (the case as it now is) goes into
// the store at once; other desks learn of it through case.updated.

import { post } from "../lib/api.js";
import { askDisposition, askEscalation, askReason, askTransfer } from "./dialogs.js";
import { errorToast, toast } from "./toast.js";

export class Actions {
  constructor(store, { onChanged, open }) {
    this.store = store;
    this.onChanged = onChanged;
    this.open = open;
  }

  heldByOther(c) {
    return Boolean(c.assignee_id) && c.assignee_id !== this.store.me.id;
  }

  async call(c, action, body, doing) {
    try {
      const updated = await post(`/cases/${c.id}/${action}`, body);
      this.store.upsertCase(updated);
      this.onChanged(updated.id);
      return updated;
    } catch (error) {
      if (error.status === 409 && error.details.assignee_id && error.details.assignee_id !== this.store.me.id) {
        toast(`Refused: ${this.store.userName(error.details.assignee_id)} holds case #${c.id}.`, { kind: "error" });
      } else {
        errorToast(error, doing);
      }
      this.store.emit("stale", { id: c.id });
      return null;
    }
  }

  async claim(c) {
    if (!c) return null;
    if (this.heldByOther(c)) {
      toast(`You cannot claim case #${c.id}: ${this.store.userName(c.assignee_id)} holds it.`, { kind: "error" });
      return null;
    }
    if (c.assignee_id === this.store.me.id) return c;
    const updated = await this.call(c, "claim", {}, "claim the case");
    if (updated) toast(`Case #${c.id} is yours.`);
    return updated;
  }

  release(c) {
    return this.call(c, "release", {}, "release the case");
  }

  pending(c) {
    return this.call(c, "pending", {}, "set the case to pending");
  }

  async resolve(c) {
    const body = await askDisposition(c);
    return body ? this.call(c, "resolve", body, "resolve the case") : null;
  }

  communityClose(c) {
    return this.call(c, "resolve", { disposition: "answered_by_community" }, "close the case as answered by the community");
  }

  async reopen(c) {
    const body = await askReason("reopen-dialog", c);
    return body ? this.call(c, "reopen", { reason: body.reason || "reopened by an agent" }, "reopen the case") : null;
  }

  async escalate(c) {
    const body = await askEscalation(this.store, c);
    if (!body) return null;
    const updated = await this.call(c, "escalate", body, "escalate the case");
    if (updated) toast(`Case #${c.id} escalated${body.queue_id ? ` to ${this.store.queueName(body.queue_id)}` : ""}.`);
    return updated;
  }

  async deescalate(c) {
    const body = await askReason("deescalate-dialog", c);
    return body ? this.call(c, "deescalate", body, "de-escalate the case") : null;
  }

  async transfer(c) {
    const body = await askTransfer(this.store, c);
    if (!body) return null;
    const updated = await this.call(c, "transfer", body, "transfer the case");
    if (updated) {
      const to = body.agent_id ? this.store.userName(body.agent_id) : this.store.queueName(body.queue_id);
      toast(`Case #${c.id} transferred to ${to}.`);
    }
    return updated;
  }

  /** The case the server says is next for me: the most urgent I may take in the queue in
   * view, or across all my queues (merged by queue order, not by their counts). */
  async next() {
    const queueId = this.store.filter.queue;
    try {
      const c = await post(queueId !== null ? `/queues/${queueId}/next` : "/queues/next");
      if (c) {
        this.store.upsertCase(c);
        this.open(c.id);
        toast(`Next case: #${c.id} is yours.`);
        return c;
      }
    } catch (error) {
      errorToast(error, "take the next case");
      return null;
    }
    const presence = this.store.me.presence;
    toast(presence === "online" || presence === "on_call"
      ? "No case you can take right now."
      : `No case for you while you are ${presence.replace("_", " ")}: set yourself online.`);
    return null;
  }
}
