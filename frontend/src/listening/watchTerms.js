// The watch terms: add and remove on the listening page (/api/v1/watch-terms); a change
// reloads the filters and the trends through `onChanged`.

import { ApiError, del, get, post } from "../lib/api.js";
import { byId, clear, h } from "../lib/dom.js";
import { errorToast } from "../ui/toast.js";

export class WatchTerms {
  constructor(list, form, onChanged) {
    this.list = list;
    this.onChanged = onChanged;
    this.terms = [];
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      this.add(form);
    });
  }

  async load() {
    this.terms = await get("/watch-terms");
    clear(this.list);
    for (const t of this.terms) {
      this.list.append(h("li", { dataset: { termId: String(t.id) } }, h("span", { text: t.term }), " ",
        h("button", { type: "button", class: "secondary", text: "Remove", "aria-label": `Remove ${t.term}`, onclick: () => this.remove(t) })));
    }
    return this.terms;
  }

  async add(form) {
    const input = form.elements.term;
    const error = byId("new-term-error");
    error.textContent = "";
    try {
      await post("/watch-terms", { term: input.value });
      input.value = "";
      await this.onChanged();
    } catch (e) {
      if (e instanceof ApiError && e.status < 500) error.textContent = e.describe();
      else errorToast(e, "watch the term");
    }
  }

  async remove(term) {
    try {
      await del(`/watch-terms/${term.id}`);
      await this.onChanged();
    } catch (e) {
      errorToast(e, "remove the term");
    }
  }
}
