// The listening page: the monitored stream (filters, j/k/p), watch terms, trends charts
// and crisis alerts. Paints from the API; new monitored mentions and crisis events
// (to the supervisors' room) refresh it live (docs/listening.md).

import { mountWatchTerms } from "./editors/watchTerms.js";
import { get, query } from "./lib/api.js";
import { byId, clear, h } from "./lib/dom.js";
import { coalesce } from "./lib/schedule.js";
import { mountClassifier } from "./listening/classifier.js";
import { mountCrisisSettings } from "./listening/crisisSettings.js";
import { MonitoredStream } from "./listening/stream.js";
import { Trends } from "./listening/trends.js";
import { connectLivePage } from "./realtime/connection.js";
import { mountCrisisBanner } from "./ui/crisisBanner.js";
import { errorToast } from "./ui/toast.js";

const stream = new MonitoredStream(byId("stream"), byId("stream-filters"));
const trends = new Trends({ volume: byId("chart-volume"), sentiment: byId("chart-sentiment"), hashtags: byId("chart-hashtags"), terms: byId("chart-terms") }, byId("complainers"));
const terms = mountWatchTerms(byId("watch-terms-editor"), { prefix: "listening-term", onChange: () => refreshAll() });
const live = byId("listening-live");

function options(select, items) {
  const chosen = select.value;
  clear(select).append(h("option", { value: "", text: "any" }), ...items.map(([value, label]) => h("option", { value: String(value), text: label })));
  select.value = items.some(([value]) => String(value) === chosen) ? chosen : "";
}

async function refreshTrends() {
  const figures = await get(`/listening/trends${query({ hours: 6 })}`);
  trends.show(figures);
  options(byId("filter-channel"), figures.channels.map((c) => [c.id, c.name]));
}

async function refreshAlerts() {
  const alerts = await get("/crisis/alerts?limit=10");
  const list = clear(byId("recent-alerts"));
  for (const a of alerts) {
    list.append(h("li", { dataset: { alertId: String(a.id), active: a.cleared_at ? "false" : "true" } },
      `${a.subject_kind} ${a.subject ? `“${a.subject}”` : ""}: ${a.observed} (baseline ${a.baseline})${a.cleared_at ? " — cleared" : " — active"}`));
  }
  if (!alerts.length) list.append(h("li", { class: "muted", text: "No crisis alerts." }));
}

async function refreshAll() {
  try {
    await terms.reload();
    const watched = await get("/watch-terms");
    options(byId("filter-term"), watched.map((t) => [t.term, t.term]));
    await Promise.all([stream.load(), refreshTrends(), refreshAlerts()]);
    byId("listening-error").textContent = "";
  } catch (error) {
    byId("listening-error").textContent = `The listening page could not be loaded: ${error.message}`;
    errorToast(error, "load the listening page");
  }
}

const refreshSoon = coalesce(() => Promise.all([stream.load(), refreshTrends()]).catch(() => {}), 1000);

connectLivePage({
  events: ["message.created", "crisis.alert", "crisis.cleared"],
  live,
  reload: refreshAll, // what arrived meanwhile is shown
  onEvent: (name, payload) => {
    if (name === "message.created" && payload.case_id !== null) return; // only the watched
    if (name !== "message.created") refreshAlerts().catch(() => {});
    refreshSoon();
  },
});

mountCrisisSettings(byId("crisis-settings")).catch((error) => errorToast(error, "load the crisis settings"));
mountClassifier(byId("classifier")).catch((error) => errorToast(error, "load the complaint classifier"));
mountCrisisBanner(); // supervisors see active crisis alerts (docs/listening.md)
