// Where the contact is (docs/geography.md): country, subdivision and region, and how we
// know; an agent or supervisor corrects it here (the correction wins over every guess).

import { get, put } from "../lib/api.js";
import { h } from "../lib/dom.js";
import { errorToast, toast } from "./toast.js";

const SOURCES = {
  agent: "set by an agent",
  profile: "from their profile",
  phone: "from their phone number",
  email: "from their email domain",
  language: "guessed from their language",
};

let catalogue = null; // GET /geography, once per page

function flag(code) {
  return code ? String.fromCodePoint(...[...code].map((c) => 0x1f1e6 + c.charCodeAt(0) - 65)) : "";
}

function describe(contact) {
  if (!contact.country && !contact.region) return "Not known";
  const where = contact.country ? `${flag(contact.country)} ${contact.country_name || contact.country}` : "";
  return [where, contact.subdivision, contact.region].filter(Boolean).join(" · ");
}

async function correctionForm(contact, dd, onChanged) {
  catalogue ??= await get("/geography");
  const select = h("select", { name: "country", id: "place-country", "aria-label": "Country" },
    h("option", { value: "" }, "Not known — guess again"),
    catalogue.countries.map((c) => h("option", { value: c.code, selected: c.code === contact.country },
      `${c.name} (${c.code})`)));
  const form = h("form", { class: "place-form", id: "place-form" }, select, " ",
    h("button", { type: "submit" }, "Save"), " ",
    h("button", { type: "button", class: "link-button", onclick: () => onChanged(contact) }, "Cancel"));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    try {
      const updated = await put(`/contacts/${contact.id}/place`, { country: select.value || null });
      toast(`Location: ${describe(updated)}`);
      onChanged(updated);
    } catch (error) {
      errorToast(error, "correct the location");
    }
  });
  dd.replaceChildren(form);
  select.focus();
}

/** The "Where" row of the contact panel's facts, with its Correct button. */
export function placeFacts(contact, onChanged) {
  const dd = h("dd", { "data-fact": "place" });
  const open = () => correctionForm(contact, dd, onChanged).catch((error) => errorToast(error, "load the countries"));
  const source = contact.location_source
    ? [h("span", { class: "muted", "data-place": "source" }, ` (${SOURCES[contact.location_source] ?? contact.location_source})`)]
    : []; // Node.append would write a null as the text "null"
  dd.append(h("span", { "data-place": "where" }, describe(contact)), ...source,
    " ", h("button", { type: "button", class: "link-button", id: "place-correct", onclick: open }, "Correct"));
  return [h("dt", null, "Where"), dd];
}
