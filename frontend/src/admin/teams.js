// Teams: who works together (queues name the teams that work them); create, rename,
// delete (the API refuses the default team, with its reason shown here).

import { del, get, patch, post } from "../lib/api.js";
import { byId, h } from "../lib/dom.js";
import { AdminForm } from "./forms.js";
import { attempt, button, confirmed, fillRows, row } from "./sections.js";

export class TeamsSection {
  constructor(boot, changed) {
    this.boot = boot;
    this.changed = changed;
    this.el = byId("teams");
    this.teams = [];
    this.form = new AdminForm(byId("team-form"), (values, id) => this.save(values, id), changed);
  }

  async load() {
    this.teams = await get("/teams");
    this.render();
  }

  render() {
    const admin = this.boot.me.is_admin;
    fillRows(byId("team-rows"), this.teams.map((t) => row(`team-row-${t.id}`, [
      h("strong", null, t.name, t.is_default ? h("span", { class: "badge" }, "default") : null),
      String(t.members),
    ], admin ? [
      button("Rename", () => this.form.edit(t.id, t, `Rename ${t.name}`)),
      button("Delete…", () => this.remove(t), "danger"),
    ] : [])), "No teams yet.");
    byId("team-names").replaceChildren(...this.teams.map((t) => h("option", { value: t.name })));
  }

  async save(values, id) {
    if (id === null) await post("/teams", { name: values.name });
    else await patch(`/teams/${id}`, { name: values.name });
  }

  async remove(t) {
    if (!await confirmed(`Delete the team ${t.name}?`, "Its members stay; queues it worked lose it.", "Delete team")) return;
    await attempt(this.el, async () => {
      await del(`/teams/${t.id}`);
      await this.changed();
    });
  }
}
