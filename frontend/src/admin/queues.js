// Queues and the teams that work them (an agent's desk shows the queues of their teams).

import { get, patch, post } from "../lib/api.js";
import { byId, h } from "../lib/dom.js";
import { AdminForm, filled } from "./forms.js";
import { button, fillRows, row } from "./sections.js";

export class QueuesSection {
  constructor(boot, changed) {
    this.boot = boot;
    this.el = byId("queues");
    this.queues = [];
    this.form = new AdminForm(byId("queue-form"), (values, id) => this.save(values, id), changed);
  }

  async load() {
    this.queues = await get("/queues/all");
    this.render();
  }

  render() {
    const admin = this.boot.me.is_admin;
    fillRows(byId("queue-rows"), this.queues.map((q) => row(`queue-row-${q.id}`, [
      h("strong", null, q.name), q.teams.join(", ") || "—", q.mode, q.description || "",
    ], admin ? [button("Edit", () => this.form.edit(q.id, q, `Edit ${q.name}`))] : [])), "No queues yet.");
  }

  async save(values, id) {
    if (id === null) await post("/queues", filled(values));
    else await patch(`/queues/${id}`, { ...filled(values), teams: values.teams });
  }
}
