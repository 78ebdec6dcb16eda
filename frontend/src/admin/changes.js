// The record of admin changes: who changed what, when; secrets appear only as "set".

import { get, query } from "../lib/api.js";
import { byId, h } from "../lib/dom.js";
import { clock } from "../lib/time.js";
import { fillRows, row, sectionError } from "./sections.js";

const shown = (value) => (value === null || value === undefined ? "—" : typeof value === "object" ? JSON.stringify(value) : String(value));

function changeText(changes) {
  return Object.entries(changes ?? {}).map(([name, value]) => (Array.isArray(value) && value.length === 2
    ? `${name}: ${shown(value[0])} → ${shown(value[1])}` : `${name}: ${shown(value)}`)).join("; ");
}

export class ChangesSection {
  constructor(boot) {
    this.el = byId("changes");
    this.enabled = Boolean(this.el) && boot.me.is_admin;
    if (!this.enabled) return;
    // Filters: who (part of an email), what (an action or its family), which kind.
    this.filters = byId("change-filters");
    this.filters.addEventListener("submit", (event) => {
      event.preventDefault();
      this.load().catch((error) => sectionError(this.el, error));
    });
  }

  async load() {
    if (!this.enabled) return;
    const form = new FormData(this.filters);
    const changes = await get(`/audit${query({
      limit: 100, actor: form.get("actor"), action: form.get("action"), target_kind: form.get("target_kind"),
    })}`);
    fillRows(byId("change-rows"), changes.map((c) => row(`change-row-${c.id}`, [
      clock(c.created_at), c.origin ? `${c.actor} from ${c.origin}` : c.actor, `${c.action}${c.target_id ? ` #${c.target_id}` : ""}`,
      h("span", { class: "change-text" }, changeText(c.changes)),
    ], null)), "Nothing changed yet.");
  }
}
