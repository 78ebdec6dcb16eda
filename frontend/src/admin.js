// The admin page: one section at a time (the address's #hash), each loaded from the
// REST API; after any change every section is read again, so counts and names that
// depend on each other (team members, a renamed team's queues, the record) agree.

import { byId } from "./lib/dom.js";
import { ChangesSection } from "./admin/changes.js";
import { ChannelsSection } from "./admin/channels.js";
import { DeliveriesSection, SubscriptionsSection } from "./admin/eventWebhooks.js";
import { PeopleSection } from "./admin/people.js";
import { QueuesSection } from "./admin/queues.js";
import { reloader, showSection } from "./admin/sections.js";
import { SignInsSection } from "./admin/signIns.js";
import { TeamsSection } from "./admin/teams.js";
import { TokensSection } from "./admin/tokens.js";
import { mountCrisisBanner } from "./ui/crisisBanner.js";

const boot = JSON.parse(byId("admin-bootstrap").textContent);

const sections = [];
const reloadAll = reloader(sections);

sections.push(
  new ChannelsSection(boot, reloadAll),
  new PeopleSection(boot, reloadAll),
  new TeamsSection(boot, reloadAll),
  new QueuesSection(boot, reloadAll),
  new TokensSection(boot, reloadAll),
  new SignInsSection(boot, reloadAll),
  new ChangesSection(boot),
);
if (boot.me.is_admin) sections.push(new SubscriptionsSection(boot, reloadAll), new DeliveriesSection(boot, reloadAll));

if (!boot.me.is_admin) {
  for (const el of document.querySelectorAll("[data-admin-only]")) el.hidden = true;
}

const follow = () => showSection(window.location.hash.slice(1));
window.addEventListener("hashchange", follow);
follow();
reloadAll().then(() => {
  document.body.dataset.ready = "true";
});

mountCrisisBanner(); // supervisors see active crisis alerts (docs/listening.md)
