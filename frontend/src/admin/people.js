// People: role, teams, skills and capacity per channel kind; add someone, edit them,
// deactivate (which ends their sessions, tokens and live connections) or reactivate.

import { patch, post } from "../lib/api.js";
import { kindInfo } from "../lib/channels.js";
import { byId, h } from "../lib/dom.js";
import { fieldBox, filled } from "./forms.js";
import { ListSection } from "./listSection.js";
import { button, row } from "./sections.js";

function capacityText(capacity) {
  const entries = Object.entries(capacity ?? {});
  return entries.length ? entries.map(([kind, n]) => `${kindInfo(kind).label} ${n}`).join(", ") : "default";
}

export class PeopleSection extends ListSection {
  constructor(boot, changed) {
    super(boot, changed, { path: "/users", id: "people", rows: "user-rows", form: "user-form", empty: "Nobody yet." });
    for (const role of boot.roles) byId("user-role").append(h("option", { value: role }, role));
    byId("user-capacity").append(...boot.capacity_kinds.map((kind) => fieldBox({
      form: "user",
      name: `capacity.${kind}`,
      label: `${kindInfo(kind).label} capacity`,
      input: (id) => h("input", { id, name: `capacity.${kind}`, type: "number", min: "0", max: "50", "data-type": "integer" }),
    })));
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

  rowFor(u, admin) {
    return row(`user-row-${u.id}`, [
      h("strong", null, u.name), u.email, u.role,
      u.teams.join(", ") || "—", u.skills.join(", ") || "—",
      u.approve_public_replies ? [capacityText(u.capacity), h("br"), "four eyes on public replies"] : capacityText(u.capacity),
      h("span", { class: `state ${u.is_active ? "state--ok" : "state--off"}` }, u.is_active ? "Active" : "Deactivated"),
    ], admin ? [
      button("Edit", () => this.form.edit(u.id, u, `Edit ${u.name}`)),
      u.id === this.boot.me.id ? null
        : button(u.is_active ? "Deactivate" : "Reactivate", () => this.setActive(u, !u.is_active), u.is_active ? "danger" : "secondary"),
    ] : [], { state: u.is_active ? "active" : "deactivated" });
  }

  async save(values, id) {
    if (id === null) await post("/users", filled(values));
    else {
      const { name, role, teams, skills, capacity, approve_public_replies } = values;
      await patch(`/users/${id}`, { name, role, teams, skills, capacity: filled(capacity ?? {}), approve_public_replies });
    }
  }

  setActive(u, active) {
    return this.act(() => patch(`/users/${u.id}`, { is_active: active }));
  }
}
