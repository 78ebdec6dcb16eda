// The agent desk: wires the store, the REST API, the live connection and the views.
// Flow: load from the API; apply Socket.IO events as they come; after any (re)connect,
// load again so nothing missed while away stays missing (docs/desk.md).

import { get, query } from "./lib/api.js";
import { byId, h } from "./lib/dom.js";
import { coalesce } from "./lib/schedule.js";
import { Store, VIEWS } from "./lib/store.js";
import { connect } from "./realtime/connection.js";
import { eventHandler } from "./realtime/events.js";
import { Viewing } from "./realtime/viewing.js";
import { Actions } from "./ui/actions.js";
import { clearBanner, showConnection } from "./ui/banner.js";
import { mountCrisisBanner } from "./ui/crisisBanner.js";
import { neighbour, renderCaseList } from "./ui/caseList.js";
import { allowed, CaseView, targetClock } from "./ui/caseView.js";
import { Composer } from "./ui/composer.js";
import { renderContact } from "./ui/contactPanel.js";
import { keepOlder } from "./ui/history.js";
import { bindKeys, SHORTCUTS, showHelp } from "./ui/keyboard.js";
import { Merging, mergeContactButton } from "./ui/merge.js";
import { NoteComposer } from "./ui/notes.js";
import { Notifier } from "./ui/notify.js";
import { caseFolds } from "./ui/panes.js";
import { PresenceSwitch } from "./ui/presence.js";
import { applyQueueStats, renderQueues } from "./ui/queues.js";
import { SendWatch } from "./ui/sendState.js";
import { slaState, startTicking } from "./ui/sla.js";
import { errorToast } from "./ui/toast.js";

const store = new Store(JSON.parse(byId("desk-bootstrap").textContent));
const notifier = new Notifier();
const presence = new PresenceSwitch(store);
const fresh = new Set(); // ids that just arrived: highlighted for a moment

// ---------------------------------------------------------------- loading (the truth)

// Every list answer is for the view it was asked for: one asked before the view changed,
// or overtaken by a newer request, is dropped (a slow "all open" never replaces "Mine").
let listTicket = 0;
const viewKey = () => JSON.stringify(store.filter);

async function loadList({ append = false } = {}) {
  const startedAt = performance.now();
  const ticket = ++listTicket;
  const askedFor = viewKey();
  const view = VIEWS[store.filter.view] ?? VIEWS.open;
  const page = await get(`/cases${query({
    ...view.params, queue: store.filter.queue, q: store.filter.q, limit: 100,
    cursor: append ? store.nextCursor : null,
  })}`);
  if (ticket !== listTicket || viewKey() !== askedFor) return;
  store.replaceCases(page, startedAt, append);
}

async function loadDirectory() {
  store.applyDirectory(await get("/desk/directory"));
  drawList();
  drawQueues();
}

async function loadQueues() {
  applyQueueStats(store, await get("/queues"));
  drawQueues();
}

async function loadCase(id) {
  // The contact is asked for beside the case when the list already names it: one round
  // trip to wait for, not two.
  const contactOf = (contactId) => (contactId ? get(`/contacts/${contactId}`).catch(() => null) : null);
  const listed = store.cases.get(id)?.contact_id ?? null;
  const early = contactOf(listed);
  const detail = await get(`/cases/${id}`);
  if (store.openId !== id) return;
  const contact = await (detail.contact_id === listed ? early : contactOf(detail.contact_id));
  if (store.openId !== id) return;
  store.detail = keepOlder(store.detail, detail); // older pages read stay
  store.contact = contact;
  const { messages, events, contact: card, ...summary } = detail;
  store.upsertCase(summary);
  drawCase();
}

const quietly = (promise, doing) => promise.catch((error) => {
  if (error.code !== "network") errorToast(error, doing);
});
const refreshList = coalesce(() => quietly(loadList(), "refresh the case list"), 250, 1000);
const refreshQueues = coalesce(() => quietly(loadQueues(), "refresh the queues"), 300, 1500);
const refreshDirectory = coalesce(() => quietly(loadDirectory(), "refresh the names"), 200, 2000);
const refreshCase = coalesce(() => {
  if (store.openId !== null) quietly(loadCase(store.openId), "refresh the case");
}, 120, 500);

/** After a (re)connect: everything on screen is read again from the API. Returns the
 * ids that were not on screen before (highlighted when `highlight`). */
