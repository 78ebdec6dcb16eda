// The rules editor: routing rules in the order they are tried, added, edited, moved,
// enabled or disabled and deleted through /api/v1/rules, and the form's rule tried on
// recent cases (POST /rules/dry-run/recent) before it is saved.

import { ApiError, del, get, patch, post } from "../lib/api.js";
import { byId, clear, h } from "../lib/dom.js";
import { filled } from "../admin/forms.js";
import { ListSection } from "../admin/listSection.js";
import { button, confirmed, row } from "../admin/sections.js";

// The conditions the form edits; any other (all/any/not, regex, …) is kept as it was.
const FORM_CONDITIONS = ["keywords", "channel_kind", "intent", "language", "country", "region", "sentiment", "influence", "followers", "complaint_probability"];
const RANGE_CONDITIONS = ["sentiment", "influence", "followers", "complaint_probability"];
// The actions the form edits, by type: the form's field and the action's own.
const FORM_ACTIONS = {
  set_queue: ["queue_id", "queue_id"],
  set_priority: ["priority", "priority"],
  add_tags: ["tags", "tags"],
  require_skills: ["skills", "skills"],
};

function list(value) {
  return [].concat(value ?? []).join(", ");
}

function range(value) {
  if (!value || typeof value !== "object") return String(value ?? "");
  return [value.min != null ? `≥ ${value.min}` : "", value.max != null ? `≤ ${value.max}` : ""].filter(Boolean).join(" ");
}

export function describeConditions(conditions) {
  const parts = Object.entries(conditions ?? {}).map(([key, value]) =>
    `${key.replace("_", " ")} ${RANGE_CONDITIONS.includes(key) ? range(value) : typeof value === "object" && !Array.isArray(value) ? "…" : list(value)}`);
  return parts.length ? parts.join("; ") : "every case";
}

export class RulesSection extends ListSection {
  constructor(boot, changed) {
    super(boot, changed, { path: "/rules", id: "rules", rows: "rule-rows", form: "rule-form", empty: "No rules yet: cases go to their channel's queue." });
    this.queues = [];
    this.extra = { conditions: {}, actions: [] };
    this.form.onReset = () => { this.extra = { conditions: {}, actions: [] }; };
    this.result = byId("rule-dry-run-result");
    byId("rule-dry-run").addEventListener("click", () => this.dryRun());
  }

  async load() {
    this.queues = await get("/queues");
    const select = byId("rule-action-queue_id");
    const chosen = select.value;
    select.replaceChildren(h("option", { value: "" }, "(unchanged)"),
      ...this.queues.map((q) => h("option", { value: String(q.id) }, q.name)));
    select.value = chosen;
    await super.load();
  }

  queueName(id) {
    return this.queues.find((q) => q.id === id)?.name ?? `queue ${id}`;
  }

  describeActions(actions) {
    const parts = (actions ?? []).map((a) => {
      switch (a.type) {
        case "set_queue": return `queue ${a.queue_id != null ? this.queueName(a.queue_id) : a.queue}`;
        case "set_priority": return `P${a.priority}`;
        case "add_tags": return `tags ${list(a.tags)}`;
        case "require_skills": return `skills ${list(a.skills)}`;
        default: return a.type.replaceAll("_", " ");
      }
    });
    return parts.length ? parts.join("; ") : "nothing";
  }

  rowFor(r) {
    const index = this.items.indexOf(r);
    return row(`rule-row-${r.id}`, [
      String(index + 1),
      h("strong", null, r.name),
      describeConditions(r.conditions),
      this.describeActions(r.actions),
      r.enabled ? "enabled" : h("span", { class: "badge" }, "disabled"),
    ], [
      button("Edit", () => this.form.edit(r.id, this.formValues(r), `Edit ${r.name}`)),
      button(r.enabled ? "Disable" : "Enable", () => this.act(() => patch(`/rules/${r.id}`, { enabled: !r.enabled }))),
      index > 0 ? button("Move up", () => this.move(index, -1)) : null,
      index < this.items.length - 1 ? button("Move down", () => this.move(index, 1)) : null,
      button("Delete…", () => this.remove(r), "danger"),
    ]);
  }

