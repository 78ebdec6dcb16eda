// Canned responses: what agents insert from the composer, listed by title and added,
// edited or deleted through /api/v1/canned-responses.

import { del, patch, post } from "../lib/api.js";
import { h } from "../lib/dom.js";
import { ListSection } from "../admin/listSection.js";
import { button, confirmed, row } from "../admin/sections.js";

const PREVIEW = 120; // characters of the text shown in the list

export class CannedSection extends ListSection {
  constructor(boot, changed) {
    super(boot, changed, { path: "/canned-responses", id: "canned-responses", rows: "canned-rows", form: "canned-form", empty: "No canned responses yet." });
  }

  rowFor(c) {
    const text = c.body.length > PREVIEW ? `${c.body.slice(0, PREVIEW)}…` : c.body;
    return row(`canned-row-${c.id}`, [h("strong", null, c.title), text, (c.tags ?? []).join(", ")], [
      button("Edit", () => this.form.edit(c.id, c, `Edit ${c.title}`)),
      button("Delete…", () => this.remove(c), "danger"),
    ]);
  }

  async save(values, id) {
    const body = { title: values.title, body: values.body, tags: values.tags };
    if (id === null) await post("/canned-responses", body);
    else await patch(`/canned-responses/${id}`, body);
  }

  async remove(c) {
    if (await confirmed(`Delete ${c.title}?`, "Agents are no longer offered it.", "Delete canned response")) {
      await this.act(() => del(`/canned-responses/${c.id}`));
    }
  }
}
