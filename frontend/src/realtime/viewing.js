// Who else has the open case on screen, and who is typing in it (case.viewing events).
// This desk says when it opens or leaves a case, and when its agent starts or stops typing.

import { ask } from "./connection.js";

const TYPING_IDLE_MS = 2500;
const RENEW_MS = 40_000; // the server forgets an entry not renewed for 120 s

export class Viewing {
  constructor(socket, store) {
    this.socket = socket;
    this.store = store;
    this.caseId = null;
    this.typing = false;
    this.idleTimer = null;
    window.setInterval(() => this.renew(), RENEW_MS);
  }

  async open(caseId) {
    if (this.caseId === caseId) return;
    this.close();
    this.caseId = caseId;
    this.store.viewers.clear();
    this.store.emit("viewers");
    await this.renew();
  }

  /** Say (again) that this desk has the case open; the answer is who else is there. */
  async renew() {
    const caseId = this.caseId;
    if (caseId === null || !this.socket.connected) return; // rejoin() runs on connect
    try {
      const answer = await ask(this.socket, "case.view", { case_id: caseId });
      if (answer?.ok && this.caseId === caseId) {
        this.store.viewers.clear();
        for (const viewer of answer.viewers ?? []) this.store.viewers.set(viewer.user_id, viewer);
        this.store.emit("viewers");
      }
    } catch {
      // no answer in time: the next renewal or (re)connect asks again
    }
  }

  close() {
    if (this.caseId === null) return;
    this.stopTyping();
    if (this.socket.connected) this.socket.emit("case.leave", { case_id: this.caseId });
    this.caseId = null;
    this.store.viewers.clear();
    this.store.emit("viewers");
  }

  /** After a reconnect the server has forgotten us: open the case again. */
  rejoin() {
    const caseId = this.caseId;
    this.caseId = null;
    this.typing = false;
    if (caseId !== null) this.open(caseId);
  }

  /** Call on every keystroke in a composer; "stopped typing" follows after a pause. */
  keystroke() {
    if (this.caseId === null) return;
    if (!this.typing && this.socket.connected) {
      this.typing = true;
      this.socket.emit("case.typing", { case_id: this.caseId, typing: true });
    }
    window.clearTimeout(this.idleTimer);
    this.idleTimer = window.setTimeout(() => this.stopTyping(), TYPING_IDLE_MS);
  }

  stopTyping() {
    window.clearTimeout(this.idleTimer);
    if (!this.typing) return;
    this.typing = false;
    if (this.socket.connected && this.caseId !== null) {
      this.socket.emit("case.typing", { case_id: this.caseId, typing: false });
    }
  }

  handle(payload) {
    if (payload.case_id !== this.caseId || payload.user_id === this.store.me.id) return;
    if (payload.state === "left") this.store.viewers.delete(payload.user_id);
    else this.store.viewers.set(payload.user_id, payload);
    this.store.emit("viewers");
  }
}
