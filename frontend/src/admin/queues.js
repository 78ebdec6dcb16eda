// Queues and the teams that work them (an agent's desk shows the queues of their teams).

import { patch, post } from "../lib/api.js";
import { h } from "../lib/dom.js";
import { filled } from "./forms.js";
import { ListSection } from "./listSection.js";
import { button, row } from "./sections.js";

export class QueuesSection extends ListSection {
  constructor(boot, changed) {
    super(boot, changed, { path: "/queues/all", id: "queues", rows: "queue-rows", form: "queue-form", empty: "No queues yet." });
  }

  rowFor(q, admin) {
    return row(`queue-row-${q.id}`, [
      h("strong", null, q.name), q.teams.join(", ") || "—", q.mode,
      q.approve_public_replies ? `public replies approved (${q.approval_minutes} min)` : "—", q.description || "",
    ], admin ? [button("Edit", () => this.form.edit(q.id, q, `Edit ${q.name}`))] : []);
  }

  async save(values, id) {
    if (id === null) await post("/queues", filled(values));
    // Teams and description as typed: emptying one clears it.
    else await patch(`/queues/${id}`, { ...filled(values), teams: values.teams, description: values.description ?? "" });
  }
}
