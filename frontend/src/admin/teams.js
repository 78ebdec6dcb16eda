// Teams: who works together (queues name the teams that work them); create, rename,
// delete (the API refuses the default team, with its reason shown here).

import { del, patch, post } from "../lib/api.js";
import { byId, h } from "../lib/dom.js";
import { ListSection } from "./listSection.js";
import { button, confirmed, row } from "./sections.js";

export class TeamsSection extends ListSection {
  constructor(boot, changed) {
    super(boot, changed, { path: "/teams", id: "teams", rows: "team-rows", form: "team-form", empty: "No teams yet." });
  }

  rowFor(t, admin) {
    return row(`team-row-${t.id}`, [
      h("strong", null, t.name, t.is_default ? h("span", { class: "badge" }, "default") : null),
      String(t.members),
    ], admin ? [
      button("Rename", () => this.form.edit(t.id, t, `Rename ${t.name}`)),
      button("Delete…", () => this.remove(t), "danger"),
    ] : []);
  }

  render() {
    super.render();
    // The queue form's team-name suggestions.
    byId("team-names").replaceChildren(...this.items.map((t) => h("option", { value: t.name })));
  }

  async save(values, id) {
    if (id === null) await post("/teams", { name: values.name });
    else await patch(`/teams/${id}`, { name: values.name });
  }

  async remove(t) {
    if (await confirmed(`Delete the team ${t.name}?`, "Its members stay; queues it worked lose it.", "Delete team")) {
      await this.act(() => del(`/teams/${t.id}`));
    }
  }
}
