// What each admin list shares: a section read from one API path into its table, a
// form that creates or edits a row, and row actions after which every section is read
// again (so counts and names that depend on each other agree).

import { get } from "../lib/api.js";
import { byId } from "../lib/dom.js";
import { AdminForm } from "./forms.js";
import { attempt, fillRows } from "./sections.js";

export class ListSection {
  /** `id`: the section; `path`: the API list it shows; `rows`: its table body; `form`:
   * its form's id (or none); `empty`: what the table says with no rows. A subclass gives
   * rowFor(item, isAdmin) and, with a form, save(values, editingId). */
  constructor(boot, changed, { id, path, rows, form = null, empty }) {
    this.boot = boot;
    this.changed = changed;
    this.path = path;
    this.el = byId(id);
    this.rows = byId(rows);
    this.empty = empty;
    this.items = [];
    this.form = form ? new AdminForm(byId(form), (values, editing) => this.save(values, editing), changed) : null;
  }

  async load() {
    this.items = await get(this.path);
    this.render();
  }

  render() {
    const admin = this.boot.me.is_admin;
    fillRows(this.rows, this.items.map((item) => this.rowFor(item, admin)), this.empty);
  }

  /** A row action, then everything shown again; its error goes to the section's line. */
  act(call) {
    return attempt(this.el, async () => {
      await call();
      await this.changed();
    });
  }
}
