// Merging: one case per customer problem. "Merge…" (m) on an open case lists the same
// customer's other open cases; after a merge a toast offers Undo (the server allows it
// for a few minutes). A case merged away says where it went. Supervisors merge two
// contacts that are one person from the contact panel. docs/desk.md.

import { get, post, query } from "../lib/api.js";
import { byId, h } from "../lib/dom.js";
import { OPEN_STATUSES } from "../lib/store.js";
import { askWith } from "./dialogs.js";
import { slaState } from "./sla.js";
import { errorToast, toast } from "./toast.js";

const UNDO_TOAST_MS = 60_000;

function buttons(confirm) {
  return h("div", { class: "dialog-buttons" },
    h("button", { type: "submit", value: "cancel", class: "secondary", formnovalidate: true }, "Cancel"),
    h("button", { type: "submit", value: "ok" }, confirm));
}

/** The two dialogs, made once: they are ours alone, so desk.html stays as it is. */
function ensureDialogs() {
  if (byId("merge-dialog")) return;
  document.body.append(
    h("dialog", { id: "merge-dialog", "aria-labelledby": "merge-title" },
      h("form", { method: "dialog" },
        h("h2", { id: "merge-title" }, "Merge ", h("span", { "data-case": true })),
        h("p", { class: "hint" }, "Its messages, notes and SLA clocks move into the case you choose; it is then resolved as merged."),
        h("fieldset", { id: "merge-candidates", class: "merge-candidates" },
          h("legend", null, "Into this open case of the same customer")),
        buttons("Merge"))),
    h("dialog", { id: "merge-contact-dialog", "aria-labelledby": "merge-contact-title" },
      h("form", { method: "dialog" },
        h("h2", { id: "merge-contact-title" }, "Merge contact ", h("span", { "data-contact": true })),
        h("p", { class: "hint" }, "Its identities and cases move to the other contact, and this contact is removed. This cannot be undone."),
        h("label", { for: "merge-contact-into" }, "Into contact number"),
        h("input", { id: "merge-contact-into", name: "into_contact_id", type: "number", min: "1", step: "1", required: true }),
        buttons("Merge contacts"))),
  );
}

function candidateRow(store, c, index) {
  const id = `merge-into-${c.id}`;
  const sla = slaState(c);
  return h("label", { class: "merge-candidate", for: id },
    h("input", { type: "radio", id, name: "into_case_id", value: String(c.id), required: true, checked: index === 0 }),
    ` #${c.id} ${c.subject || "(no subject)"} `,
    h("span", { class: "muted" }, `· P${c.priority} · ${c.status} · ${store.queueName(c.queue_id)} · `),
    h("span", { class: `sla sla--${sla.state}` }, sla.label));
}

export class Merging {
  constructor(store, { onChanged, open }) {
    this.store = store;
    this.onChanged = onChanged;
    this.open = open;
  }

  /** The customer's other open cases, most urgent first (the server's order). */
  async candidates(c) {
    const page = await get(`/cases${query({ contact: c.contact_id, status: "open", limit: 50 })}`);
    return page.items.filter((other) => other.id !== c.id);
  }

  async merge(c) {
    if (!c || !OPEN_STATUSES.has(c.status)) return null;
    if (!c.contact_id) {
      toast(`Case #${c.id} has no contact: there is nothing to merge it with.`);
      return null;
    }
    let others;
    try {
      others = await this.candidates(c);
    } catch (error) {
      errorToast(error, "find the customer's other cases");
      return null;
    }
    if (!others.length) {
      toast(`The customer of case #${c.id} has no other open case.`);
      return null;
    }
    ensureDialogs();
    const data = await askWith("merge-dialog", (dialog) => {
      dialog.querySelector("[data-case]").textContent = `#${c.id} ${c.subject ?? ""}`;
      const list = byId("merge-candidates");
      for (const row of list.querySelectorAll(".merge-candidate")) row.remove();
      list.append(...others.map((other, index) => candidateRow(this.store, other, index)));
    });
    if (!data) return null;
    const into = Number(data.get("into_case_id"));
    try {
      const target = await post(`/cases/${c.id}/merge`, { into_case_id: into });
      this.store.upsertCase(target);
      this.onChanged(c.id);
      this.open(target.id);
      toast(`Case #${c.id} merged into #${target.id}.`, {
        timeout: UNDO_TOAST_MS, action: { label: "Undo", run: () => this.unmerge(c.id) },
      });
      return target;
    } catch (error) {
      errorToast(error, `merge case #${c.id}`);
      this.store.emit("stale", { id: c.id });
      return null;
    }
  }

  async unmerge(caseId) {
    try {
      const source = await post(`/cases/${caseId}/unmerge`);
      this.store.upsertCase(source);
      this.onChanged(source.linked_case_id ?? caseId);
      this.open(source.id);
      toast(`Merge undone: case #${source.id} is back.`);
      return source;
    } catch (error) {
      errorToast(error, "undo the merge");
      return null;
    }
  }

  /** On a case merged away: where its work went, and Undo while the server allows it. */
  showWhereItWent(c) {
    const place = byId("case-status");
    place?.parentElement?.querySelector(".merged-notice")?.remove();
    if (!c || c.disposition !== "merged" || !c.linked_case_id || c.status !== "resolved") return;
    const target = c.linked_case_id;
    place.after(h("p", { class: "merged-notice", role: "status" },
      `Merged into case #${target}: its messages and clocks are there now. `,
      h("button", { type: "button", class: "link-button", onclick: () => this.open(target) }, `Open #${target}`),
      " · ",
      h("button", { type: "button", class: "link-button", onclick: () => this.unmerge(c.id) }, "Undo the merge")));
  }

  /** Supervisors: merge the contact in view into another one (by its number). */
  async mergeContact(contact) {
    if (!contact || !this.store.me.is_supervisor) return null;
    ensureDialogs();
    const data = await askWith("merge-contact-dialog", (dialog) => {
      dialog.querySelector("[data-contact]").textContent = `#${contact.id} ${contact.display_name ?? ""}`;
    });
    if (!data) return null;
    const into = Number(data.get("into_contact_id"));
    try {
      const merged = await post(`/contacts/${contact.id}/merge`, { into_contact_id: into });
      toast(`Contact #${contact.id} merged into #${merged.id} (${merged.display_name}).`);
      this.store.emit("stale", { id: this.store.openId });
      return merged;
    } catch (error) {
      errorToast(error, "merge the contacts");
      return null;
    }
  }
}

/** The contact panel's "Merge contact…" button, for supervisors. */
export function mergeContactButton(store, contact, merging) {
  if (!store.me.is_supervisor || !contact) return null;
  return h("button", { type: "button", class: "secondary", id: "merge-contact", onclick: () => merging.mergeContact(contact) },
    "Merge contact…");
}

