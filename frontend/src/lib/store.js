// The desk's state: what the API said last, patched by real-time events in between.
// Events are notifications and the API is the truth: a case's `version` decides which
// of two copies is newer, so a late API answer never undoes a fresher event.

export const OPEN_STATUSES = new Set(["new", "queued", "assigned", "pending"]);

// Each view: its label, the list request's filters, the same test for live cases, and
// the word its count goes with ("150 open"; a queue's badge counts "waiting" cases).
export const VIEWS = {
  open: { label: "Open in my queues", counted: "open", params: { status: "open" }, test: (c) => OPEN_STATUSES.has(c.status) },
  mine: { label: "Mine", counted: "mine", params: { status: "open", assignee: "me" }, test: (c, me) => OPEN_STATUSES.has(c.status) && c.assignee_id === me.id },
  waiting: { label: "Waiting (unclaimed)", counted: "waiting", params: { status: "queued" }, test: (c) => c.status === "queued" },
  resolved: { label: "Resolved", counted: "resolved", params: { status: "resolved", order: "newest" }, test: (c) => c.status === "resolved" },
};

export class Store extends EventTarget {
  constructor(bootstrap) {
    super();
    this.me = bootstrap.me;
    this.queues = new Map();
    this.applyDirectory(bootstrap);
    this.cases = new Map();
    this.nextCursor = null;
    this.total = 0; // cases in the view over every page, as the API counted them (kept live)
    this.filter = { view: "open", queue: null, q: "" };
    this.selectedId = null; // highlighted in the list (j/k)
    this.openId = null; // shown in the case view
    this.detail = null; // GET /cases/<id> of the open case
    this.contact = null; // GET /contacts/<id> of its contact
    this.viewers = new Map(); // user id -> {name, state} of others in the open case
    this.connection = "connecting";
    this.unread = new Set();
  }

  /** Colleagues, channels and queues by name (at load, and again when one is new). */
  applyDirectory(directory) {
    this.users = new Map(directory.users.map((u) => [u.id, u]));
    this.channels = new Map(directory.channels.map((c) => [c.id, c]));
    for (const q of directory.queues) this.queues.set(q.id, { ...this.queues.get(q.id), ...q });
  }

  on(name, handler) {
    this.addEventListener(name, (event) => handler(event.detail));
  }

  emit(name, detail) {
    this.dispatchEvent(new CustomEvent(name, { detail }));
  }

  userName(id) {
    if (id === null || id === undefined) return "the system";
    if (id === this.me.id) return this.me.name;
    return this.users.get(id)?.name ?? `user ${id}`;
  }

  queueName(id) {
    return id === null || id === undefined ? "no queue" : this.queues.get(id)?.name ?? `queue ${id}`;
  }

  channel(id) {
    return this.channels.get(id) ?? null;
  }

  /** Could this user see the case in their list (their queues, their cases, or everything)? */
  visibleToMe(c) {
    if (this.me.is_supervisor || c.assignee_id === this.me.id) return true;
    return this.queues.get(c.queue_id)?.mine === true;
  }

  matchesFilter(c) {
    const view = VIEWS[this.filter.view] ?? VIEWS.open;
    if (!this.visibleToMe(c) || !view.test(c, this.me)) return false;
    return this.filter.queue === null || c.queue_id === this.filter.queue;
  }

  /** Apply a case copy (API or event). Returns true if the list changed. */
  upsertCase(data) {
    const existing = this.cases.get(data.id);
    if (existing && typeof data.version === "number" && data.version < existing.version) return false;
    const merged = { ...(existing ?? {}), ...data, _touched: performance.now() };
    const keep = this.matchesFilter(merged);
    if (keep) this.cases.set(data.id, merged);
    else this.cases.delete(data.id);
    if (keep && !existing) this.total += 1;
    else if (!keep && existing) this.total = Math.max(0, this.total - 1);
    if (this.detail && this.detail.id === data.id) Object.assign(this.detail, data);
    this.emit("cases", { id: data.id, added: keep && !existing, removed: !keep && Boolean(existing) });
    return keep || Boolean(existing);
  }

  /** A fresh list from the API; events that arrived after `startedAt` are kept. */
  replaceCases({ items, next_cursor: nextCursor, total }, startedAt, append = false) {
    const fresh = new Map(append ? this.cases : []);
    for (const item of items) fresh.set(item.id, item);
    for (const [id, local] of this.cases) {
      const fetched = fresh.get(id);
      const newerLocally = local._touched > startedAt;
      if (fetched && local.version > fetched.version) fresh.set(id, local);
      else if (!fetched && newerLocally && this.matchesFilter(local)) fresh.set(id, local);
    }
    this.total = Math.max(total ?? 0, fresh.size);
    this.cases = fresh;
    this.nextCursor = nextCursor;
    this.emit("cases", { replaced: true });
  }

  /** The server's order, for rows that arrive live: queue order (priority, then SLA due
   * time, none last, then age), or newest first for cases already done. */
  sortedCases() {
    const list = [...this.cases.values()];
    if (this.filter.view === "resolved") return list.sort((a, b) => b.id - a.id);
    const due = (c) => (c.sla_due_at ? Date.parse(c.sla_due_at) : Infinity);
    return list.sort((a, b) => a.priority - b.priority || due(a) - due(b) || a.id - b.id);
  }

  setConnection(state) {
    this.connection = state;
    this.emit("connection", state);
  }
}