async function resync(highlight = true) {
  const before = new Set(store.cases.keys());
  await Promise.all([loadList(), loadQueues(), store.openId !== null ? loadCase(store.openId) : null]);
  const arrived = [...store.cases.keys()].filter((id) => !before.has(id));
  if (highlight) for (const id of arrived) flash(id);
  return arrived;
}

// ---------------------------------------------------------------- drawing

function drawQueues() {
  renderQueues(store, {
    onSelect: (queueId) => {
      store.filter.queue = queueId;
      drawQueues();
      quietly(loadList(), "load the cases");
    },
  });
}

function drawList() {
  renderCaseList(store, fresh);
}

const sendWatch = new SendWatch({
  onChange: (update) => caseView.patchMessage(update),
  // Sent back by a supervisor: the text returns to the composer, to rework.
  onReturned: (update) => store.emit("rework", { caseId: update.case_id, text: update.text }),
});
const caseView = new CaseView(store, { onRetry: (messageId) => sendWatch.retry(messageId, store.openId) });

function drawCase() {
  caseView.render();
  if (!store.detail) return;
  composer.setCase(store.detail, store.contact);
  notes.setCase(store.detail.id);
  renderContact(store, store.contact, {
    openCaseId: store.detail.id, extra: mergeContactButton(store, store.contact, merging),
    onErased: refreshCase,
  });
  merging.showWhereItWent(store.detail);
}

function flash(id) {
  fresh.add(id);
  window.setTimeout(() => {
    fresh.delete(id);
    byId(`case-row-${id}`)?.classList.remove("case-row--new");
  }, 4000);
}

// ---------------------------------------------------------------- opening a case

function openCase(id) {
  if (store.openId === id) {
    refreshCase();
    return;
  }
  store.selectedId = id;
  store.openId = id;
  store.detail = null;
  store.contact = null;
  store.unread.delete(id);
  window.history.replaceState(null, "", `#case-${id}`);
  viewing.open(id);
  drawList();
  byId(`case-row-${id}`)?.scrollIntoView({ block: "nearest" });
  caseView.renderEmpty(`Loading case #${id}…`);
  loadCase(id).catch((error) => {
    caseView.renderEmpty(error.status === 404 ? `Case #${id} is not there, or not yours to see.` : `Could not load case #${id}.`);
  });
}

function currentCase() {
  if (store.detail) return store.cases.get(store.detail.id) ?? store.detail;
  return store.selectedId !== null ? store.cases.get(store.selectedId) ?? null : null;
}

// ---------------------------------------------------------------- start

/** Catch up after a (re)connect; if the API does not answer, try again while connected. */
async function catchUp(reconnected, attempt = 0) {
  try {
    const arrived = await resync(reconnected);
    if (!reconnected) return clearBanner();
    const news = arrived.length ? `${arrived.length} new ${arrived.length === 1 ? "case" : "cases"} arrived meanwhile.` : "";
    return showConnection("online", news);
  } catch {
    if (!socket.connected) return undefined; // the next connect catches up
    showConnection("resyncing", "The server is slow to answer; trying again…");
    return new Promise((done) => {
      window.setTimeout(() => done(catchUp(reconnected, attempt + 1)), Math.min(10_000, 1000 * 2 ** attempt));
    });
  }
}

const live = {}; // what the event handlers act through, filled in below
const onEvent = eventHandler(store, live);
const socket = connect({
  onConnect: (reconnected) => {
    if (reconnected) showConnection("resyncing");
    viewing.rejoin();
    presence.apply();
    catchUp(reconnected);
  },
  onDisconnect: () => showConnection("offline"),
  onEvent,
});
const viewing = new Viewing(socket, store);
const actions = new Actions(store, {
  onChanged: (id) => {
    if (id === store.openId) refreshCase();
    refreshQueues();
  },
  open: openCase,
});
const merging = new Merging(store, {
  onChanged: () => {
    refreshList();
    refreshQueues();
  },
  open: openCase,
});
const composer = new Composer(store, viewing, {
  onSent: (caseId, message) => {
    if (store.detail?.id === caseId && !store.detail.messages.some((m) => m.id === message.id)) {
      store.detail.messages.push(message);
      caseView.render();
    }
    sendWatch.watch(message.id, caseId);
    if (store.detail?.id === caseId) caseView.reveal(message.id);
    refreshCase();
  },
});
const notes = new NoteComposer(store, viewing, { onAdded: () => refreshCase() });
Object.assign(live, {
  caseView, drawList, drawQueues, flash, notifier, openCase, presence, refreshCase,
  refreshDirectory, refreshList, refreshQueues, sendWatch, viewing,
});
composer.canned.useContext(() => ({ contact: store.contact, me: store.me, detail: store.detail }));

