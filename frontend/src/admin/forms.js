// One admin form for creating a thing or editing one: values read by input name
// ("settings.reply_url" becomes {settings: {reply_url}}), and the fields an API 422
// names shown beside the inputs that carry those names.

import { h } from "../lib/dom.js";

/** A labelled input with its error slot, the same shape as admin.html's field macro. */
export function fieldBox({ form, name, label, input, hint }) {
  const id = `${form}-${name.replaceAll(".", "-")}`;
  const control = input(id);
  return h("div", { class: "field", dataset: { field: name } },
    h("label", { for: id }, label),
    control,
    hint ? h("p", { class: "hint" }, hint) : null,
    h("p", { class: "field-error", id: `${id}-error`, "aria-live": "polite" }));
}

/** "a, b ,, c" -> ["a", "b", "c"] */
export function names(text) {
  return String(text ?? "").split(",").map((n) => n.trim()).filter(Boolean);
}

function valueOf(el) {
  switch (el.dataset.type) {
    case "names": return names(el.value);
    case "integer": return el.value === "" ? "" : Number(el.value);
    case "boolean": return el.checked;
    default: return el.value.trim();
  }
}

function put(into, dotted, value) {
  const parts = dotted.split(".");
  let at = into;
  for (const part of parts.slice(0, -1)) at = at[part] ??= {};
  at[parts.at(-1)] = value;
}

function take(from, dotted) {
  return dotted.split(".").reduce((at, part) => (at == null ? undefined : at[part]), from);
}

/** {"capacity": {"fax": ["…"]}} -> [["capacity.fax", "…"]]: the API names nested fields either way. */
function flatten(fields, prefix = "") {
  return Object.entries(fields ?? {}).flatMap(([name, why]) => {
    const dotted = prefix ? `${prefix}.${name}` : name;
    if (why && typeof why === "object" && !Array.isArray(why)) return flatten(why, dotted);
    return [[dotted, [].concat(why).join(", ")]];
  });
}

/** Drop what was left empty: "", [] and objects left with nothing in them. */
export function filled(values) {
  const out = {};
  for (const [key, value] of Object.entries(values)) {
    if (value === "" || value === undefined || (Array.isArray(value) && !value.length)) continue;
    if (value && typeof value === "object" && !Array.isArray(value)) {
      const inner = filled(value);
      if (Object.keys(inner).length) out[key] = inner;
    } else out[key] = value;
  }
  return out;
}

export class AdminForm {
  /** onSubmit(values, editingId) does the API call (a throw shows its error here); then
   * the form is emptied, before `afterwards` (reading the lists again) so nothing typed
   * meanwhile is lost. */
  constructor(form, onSubmit, afterwards = async () => {}) {
    this.form = form;
    this.onSubmit = onSubmit;
    this.afterwards = afterwards;
    this.editing = null;
    this.title = form.querySelector("[data-title]");
    this.submitButton = form.querySelector("[data-submit]");
    this.cancelButton = form.querySelector("[data-cancel]");
    this.formError = form.querySelector(".form-error");
    this.onReset = () => {}; // hooks: after a reset, and before an edit fills the form
    this.onEdit = () => {};
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      this.send();
    });
    this.cancelButton.addEventListener("click", () => this.reset());
  }

  async send() {
    this.clearErrors();
    this.submitButton.disabled = true;
    try {
      await this.onSubmit(this.read(), this.editing);
    } catch (error) {
      this.showErrors(error);
      return;
    } finally {
      this.submitButton.disabled = false;
    }
    this.reset();
    await this.afterwards();
  }

  /** Every enabled input by name; checkboxes sharing a name give the list of those ticked. */
  read() {
    const values = {};
    const lists = new Set();
    for (const el of this.form.elements) {
      if (!el.name || el.disabled || el.type === "submit" || el.type === "button") continue;
      if (el.type === "checkbox" && el.dataset.type !== "boolean") {
        if (!lists.has(el.name)) put(values, el.name, []);
        lists.add(el.name);
        if (el.checked) take(values, el.name).push(el.value);
      } else put(values, el.name, valueOf(el));
    }
    return values;
  }

  fill(values) {
    for (const el of this.form.elements) {
      if (!el.name) continue;
      const value = take(values, el.name);
      if (el.type === "checkbox") {
        el.checked = el.dataset.type === "boolean" ? Boolean(value) : [].concat(value ?? []).includes(el.value);
      } else if (el.type !== "password") {
        el.value = Array.isArray(value) ? value.join(", ") : value ?? "";
      }
    }
  }

  /** Switch to editing row `id`: the same form, filled, with Save and Cancel. */
  edit(id, values, title) {
    this.reset();
    this.editing = id;
    this.onEdit(values);
    this.fill(values);
    this.title.textContent = title;
    this.submitButton.textContent = "Save changes";
    this.cancelButton.hidden = false;
    this.form.classList.add("admin-form--editing");
    this.form.scrollIntoView({ block: "nearest" });
    this.form.querySelector("input:not([disabled]):not([type=hidden])")?.focus();
  }

  reset() {
    this.form.reset();
    this.clearErrors();
    this.editing = null;
    this.title.textContent = this.title.dataset.create;
    this.submitButton.textContent = this.submitButton.dataset.create;
    this.cancelButton.hidden = true;
    this.form.classList.remove("admin-form--editing");
    this.onReset();
  }

  clearErrors() {
    this.formError.textContent = "";
    for (const slot of this.form.querySelectorAll(".field-error")) slot.textContent = "";
    for (const el of this.form.querySelectorAll("[aria-invalid]")) {
      el.removeAttribute("aria-invalid");
      el.removeAttribute("aria-describedby");
    }
  }

  /** Each field the API names beside its input (or its nearest named parent); the rest on top. */
  showErrors(error) {
    const elsewhere = [];
    for (const [name, why] of flatten(error?.fields)) {
      const box = this.fieldFor(name);
      if (!box) {
        elsewhere.push(`${name}: ${why}`);
        continue;
      }
      const slot = box.querySelector(".field-error");
      slot.textContent = slot.textContent ? `${slot.textContent}; ${why}` : why;
      for (const input of box.querySelectorAll("input, select, textarea")) {
        input.setAttribute("aria-invalid", "true");
        input.setAttribute("aria-describedby", slot.id);
      }
    }
    const message = typeof error?.describe === "function" ? error.message : String(error?.message ?? error);
    this.formError.textContent = [message, ...elsewhere].join(" — ");
    this.form.querySelector("[aria-invalid=true]")?.focus();
  }

  fieldFor(name) {
    for (let parts = name.split("."); parts.length; parts = parts.slice(0, -1)) {
      const box = this.form.querySelector(`[data-field="${CSS.escape(parts.join("."))}"]`);
      if (box) return box;
    }
    return null;
  }
}
