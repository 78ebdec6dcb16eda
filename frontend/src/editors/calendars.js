// Business calendars: time zone, weekly hours with several shifts a day, holidays.
// Admins add and edit them (/api/v1/calendars); supervisors see them read-only.

import { patch, post } from "../lib/api.js";
import { h } from "../lib/dom.js";
import { ListSection } from "../admin/listSection.js";
import { button, row } from "../admin/sections.js";

const DAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];

/** [["08:00", "12:00"], ["13:30", "18:00"]] <-> "08:00-12:00, 13:30-18:00" */
function shiftsText(periods) {
  return (periods ?? []).map(([start, end]) => `${start}-${end}`).join(", ");
}

function shifts(text) {
  return String(text ?? "").split(",").map((p) => p.trim()).filter(Boolean)
    .map((p) => p.split("-").map((t) => t.trim()));
}

export class CalendarsSection extends ListSection {
  constructor(boot, changed) {
    super(boot, changed, { path: "/calendars", id: "calendars", rows: "calendar-rows", form: "calendar-form", empty: "No calendars: SLA clocks run around the clock." });
  }

  rowFor(c, admin) {
    const week = DAYS.filter((d) => c.weekly_hours?.[d]?.length).map((d) => `${d} ${shiftsText(c.weekly_hours[d])}`);
    return row(`calendar-row-${c.id}`, [
      h("strong", null, c.name), c.timezone,
      week.length ? week.join("; ") : "around the clock",
      (c.holidays ?? []).join(", ") || "none",
    ], admin ? [button("Edit", () => this.form.edit(c.id, this.formValues(c), `Edit ${c.name}`))] : []);
  }

  formValues(c) {
    return { ...c, weekly_hours: Object.fromEntries(DAYS.map((d) => [d, shiftsText(c.weekly_hours?.[d])])) };
  }

  async save(values, id) {
    const weekly = Object.fromEntries(DAYS.map((d) => [d, shifts(values.weekly_hours?.[d])]).filter(([, p]) => p.length));
    const body = { name: values.name, timezone: values.timezone || "UTC", weekly_hours: weekly, holidays: values.holidays };
    if (id === null) await post("/calendars", body);
    else await patch(`/calendars/${id}`, body);
  }
}
