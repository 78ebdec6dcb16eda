// People: role, teams, skills and capacity per channel kind; add someone, edit them,
// deactivate (which ends their sessions, tokens and live connections) or reactivate.

import { get, patch, post } from "../lib/api.js";
import { kindInfo } from "../lib/channels.js";
import { byId, h } from "../lib/dom.js";
import { AdminForm, fieldBox, filled } from "./forms.js";
import { attempt, button, fillRows, row } from "./sections.js";

function capacityText(capacity) {
  const entries = Object.entries(capacity ?? {});
  return entries.length ? entries.map(([kind, n]) => `${kindInfo(kind).label} ${n}`).join(", ") : "default";
}

export class PeopleSection {
  constructor(boot, changed) {
    this.boot = boot;
    this.changed = changed;
    this.el = byId("people");
    this.users = [];
    for (const role of boot.roles) byId("user-role").append(h("option", { value: role }, role));
    byId("user-capacity").append(...boot.capacity_kinds.map((kind) => fieldBox({
      form: "user",
      name: `capacity.${kind}`,
      label: `${kindInfo(kind).label} capacity`,
      input: (id) => h("input", { id, name: `capacity.${kind}`, type: "number", min: "0", max: "50", "data-type": "integer" }),
    })));
    this.form = new AdminForm(byId("user-form"), (values, id) => this.save(values, id), changed);
    this.form.onReset = () => this.lockIdentity(false);
    this.form.onEdit = () => this.lockIdentity(true);
  }

  /** Email and password are set when someone is added; an edit changes the rest. */
  lockIdentity(locked) {
    for (const name of ["email", "password"]) {
      byId(`user-${name}`).disabled = locked;
      this.el.querySelector(`[data-field="${name}"]`).hidden = locked;
    }
  }

  async load() {
    this.users = await get("/users");
    this.render();
  }

  render() {
    const admin = this.boot.me.is_admin;
    fillRows(byId("user-rows"), this.users.map((u) => row(`user-row-${u.id}`, [
      h("strong", null, u.name), u.email, u.role,
      u.teams.join(", ") || "—", u.skills.join(", ") || "—", capacityText(u.capacity),
      h("span", { class: `state ${u.is_active ? "state--ok" : "state--off"}` }, u.is_active ? "Active" : "Deactivated"),
    ], admin ? [
      button("Edit", () => this.form.edit(u.id, u, `Edit ${u.name}`)),
      u.id === this.boot.me.id ? null
        : button(u.is_active ? "Deactivate" : "Reactivate", () => this.setActive(u, !u.is_active), u.is_active ? "danger" : "secondary"),
    ] : [], { state: u.is_active ? "active" : "deactivated" })), "Nobody yet.");
  }

  async save(values, id) {
    if (id === null) await post("/users", filled(values));
    else {
      const { name, role, teams, skills, capacity } = values;
      await patch(`/users/${id}`, { name, role, teams, skills, capacity: filled(capacity ?? {}) });
    }
  }

  setActive(u, active) {
    return attempt(this.el, async () => {
      await patch(`/users/${u.id}`, { is_active: active });
      await this.changed();
    });
  }
}
