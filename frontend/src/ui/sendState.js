// Where a reply is on its way out, in plain sight: the line under each of our messages
// (queued → sending → sent, or failed with the reason and Retry), the banner over the
// timeline while a reply of this case has failed, and toasts that say what actually
// happened to the replies this agent sent (driven by message.updated). A public reply
// that needs a supervisor's approval (four eyes) says so, and when it is due; one sent
// back says why, with Rework to put its text back in the composer.

import { post } from "../lib/api.js";
import { byId, clear, h } from "../lib/dom.js";
import { errorToast, toast } from "./toast.js";

const LABELS = {
  pending: "Queued to send", sending: "Sending…", sent: "Sent", failed: "Not sent",
  awaiting_approval: "Awaiting approval", returned: "Sent back",
};

function dueText(due) {
  if (!due) return "";
  const at = new Date(due);
  const time = at.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
  return at <= new Date() ? `overdue since ${time}` : `a supervisor approves it by ${time}`;
}

/** What the line says beside its label: the failure, the approval's clock, the comment. */
function statusWhy(message) {
  const state = message.send_status;
  const approval = message.facts?.approval ?? message.approval ?? {};
  // While pending, send_error is the last attempt's failure and when the next one is.
  if (message.send_error && (state === "failed" || state === "pending")) return message.send_error;
  if (state === "awaiting_approval") return dueText(approval.due_at);
  if (state === "returned") return `${approval.decided_by ?? "a supervisor"}: “${approval.comment ?? ""}”`;
  return "";
}

/** The status line of one outbound message; null for the customer's. `store` (the
 * desk's) hears "rework" when the agent takes a sent-back reply back to the composer. */
export function sendStatus(message, onRetry, store = null) {
  if (message.direction !== "out" || !message.send_status) return null;
  const state = message.send_status;
  const why = statusWhy(message);
  return h("p", { class: `send-status send-status--${state}`, dataset: { sendStatus: state }, role: state === "failed" || state === "returned" ? "status" : null },
    h("span", { class: "send-status__label" }, LABELS[state] ?? state),
    why ? h("span", { class: "send-status__why" }, ` — ${why}`) : null,
    state === "failed" && message.id
      ? h("button", { type: "button", class: "link-button send-status__retry", onclick: () => onRetry(message.id) }, "Retry")
      : null,
    state === "returned" && store
      ? h("button", { type: "button", class: "link-button send-status__rework", onclick: () => store.emit("rework", { caseId: message.case_id, text: message.text }) }, "Rework")
      : null);
}

/** The case's failed replies, newest first (only this case's own messages). */
export function failedReplies(detail) {
  return (detail?.messages ?? []).filter((m) => m.direction === "out" && m.send_status === "failed").reverse();
}

/** The banner over the timeline: each failed reply of the open case, why, and Retry. */
export function renderSendBanner(detail, { onRetry, onShow }) {
  const banner = byId("send-failed");
  const failed = failedReplies(detail);
  clear(banner);
  banner.hidden = failed.length === 0;
  if (!failed.length) return;
  banner.append(h("strong", null, failed.length === 1 ? "A reply was not sent." : `${failed.length} replies were not sent.`));
  const list = h("ul", { class: "send-failed__list" });
  for (const message of failed) {
    list.append(h("li", { dataset: { messageId: message.id } },
      h("span", { class: "send-failed__why" }, message.send_error || "the platform did not take it"),
      " ",
      h("button", { type: "button", class: "send-failed__retry", onclick: () => onRetry(message.id) }, "Retry"),
      " ",
      h("button", { type: "button", class: "secondary send-failed__show", onclick: () => onShow(message.id) }, "Show")));
  }
  banner.append(list);
}

/**
 * Follows the replies this desk sent (or asked to send again) until they are sent or
 * failed, and says so in a toast. `onChange(update)` applies a state change to the open
 * case (the retry's own answer comes back before any event).
 */
export class SendWatch {
  constructor({ onChange, open, onReturned }) {
    this.onChange = onChange;
    this.open = open;
    this.onReturned = onReturned;
    this.watched = new Map(); // message id -> {caseId, lastError}
  }

  watch(messageId, caseId) {
    this.watched.get(messageId)?.notice?.remove();
    this.watched.set(messageId, { caseId, lastError: null, notice: null });
  }

  /** message.updated for any case: a toast for the replies this desk is following
   * (one per reply: each new state replaces the one before). */
  update(payload) {
    const watched = this.watched.get(payload.id);
    if (!watched) return;
    const where = ` (case #${payload.case_id ?? watched.caseId})`;
    const say = (text, options) => {
      watched.notice?.remove();
      watched.notice = toast(text, options);
    };
    if (payload.send_status === "returned") {
      this.watched.delete(payload.id);
      const approval = payload.approval ?? {};
      say(`Reply sent back${where} by ${approval.decided_by ?? "a supervisor"}: “${approval.comment ?? ""}”`, { kind: "warning", timeout: 0 });
      this.onReturned?.(payload);
    } else if (payload.send_status === "pending" && payload.approval?.state === "approved") {
      say(`Reply approved${where} by ${payload.approval.decided_by}; sending…`);
    } else if (payload.send_status === "sent") {
      this.watched.delete(payload.id);
      say(`Reply sent${where}.`, { kind: "success" });
    } else if (payload.send_status === "failed") {
      this.watched.delete(payload.id);
      say(`Reply not sent${where}: ${payload.send_error ?? "the platform did not take it"}`, {
        kind: "error", timeout: 0, action: { label: "Retry", run: () => this.retry(payload.id, payload.case_id) },
      });
    } else if (payload.send_status === "pending" && payload.send_error && payload.send_error !== watched.lastError) {
      watched.lastError = payload.send_error;
      say(`Reply not sent yet${where}: ${payload.send_error}`, { kind: "warning", timeout: 0 });
    }
  }

  /** POST /messages/<id>/retry, then follow it again. */
  async retry(messageId, caseId) {
    try {
      const message = await post(`/messages/${messageId}/retry`);
      this.watch(messageId, caseId);
      this.onChange({ id: messageId, case_id: caseId, send_status: message.send_status, send_error: message.send_error });
      toast("Sending the reply again…");
    } catch (error) {
      errorToast(error, "send it again");
    }
  }
}
