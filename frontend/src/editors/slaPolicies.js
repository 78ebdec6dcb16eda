// SLA policies: targets per priority (first response, next response, resolution; in
// minutes here, seconds in the API), the warning share and the business calendar.
// Admins add and edit them (/api/v1/sla-policies); supervisors see them read-only.
// Breach actions are kept as they are when a policy is edited (set through the API).

import { get, patch, post } from "../lib/api.js";
import { byId, h } from "../lib/dom.js";
import { ListSection } from "../admin/listSection.js";
import { button, row } from "../admin/sections.js";

const PRIORITIES = ["1", "2", "3", "4", "default"];
const TARGETS = { first_response: "first response", next_response: "next response", resolution: "resolution" };

function duration(seconds) {
  if (seconds % 3600 === 0) return `${seconds / 3600} h`;
  return `${Math.round(seconds / 60)} min`;
}

function targetsText(targets) {
  return PRIORITIES.filter((p) => targets?.[p]).map((p) => {
    const parts = Object.keys(TARGETS).filter((t) => targets[p][t]).map((t) => `${TARGETS[t]} ${duration(targets[p][t])}`);
    return `${p === "default" ? "Other" : `P${p}`}: ${parts.join(", ")}`;
  });
}

/** Each target's minutes <-> seconds, leaving out what was left empty. */
function scaled(targets, by) {
  const out = {};
  for (const p of PRIORITIES) {
    for (const t of Object.keys(TARGETS)) {
      const value = targets?.[p]?.[t];
      if (value === "" || value === undefined || value === null) continue;
      (out[p] ??= {})[t] = typeof value === "number" ? value * by : value;
    }
  }
  return out;
}

export class SlaPoliciesSection extends ListSection {
  constructor(boot, changed) {
    super(boot, changed, { path: "/sla-policies", id: "sla-policies", rows: "sla-policy-rows", form: "sla-policy-form", empty: "No SLA policies: cases get no due times." });
    this.calendars = [];
  }

  async load() {
    this.calendars = await get("/calendars");
    const select = byId("sla-policy-calendar_id");
    const chosen = select.value;
    select.replaceChildren(h("option", { value: "" }, "Around the clock"),
      ...this.calendars.map((c) => h("option", { value: String(c.id) }, c.name)));
    select.value = chosen;
    await super.load();
  }

  calendarName(id) {
    return this.calendars.find((c) => c.id === id)?.name ?? "around the clock";
  }

  rowFor(p, admin) {
    const targets = targetsText(p.targets);
    return row(`sla-policy-row-${p.id}`, [
      h("strong", null, p.name), this.calendarName(p.calendar_id),
      targets.length ? targets.join("; ") : "none", `${Math.round(p.warn_ratio * 100)} %`,
    ], admin ? [button("Edit", () => this.form.edit(p.id, this.formValues(p), `Edit ${p.name}`))] : []);
  }

  formValues(p) {
    return { ...p, calendar_id: p.calendar_id == null ? "" : String(p.calendar_id), targets: scaled(p.targets, 1 / 60) };
  }

  async save(values, id) {
    const body = {
      name: values.name,
      calendar_id: values.calendar_id === "" ? null : Number(values.calendar_id),
      targets: scaled(values.targets, 60),
      warn_ratio: values.warn_ratio === "" ? 0.75 : Number(values.warn_ratio),
    };
    if (id === null) await post("/sla-policies", body);
    else await patch(`/sla-policies/${id}`, body);
  }
}
