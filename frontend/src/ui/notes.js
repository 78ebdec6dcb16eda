// Internal notes, with @mentions: typing "@" offers colleagues; the note names them as
// "@Full Name", which the server recognises and turns into a notification for them.

import { post } from "../lib/api.js";
import { byId, clear, h } from "../lib/dom.js";
import { errorToast, toast } from "./toast.js";

const TOKEN = /(?:^|\s)@([^\s@]{0,40})$/;

export class NoteComposer {
  constructor(store, viewing, { onAdded }) {
    this.store = store;
    this.viewing = viewing;
    this.onAdded = onAdded;
    this.caseId = null;
    this.text = byId("note-text");
    this.list = byId("mention-list");
    this.options = [];
    this.active = 0;
    byId("note-form").addEventListener("submit", (event) => {
      event.preventDefault();
      this.send();
    });
    this.text.addEventListener("input", () => {
      this.viewing.keystroke();
      this.suggest();
    });
    this.text.addEventListener("keydown", (event) => this.keydown(event));
    this.text.addEventListener("blur", () => window.setTimeout(() => this.hideSuggestions(), 150));
  }

  setCase(caseId) {
    if (this.caseId !== caseId) {
      this.text.value = "";
      byId("note-error").textContent = "";
      this.hideSuggestions();
    }
    this.caseId = caseId;
  }

  focus() {
    this.text.focus();
  }

  suggest() {
    const before = this.text.value.slice(0, this.text.selectionStart);
    const match = before.match(TOKEN);
    if (!match) return this.hideSuggestions();
    const needle = match[1].toLowerCase();
    this.options = [...this.store.users.values()]
      .filter((u) => u.id !== this.store.me.id && u.name.toLowerCase().split(/\s+/).concat(u.name.toLowerCase())
        .some((part) => part.startsWith(needle)))
      .slice(0, 6);
    this.active = 0;
    this.renderSuggestions();
  }

  renderSuggestions() {
    clear(this.list);
    this.list.hidden = this.options.length === 0;
    this.text.setAttribute("aria-expanded", String(!this.list.hidden));
    this.options.forEach((user, index) => {
      const option = h("li", {
        role: "option", id: `mention-${user.id}`, "aria-selected": String(index === this.active),
        class: index === this.active ? "active" : null,
        onmousedown: (event) => {
          event.preventDefault(); // keep the focus in the note
          this.choose(user);
        },
      }, user.name, h("span", { class: "muted" }, ` · ${user.role}`));
      this.list.append(option);
    });
    if (this.options.length) this.text.setAttribute("aria-activedescendant", `mention-${this.options[this.active].id}`);
    else this.text.removeAttribute("aria-activedescendant");
  }

  hideSuggestions() {
    this.options = [];
    this.list.hidden = true;
    this.text.setAttribute("aria-expanded", "false");
    this.text.removeAttribute("aria-activedescendant");
  }

  keydown(event) {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      this.send();
      return;
    }
    if (this.list.hidden) return;
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      const step = event.key === "ArrowDown" ? 1 : -1;
      this.active = (this.active + step + this.options.length) % this.options.length;
      this.renderSuggestions();
    } else if (event.key === "Enter" || event.key === "Tab") {
      event.preventDefault();
      this.choose(this.options[this.active]);
    } else if (event.key === "Escape") {
      event.preventDefault();
      this.hideSuggestions();
    }
  }

  choose(user) {
    const caret = this.text.selectionStart;
    const before = this.text.value.slice(0, caret).replace(/@([^\s@]{0,40})$/, `@${user.name} `);
    this.text.value = before + this.text.value.slice(caret);
    this.text.selectionStart = this.text.selectionEnd = before.length;
    this.hideSuggestions();
    this.text.focus();
  }

  async send() {
    const text = this.text.value.trim();
    if (!text || this.caseId === null) return;
    const caseId = this.caseId;
    try {
      const note = await post(`/cases/${caseId}/notes`, { text });
      this.viewing.stopTyping();
      if (this.caseId === caseId) this.text.value = "";
      const named = (note.mentions ?? []).map((id) => this.store.userName(id));
      toast(named.length ? `Note added; ${named.join(", ")} notified.` : "Note added.");
      this.onAdded(caseId, note);
    } catch (error) {
      if (error.fields?.text) byId("note-error").textContent = `Not added: ${error.fields.text}`;
      else errorToast(error, "add the note");
    }
  }
}
