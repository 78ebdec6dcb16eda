// The canned-response picker: a search box and the matching responses; choosing one
// inserts it with its variables filled in for this contact and this agent.

import { fillTemplate, searchCanned, templateContext } from "../compose/canned.js";
import { byId, clear, h } from "../lib/dom.js";
import { excerpt } from "./messageBody.js";
import { errorToast } from "./toast.js";

export class CannedPicker {
  constructor(store, onChoose) {
    this.store = store;
    this.onChoose = onChoose;
    this.context = () => ({});
    this.toggle = byId("canned-toggle");
    this.panel = byId("canned");
    this.search = byId("canned-search");
    this.list = byId("canned-list");
    this.timer = null;
    this.asked = 0;
    this.toggle.addEventListener("click", () => (this.panel.hidden ? this.open() : this.close()));
    this.search.addEventListener("input", () => {
      window.clearTimeout(this.timer);
      this.timer = window.setTimeout(() => this.load(), 200);
    });
    this.search.addEventListener("keydown", (event) => {
      if (event.key === "Escape") {
        event.preventDefault();
        this.close();
      }
      if (event.key === "ArrowDown") {
        event.preventDefault();
        this.list.querySelector("button")?.focus();
      }
    });
  }

  /** Where the variables come from: set by the case view for the open case. */
  useContext(provider) {
    this.context = provider;
  }

  open() {
    this.panel.hidden = false;
    this.toggle.setAttribute("aria-expanded", "true");
    this.search.focus();
    this.load();
  }

  close() {
    this.panel.hidden = true;
    this.toggle.setAttribute("aria-expanded", "false");
  }

  async load() {
    const asked = ++this.asked;
    let rows;
    try {
      rows = await searchCanned(this.search.value.trim());
    } catch (error) {
      errorToast(error, "load canned responses");
      return;
    }
    if (asked !== this.asked) return; // a newer search is on its way
    clear(this.list);
    if (!rows.length) this.list.append(h("li", { class: "muted" }, "No canned response matches."));
    const context = templateContext(this.context());
    for (const row of rows) {
      const filled = fillTemplate(row.body, context);
      this.list.append(h("li", null, h("button", {
        type: "button", class: "canned-item", dataset: { cannedId: row.id },
        onclick: () => {
          this.onChoose(filled);
          this.close();
        },
      }, h("strong", null, row.title), h("span", { class: "muted" }, excerpt(filled, 100)),
      row.tags?.length ? h("span", { class: "tags" }, row.tags.join(", ")) : null)));
    }
  }
}