store.on("cases", () => drawList());
store.on("viewers", () => caseView.renderViewers());
store.on("select", ({ id }) => openCase(id));
store.on("stale", () => {
  refreshCase();
  refreshList();
});

function switchTab(which) {
  const reply = which === "reply";
  byId("tab-reply").setAttribute("aria-selected", String(reply));
  byId("tab-note").setAttribute("aria-selected", String(!reply));
  byId("reply-form").hidden = !reply;
  byId("note-form").hidden = reply;
}
const folds = caseFolds({ onComposerOpened: () => composer.focus() });
byId("tab-reply").addEventListener("click", () => switchTab("reply"));
byId("tab-note").addEventListener("click", () => switchTab("note"));

for (const button of byId("case-actions").querySelectorAll("button[data-action]")) {
  button.addEventListener("click", () => {
    const c = currentCase();
    if (c) (button.dataset.action === "merge" ? merging : actions)[button.dataset.action](c);
  });
}
byId("next-case").addEventListener("click", () => actions.next());
byId("help-button").addEventListener("click", showHelp);
byId("load-more").addEventListener("click", () => quietly(loadList({ append: true }), "load more cases"));

const viewSelect = byId("view");
for (const [value, view] of Object.entries(VIEWS)) viewSelect.append(h("option", { value }, view.label));
viewSelect.addEventListener("change", () => {
  store.filter.view = viewSelect.value;
  quietly(loadList(), "load the cases");
});
const search = byId("search");
const searchSoon = coalesce(() => {
  store.filter.q = search.value.trim();
  quietly(loadList(), "search");
}, 300);
search.addEventListener("input", searchSoon);

byId("shortcut-list").append(...SHORTCUTS.flatMap(([key, what]) => [h("dt", null, h("kbd", null, key)), h("dd", null, what)]));

bindKeys({
  j: () => { const id = neighbour(store, 1); if (id !== null) openCase(id); },
  k: () => { const id = neighbour(store, -1); if (id !== null) openCase(id); },
  c: () => actions.claim(currentCase()),
  n: () => actions.next(),
  r: () => {
    if (!store.detail) return;
    switchTab("reply");
    folds.composer.set(true);
    composer.focus();
  },
  a: () => folds.actions.toggle(),
  w: () => folds.composer.toggle(),
  e: () => { const c = currentCase(); if (c) actions.escalate(c); },
  m: () => { const c = currentCase(); if (c && allowed(store, c).merge) merging.merge(c); },
  "?": showHelp,
});

startTicking((el, now) => {
  if (el.dataset.clock === "case") {
    const id = Number(el.dataset.caseId);
    const c = store.cases.get(id) ?? (store.detail?.id === id ? store.detail : null);
    return c ? slaState(c, now) : null;
  }
  if (el.dataset.clock === "target") return targetClock(store.detail, el.dataset.target, now);
  return null;
});

// A safety net under the events: a notice lost on the way (the server only logs a failed
// emit) is caught up within a minute, and queue counts (oldest wait, at risk) stay fresh.
const SAFETY_RESYNC_MS = 60_000;
window.setInterval(() => {
  if (socket.connected && document.visibilityState === "visible") quietly(resync(), "refresh the desk");
}, SAFETY_RESYNC_MS);
document.addEventListener("visibilitychange", () => {
  if (document.visibilityState === "visible" && socket.connected) quietly(resync(), "refresh the desk");
});

showConnection("connecting");
drawQueues();
caseView.renderEmpty();
quietly(Promise.all([loadList(), loadQueues()]), "load the desk");
// #case-N opens that case, at load and whenever the address changes while the desk is open.
function followHash() {
  const named = window.location.hash.match(/^#case-(\d+)$/);
  if (named && Number(named[1]) !== store.openId) openCase(Number(named[1]));
}
window.addEventListener("hashchange", followHash);
followHash();
document.body.dataset.ready = "true";

mountCrisisBanner(); // supervisors see active crisis alerts (docs/listening.md)
