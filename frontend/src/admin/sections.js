// What every admin section shares: which one is shown (the address's #hash), its
// error line, the box that shows a secret once, table rows and their buttons.

import { askWith } from "../ui/dialogs.js";
import { byId, clear, h } from "../lib/dom.js";

export function showSection(id) {
  const sections = [...document.querySelectorAll(".admin-section")];
  const shown = sections.find((s) => s.id === id) ?? sections[0];
  for (const section of sections) section.hidden = section !== shown;
  for (const link of document.querySelectorAll(".admin-nav a")) {
    if (link.getAttribute("href") === `#${shown.id}`) link.setAttribute("aria-current", "page");
    else link.removeAttribute("aria-current");
  }
  return shown.id;
}

/** The section's error line: what the API said (a 409's reason, say), or cleared. */
export function sectionError(section, error) {
  const line = section.querySelector(".section-error");
  if (!error) line.textContent = "";
  else line.textContent = typeof error.describe === "function" ? error.describe() : String(error.message ?? error);
}

/** Read every one of `sections` again (each one's failure on its own error line), so
 * counts and names that depend on each other agree after any change. */
export function reloader(sections) {
  return () => Promise.all(sections.map(async (section) => {
    try {
      await section.load();
    } catch (error) {
      if (section.el) sectionError(section.el, error);
    }
  }));
}

/** A row action (disable, delete, …): its error goes to the section's error line. */
export async function attempt(section, call) {
  sectionError(section, null);
  try {
    await call();
    return true;
  } catch (error) {
    sectionError(section, error);
    return false;
  }
}

/** A secret the API gives only once (a signing secret, a token): shown until dismissed. */
export function showOnce(section, title, secret, note) {
  const box = section.querySelector(".once");
  const copy = h("button", { type: "button", class: "secondary" }, "Copy");
  copy.addEventListener("click", async () => {
    try {
      await navigator.clipboard.writeText(secret);
      copy.textContent = "Copied";
    } catch {
      copy.textContent = "Select it and copy by hand";
    }
  });
  clear(box).append(
    h("p", null, h("strong", null, title), " — shown this once; copy it now."),
    h("code", { class: "secret" }, secret),
    h("div", { class: "once__buttons" }, copy,
      h("button", { type: "button", onclick: () => clear(box) }, "I have saved it")),
    note ? h("p", { class: "muted" }, note) : null,
  );
  box.scrollIntoView({ block: "nearest" });
}

export function button(label, onclick, kind = "secondary") {
  return h("button", { type: "button", class: kind, onclick }, label);
}

/** A table row: its cells (text or nodes), then its action buttons (null: no such column). */
export function row(id, cells, actions = [], data = {}) {
  return h("tr", { id, dataset: data },
    cells.map((cell) => h("td", null, cell ?? "")),
    actions === null ? null : h("td", { class: "row-actions" }, actions));
}

export function fillRows(tbody, rows, empty) {
  clear(tbody).append(...rows);
  if (!rows.length) tbody.append(h("tr", null, h("td", { colspan: "99", class: "muted" }, empty)));
}

/** Ask before something that cannot be undone; true when confirmed. */
export async function confirmed(title, message, confirm) {
  const data = await askWith("confirm-dialog", (dialog) => {
    byId("confirm-title").textContent = title;
    dialog.querySelector("[data-message]").textContent = message;
    dialog.querySelector("[data-confirm]").textContent = confirm;
  });
  return data !== null;
}