  /** A stored rule as the form's fields; what the form cannot show is kept aside. */
  formValues(r) {
    const conditions = {};
    const action = {};
    this.extra = { conditions: {}, actions: [] };
    for (const [key, value] of Object.entries(r.conditions ?? {})) {
      if (FORM_CONDITIONS.includes(key)) conditions[key] = value;
      else this.extra.conditions[key] = value;
    }
    for (const a of r.actions ?? []) {
      const form = FORM_ACTIONS[a.type];
      if (form && a[form[1]] !== undefined) action[form[0]] = a[form[1]];
      else this.extra.actions.push(a);
    }
    return { ...r, conditions, action };
  }

  /** The form as a rule, and for each action's index the form field it came from. */
  draft(values) {
    const conditions = { ...this.extra.conditions };
    for (const [key, value] of Object.entries(filled(values.conditions ?? {}))) {
      conditions[key] = RANGE_CONDITIONS.includes(key)
        ? Object.fromEntries(Object.entries(value).map(([end, n]) => [end, Number(n)]))
        : value;
    }
    const action = filled(values.action ?? {});
    const actions = [];
    const fieldAt = [];
    for (const [type, [field, name]] of Object.entries(FORM_ACTIONS)) {
      if (action[field] === undefined) continue;
      const number = type === "set_queue" || type === "set_priority";
      actions.push({ type, [name]: number ? Number(action[field]) : action[field] });
      fieldAt.push(`action.${field}`);
    }
    actions.push(...this.extra.actions);
    const rule = { name: values.name, enabled: values.enabled, stop_processing: values.stop_processing, conditions, actions };
    return { rule, fieldAt };
  }

  /** The API names actions by index ("actions.0.queue_id"); the form names its fields. */
  named(error, fieldAt) {
    if (!(error instanceof ApiError)) return error;
    const fields = {};
    for (const [name, why] of Object.entries(error.fields)) {
      const match = /^actions\.(\d+)(\..*)?$/.exec(name);
      fields[match && fieldAt[Number(match[1])] ? fieldAt[Number(match[1])] : name] = why;
    }
    error.fields = fields;
    return error;
  }

  async save(values, id) {
    const { rule, fieldAt } = this.draft(values);
    try {
      if (id === null) await post("/rules", rule);
      else await patch(`/rules/${id}`, rule);
    } catch (error) {
      throw this.named(error, fieldAt);
    }
  }

  async dryRun() {
    const form = this.form;
    form.clearErrors();
    const { rule, fieldAt } = this.draft(form.read());
    let results;
    try {
      results = await post("/rules/dry-run/recent", { rule: { ...rule, name: rule.name || "This rule" } });
    } catch (error) {
      form.showErrors(this.named(error, fieldAt));
      return;
    }
    const matching = results.filter((r) => r.draft_matches).length;
    clear(this.result).append(
      h("h3", null, `Dry run: this rule matches ${matching} of the ${results.length} latest cases`),
      h("table", { class: "admin-table", "aria-label": "Dry run" },
        h("thead", null, h("tr", null, ...["Case", "This rule", "Rules that match", "Queue", "Priority", "Tags"].map((t) => h("th", null, t)))),
        h("tbody", { id: "dry-run-rows" }, results.length ? results.map((r) => h("tr", { id: `dry-run-case-${r.case_id}`, class: r.draft_matches ? "dry-run--match" : "" },
          h("td", null, `#${r.case_id} `, r.subject),
          h("td", null, r.draft_matches ? "matches" : "—"),
          h("td", null, r.matched.map((m) => m.name).join(", ") || "none"),
          h("td", null, r.monitor_only ? "monitor only" : r.queue_id != null ? this.queueName(r.queue_id) : "—"),
          h("td", null, r.priority != null ? `P${r.priority}` : "—"),
          h("td", null, list(r.tags)))) : h("tr", null, h("td", { colspan: "6", class: "muted" }, "No cases yet.")))));
  }

  /** Move rule `index` by `step`: the list renumbered 10, 20, … and what changed saved. */
  move(index, step) {
    const order = [...this.items];
    [order[index], order[index + step]] = [order[index + step], order[index]];
    return this.act(async () => {
      for (const [i, r] of order.entries()) {
        if (r.position !== (i + 1) * 10) await patch(`/rules/${r.id}`, { position: (i + 1) * 10 });
      }
    });
  }

  async remove(r) {
    if (await confirmed(`Delete the rule ${r.name}?`, "New cases are no longer routed by it; its history goes with it.", "Delete rule")) {
      await this.act(() => del(`/rules/${r.id}`));
    }
  }
}
