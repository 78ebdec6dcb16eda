// The reply composer. It knows the channel: public reply, private message, email or SMS;
// counts against the platform's limit as the agent types; asks before an email address
// or phone number goes out in public; inserts canned responses; and is closed when
// another agent holds the case (the server refuses such a reply too).

import { contactDetails } from "../compose/contactDetails.js";
import { measure, modesFor } from "../compose/limits.js";
import { post } from "../lib/api.js";
import { byId, clear, h } from "../lib/dom.js";
import { CannedPicker } from "./canned.js";
import { errorToast, toast } from "./toast.js";

export class Composer {
  constructor(store, viewing, { onSent }) {
    this.store = store;
    this.viewing = viewing;
    this.onSent = onSent;
    this.drafts = new Map(); // case id -> {text, visibility}
    this.detail = null;
    this.kind = null;
    this.visibility = null;
    this.text = byId("reply-text");
    this.form = byId("reply-form");
    this.warning = byId("contact-warning");
    this.canned = new CannedPicker(store, (body) => this.insert(body));

    this.form.addEventListener("submit", (event) => {
      event.preventDefault();
      this.send(false);
    });
    this.text.addEventListener("input", () => {
      this.viewing.keystroke();
      this.saveDraft();
      this.update();
    });
    this.text.addEventListener("keydown", (event) => {
      if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
        event.preventDefault();
        this.send(false);
      }
    });
    this.text.addEventListener("blur", () => this.viewing.stopTyping());
    byId("switch-private").addEventListener("click", () => {
      this.setVisibility("private");
      this.text.focus();
    });
    byId("post-anyway").addEventListener("click", () => this.send(true));
    store.on("rework", ({ caseId, text }) => this.rework(caseId, text));
  }

  /** A reply a supervisor sent back: its text in the composer again, to rework (kept
   * when the agent has already started something else). */
  rework(caseId, text) {
    if (this.detail?.id !== caseId) {
      if (!this.drafts.get(caseId)?.text) this.drafts.set(caseId, { text, visibility: "public" });
      return;
    }
    if (!this.text.value.trim()) this.text.value = text;
    this.setVisibility("public");
    this.update();
    this.focus();
  }

  /** Show the composer for `detail` (keeping each case's draft). */
  setCase(detail, contact) {
    if (this.detail?.id !== detail.id) {
      this.saveDraft();
      this.detail = detail;
      const draft = this.drafts.get(detail.id);
      this.text.value = draft?.text ?? "";
      this.visibility = draft?.visibility ?? null;
      byId("reply-error").textContent = "";
    }
    this.detail = detail;
    this.contact = contact;
    this.kind = this.store.channel(detail.channel_id)?.kind ?? null;
    this.renderModes();
    this.update();
  }

  lastInbound() {
    const inbound = (this.detail?.messages ?? []).filter((m) => m.direction === "in");
    return inbound[inbound.length - 1] ?? null;
  }

  /** The ways this case can be answered; public is not offered under a private thread. */
  modes() {
    const parent = this.lastInbound();
    return modesFor(this.kind).filter((m) => !(m.visibility === "public" && parent?.visibility === "private"));
  }

  renderModes() {
    const box = byId("reply-modes");
    const modes = this.modes();
    if (!modes.some((m) => m.visibility === this.visibility)) {
      const parent = this.lastInbound();
      this.visibility = (modes.find((m) => m.visibility === parent?.visibility) ?? modes[0])?.visibility ?? null;
    }
    clear(box);
    box.append(h("legend", null, "Send as"));
    for (const mode of modes) {
      const input = h("input", {
        type: "radio", name: "visibility", value: mode.visibility, id: `mode-${mode.visibility}`,
        checked: mode.visibility === this.visibility,
        onchange: () => this.setVisibility(mode.visibility),
      });
      box.append(h("label", { class: "mode", for: `mode-${mode.visibility}` }, input, ` ${mode.label}`,
        h("span", { class: `badge badge--${mode.visibility}` }, mode.visibility === "public" ? "everyone sees it" : "only the customer")));
    }
    if (!modes.length) box.append(h("p", { class: "muted" }, "This channel cannot send replies."));
    const missing = this.missingToSend();
    if (missing.length) {
      box.append(h("p", { class: "warning-box", id: "reply-not-set-up", role: "status" },
        `This channel is not set up to send replies yet (missing: ${missing.join(", ")}). An admin can add it on the Channels page.`));
    }
    if (this.kind === "email" && this.detail) {
      const subject = /^re:/i.test(this.detail.subject ?? "") ? this.detail.subject : `Re: ${this.detail.subject ?? ""}`;
      box.append(h("p", { class: "muted", id: "email-subject" }, `Subject: ${subject}`));
    }
  }

  setVisibility(visibility) {
    if (!this.modes().some((m) => m.visibility === visibility)) return;
    this.visibility = visibility;
    const radio = byId(`mode-${visibility}`);
    if (radio) radio.checked = true;
    this.saveDraft();
    this.update();
  }

  saveDraft() {
    if (this.detail) this.drafts.set(this.detail.id, { text: this.text.value, visibility: this.visibility });
  }

  /** What the case's channel still needs before a reply can be sent (empty: ready). */
  missingToSend() {
    return this.store.channel(this.detail?.channel_id)?.missing_to_send ?? [];
  }

  heldByOther() {
    const holder = this.detail?.assignee_id;
    return Boolean(holder) && holder !== this.store.me.id && !this.store.me.is_supervisor;
  }

  /** Counter, warning and whether sending is possible, after every change. */
  update() {
    if (!this.detail) return;
    const held = this.heldByOther();
    const closed = this.detail.status === "closed";
    const heldNote = byId("reply-held");
    heldNote.hidden = !held && !closed;
    heldNote.textContent = closed
      ? "This case is closed: reopen it to reply."
      : held ? `${this.store.userName(this.detail.assignee_id)} holds this case: replies are refused. Add an internal note instead.` : "";
    this.text.disabled = held || closed;
    const text = this.text.value;
    this.grow();
    const result = measure(this.kind, this.visibility, text);
    const counter = byId("reply-counter");
    counter.textContent = result.summary;
    counter.dataset.over = String(result.over);
    counter.className = `counter${result.over ? " counter--over" : ""}`;
    const found = this.visibility === "public" ? contactDetails(text) : [];
    this.showWarning(found);
    byId("reply-send").disabled = held || closed || !text.trim() || result.over || !this.visibility
      || this.missingToSend().length > 0;
  }

  /** Two lines at rest (the conversation gets the room), as tall as the text when
   * writing, up to the CSS max-height. */
  grow() {
    this.text.style.height = "auto";
    if (this.text.value) this.text.style.height = `${this.text.scrollHeight + 2}px`;
  }

  showWarning(found) {
    this.warning.hidden = found.length === 0;
    if (!found.length) return;
    const canGoPrivate = this.modes().some((m) => m.visibility === "private");
    this.warning.querySelector("p").textContent =
      `This public reply shows ${found.join(", ")} to everyone. ${canGoPrivate ? "Move to a private message?" : "Remove it, or post anyway."}`;
    byId("switch-private").hidden = !canGoPrivate;
  }

  insert(body) {
    const { selectionStart, selectionEnd, value } = this.text;
    this.text.value = value.slice(0, selectionStart) + body + value.slice(selectionEnd);
    this.text.focus();
    this.text.selectionStart = this.text.selectionEnd = selectionStart + body.length;
    this.saveDraft();
    this.update();
  }

  focus() {
    if (!this.text.disabled) this.text.focus();
  }

  async send(confirmed) {
    const text = this.text.value.trim();
    if (!this.detail || !text || this.heldByOther()) return;
    if (measure(this.kind, this.visibility, text).over) return;
    if (!confirmed && this.visibility === "public" && contactDetails(text).length) {
      this.showWarning(contactDetails(text));
      const choice = byId("switch-private");
      (choice.hidden ? byId("post-anyway") : choice).focus();
      return;
    }
    const caseId = this.detail.id;
    const button = byId("reply-send");
    button.disabled = true;
    byId("reply-error").textContent = "";
    try {
      const message = await post(`/cases/${caseId}/reply`, {
        text, visibility: this.visibility, confirm_public_contact_details: Boolean(confirmed),
      });
      this.viewing.stopTyping();
      this.drafts.delete(caseId);
      if (this.detail?.id === caseId) this.text.value = "";
      this.warning.hidden = true;
      toast(message.send_status === "awaiting_approval"
        ? "Reply waiting for a supervisor's approval." : "Reply queued to send.");
      this.onSent(caseId, message);
    } catch (error) {
      this.refused(error);
    } finally {
      this.update();
    }
  }

  refused(error) {
    const out = byId("reply-error");
    if (error.code === "held_by_other") {
      out.textContent = `Not sent: ${this.store.userName(error.details.assignee_id)} holds this case.`;
      this.store.emit("stale", { id: this.detail.id });
    } else if (error.code === "contact_details_in_public") {
      this.showWarning(error.details.contact_details ?? ["contact details"]);
    } else if (error.fields?.text || error.fields?.visibility) {
      out.textContent = `Not sent: ${error.fields.text ?? error.fields.visibility}`;
    } else {
      errorToast(error, "send the reply");
    }
  }
}
