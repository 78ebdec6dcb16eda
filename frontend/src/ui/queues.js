// "My queues": live waiting counts (re-read from GET /queues after every change),
// a filter for the case list, and the next-case button.

import { byId, clear, h } from "../lib/dom.js";
import { duration } from "../lib/time.js";

export function renderQueues(store, { onSelect }) {
  const list = byId("queue-list");
  clear(list);
  const choice = (id, name, stats) => {
    const selected = store.filter.queue === id;
    const counts = stats
      ? h("span", { class: "queue__counts" },
        h("span", { class: "count", "data-count": "waiting", title: "waiting: unclaimed cases" }, `${stats.waiting} waiting`),
        stats.at_risk ? h("span", { class: "count count--warning", title: "at risk" }, `${stats.at_risk} at risk`) : null,
        stats.breached ? h("span", { class: "count count--breach", title: "breached" }, `${stats.breached} breached`) : null)
      : null;
    const label = stats
      ? `${name}: ${stats.waiting} waiting${stats.oldest_wait_seconds ? `, oldest ${duration(stats.oldest_wait_seconds * 1000)}` : ""}`
      : name;
    return h("li", null, h("button", {
      type: "button", class: "queue", "aria-pressed": String(selected), "aria-label": label,
      dataset: { queueId: id ?? "all" }, onclick: () => onSelect(id),
    }, h("span", { class: "queue__name" }, name), counts));
  };
  const mine = [...store.queues.values()].filter((q) => q.mine);
  const sum = (field) => mine.reduce((total, q) => total + (q.stats?.[field] ?? 0), 0);
  list.append(choice(null, "All my queues", { waiting: sum("waiting"), at_risk: sum("at_risk"), breached: sum("breached") }));
  for (const queue of mine) list.append(choice(queue.id, queue.name, queue.stats));
}

export function applyQueueStats(store, rows) {
  for (const row of rows) {
    const queue = store.queues.get(row.id) ?? { id: row.id, name: row.name, mine: true };
    queue.mine = true; // GET /queues lists exactly the queues this user works
    queue.stats = row;
    store.queues.set(row.id, queue);
  }
}
