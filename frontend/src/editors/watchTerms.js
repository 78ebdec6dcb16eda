// The watch-terms editor: the brand terms and hashtags listening watches for, listed,
// added and removed through /api/v1/watch-terms. Self-contained so any page (the
// editors page, the listening page) mounts the same editor into a container of its own.

import { del, get, post } from "../lib/api.js";
import { clear, h } from "../lib/dom.js";
import { AdminForm, fieldBox } from "../admin/forms.js";

const KIND_LABEL = { hashtag: "Hashtag", term: "Term" };

/** Mount the editor into `container`; `prefix` keeps its element ids unique on a page
 * (ids: `${prefix}-form`, `${prefix}-term`, `${prefix}-rows`, rows `${prefix}-row-<id>`).
 * `onChange()` runs after every add or removal. Returns {reload} to read the list again. */
export function mountWatchTerms(container, { prefix = "watch-term", onChange = async () => {} } = {}) {
  const rows = h("tbody", { id: `${prefix}-rows` });
  const problem = h("p", { class: "section-error error", role: "alert" });
  const form = h("form", { id: `${prefix}-form`, class: "admin-form watch-term-form", novalidate: true },
    h("h3", { "data-title": true, "data-create": "Watch a term" }, "Watch a term"),
    fieldBox({
      form: prefix, name: "term", label: "Term or #hashtag",
      hint: "matched in every incoming mention, ignoring case; start with # for a hashtag",
      input: (id) => h("input", { id, name: "term", required: true, maxlength: "200", autocomplete: "off" }),
    }),
    h("div", { class: "form-buttons" },
      h("p", { class: "form-error", role: "alert" }),
      h("button", { type: "button", class: "secondary", "data-cancel": true, hidden: true }, "Cancel"),
      h("button", { type: "submit", "data-submit": true, "data-create": "Watch" }, "Watch")));
  clear(container).append(
    problem,
    h("table", { class: "admin-table", "aria-label": "Watch terms" },
      h("thead", null, h("tr", null, h("th", null, "Term"), h("th", null, "Kind"),
        h("th", null, h("span", { class: "visually-hidden" }, "Actions")))),
      rows),
    form);

  async function reload() {
    problem.textContent = "";
    try {
      render(await get("/watch-terms"));
    } catch (error) {
      problem.textContent = error.describe ? error.describe() : String(error.message ?? error);
    }
  }

  function render(terms) {
    clear(rows).append(...terms.map((t) => h("tr", { id: `${prefix}-row-${t.id}` },
      h("td", null, h("strong", null, t.term)),
      h("td", null, KIND_LABEL[t.kind] ?? t.kind),
      h("td", { class: "row-actions" },
        h("button", { type: "button", class: "danger", onclick: () => remove(t) }, `Stop watching ${t.term}`)))));
    if (!terms.length) rows.append(h("tr", null, h("td", { colspan: "3", class: "muted" }, "Nothing watched yet.")));
  }

  async function remove(t) {
    problem.textContent = "";
    try {
      await del(`/watch-terms/${t.id}`);
    } catch (error) {
      problem.textContent = error.describe ? error.describe() : String(error.message ?? error);
      return;
    }
    await reload();
    await onChange();
  }

  new AdminForm(form, (values) => post("/watch-terms", { term: values.term }), async () => {
    await reload();
    await onChange();
  });
  return { reload };
}
