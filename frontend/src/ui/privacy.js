// A person's data from the contact panel: supervisors export everything held about
// them (one JSON file); admins erase them, after typing "erase" (it cannot be undone).

import { post } from "../lib/api.js";
import { h } from "../lib/dom.js";
import { askWith } from "./dialogs.js";
import { errorToast, toast } from "./toast.js";

export function privacySection(store, contact, { onErased }) {
  const me = store.me;
  if (!me.is_supervisor) return null;
  const erase = async () => {
    const data = await askWith("erase-dialog", (dialog) => {
      dialog.querySelector("[data-contact]").textContent = contact.display_name || `#${contact.id}`;
    });
    if (!data) return;
    try {
      const erased = await post(`/contacts/${contact.id}/erase`, { confirm: String(data.get("confirm")).trim() });
      toast(`Erased: ${erased.identities} identities, the text of ${erased.messages} messages and ${erased.notes} notes; ${erased.cases} cases keep their figures.`);
      onErased();
    } catch (error) {
      errorToast(error, "erase the contact");
    }
  };
  return [
    h("h3", null, "Personal data"),
    h("p", { class: "privacy-actions" },
      h("a", { href: `/api/v1/contacts/${contact.id}/export`, download: `contact-${contact.id}.json`, id: "contact-export" }, "Export everything held"),
      me.role === "admin" ? h("button", { type: "button", class: "danger", id: "contact-erase", onclick: erase }, "Erase…") : null),
  ];
}
