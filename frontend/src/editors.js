// The editors page: one section at a time (the address's #hash, as on the admin page),
// each an editor that reads and writes through the REST API.

import { reloader, showSection } from "./admin/sections.js";
import { byId } from "./lib/dom.js";
import { CalendarsSection } from "./editors/calendars.js";
import { CannedSection } from "./editors/canned.js";
import { RulesSection } from "./editors/rules.js";
import { SlaPoliciesSection } from "./editors/slaPolicies.js";
import { mountWatchTerms } from "./editors/watchTerms.js";
import { mountCrisisBanner } from "./ui/crisisBanner.js";

const boot = JSON.parse(byId("editors-bootstrap").textContent);

// The list sections are read again after any change of theirs (as on the admin page).
const sections = [];
const reloadAll = reloader(sections);
sections.push(new RulesSection(boot, reloadAll), new SlaPoliciesSection(boot, reloadAll),
  new CalendarsSection(boot, reloadAll), new CannedSection(boot, reloadAll));
if (!boot.me.is_admin) {
  for (const el of document.querySelectorAll("[data-admin-only]")) el.hidden = true;
}
const editors = [{ reload: reloadAll }, mountWatchTerms(byId("watch-terms-editor"))];

mountCrisisBanner(); // supervisors see active crisis alerts (docs/listening.md)

const follow = () => showSection(window.location.hash.slice(1));
window.addEventListener("hashchange", follow);
follow();
Promise.all(editors.map((editor) => editor.reload())).then(() => {
  document.body.dataset.ready = "true";
});
