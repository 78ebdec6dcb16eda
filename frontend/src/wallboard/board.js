// The wallboard's tables: queues, agents, and the at-risk and breached drill-downs.
// A snapshot replaces the last one; a newer `sequence` wins (first paint and pushes race).

import { byId, clear, h } from "../lib/dom.js";
import { clock, duration, parse } from "../lib/time.js";
import { caseRow } from "./caseActions.js";

const percent = (ratio) => (ratio === null || ratio === undefined ? "–" : `${Math.round(ratio * 100)} %`);
const seconds = (value) => (value === null || value === undefined ? "–" : duration(value * 1000));

export class Wallboard {
  constructor(root) {
    this.root = root;
    this.latest = null;
    this.listsWaiting = false; // a push came while the supervisor was choosing in a list
    root.addEventListener("focusout", () => window.setTimeout(() => this.release(), 0));
  }

  show(snapshot) {
    const last = this.latest;
    if (last && snapshot.sequence !== undefined && last.sequence !== undefined
        && snapshot.sequence < last.sequence) return;
    this.latest = snapshot;
    this.renderFigures(snapshot);
    // The figures move at once; the lists wait until no choice is being made in them.
    this.listsWaiting = this.busy();
    if (!this.listsWaiting) this.renderLists(snapshot);
  }

  busy() {
    const active = document.activeElement;
    return Boolean(active && active.closest && active.closest(".case-actions-list select"));
  }

  release() {
    if (this.listsWaiting && !this.busy()) {
      this.listsWaiting = false;
      this.renderLists(this.latest);
    }
  }

  /** Seconds since the snapshot shown was computed, so ages grow between pushes. */
  age() {
    const at = this.latest ? parse(this.latest.computed_at) : null;
    return at ? Math.max(0, (Date.now() - at) / 1000) : 0;
  }

  tick() {
    if (!this.latest) return;
    const grown = this.age();
    for (const cell of this.root.querySelectorAll("[data-seconds]")) {
      cell.textContent = seconds(Number(cell.dataset.seconds) + grown);
    }
  }

  renderFigures(snapshot) {
    byId("wallboard-computed").textContent = `as of ${clock(snapshot.computed_at)}`;
    const approvals = snapshot.approvals ?? { waiting: 0, overdue: 0 };
    const line = byId("wallboard-approvals");
    line.dataset.waiting = approvals.waiting;
    line.dataset.overdue = approvals.overdue;
    line.classList.toggle("bad", approvals.overdue > 0);
    line.querySelector("[data-figure=approvals]").textContent = approvals.waiting
      ? `${approvals.waiting} public ${approvals.waiting === 1 ? "reply awaits" : "replies await"} approval${approvals.overdue ? `, ${approvals.overdue} overdue` : ""}`
      : "no public reply awaits approval";
    const queues = byId("queue-rows");
    clear(queues);
    for (const q of snapshot.queues) {
      queues.append(h("tr", { dataset: { queueId: q.id } },
        h("th", { scope: "row" }, q.name),
        h("td", { class: "figure", dataset: { figure: "waiting" } }, q.waiting),
        q.oldest_wait_seconds === null
          ? h("td", { class: "figure", dataset: { figure: "oldest" } }, "–")
          : h("td", { class: "figure", dataset: { figure: "oldest", seconds: q.oldest_wait_seconds } }, seconds(q.oldest_wait_seconds)),
        h("td", { class: q.at_risk ? "figure warn" : "figure", dataset: { figure: "at-risk" } }, q.at_risk),
        h("td", { class: q.breached ? "figure bad" : "figure", dataset: { figure: "breached" } }, q.breached),
        h("td", { class: "figure", dataset: { figure: "handled" } }, q.handled_today),
        h("td", { dataset: { figure: "sla" } }, percent(q.sla_attainment_today)),
        h("td", { dataset: { figure: "first-response" } }, seconds(q.first_response_median_today_seconds)),
        h("td", { class: "figure" }, q.agents_online)));
    }
    const agents = byId("agent-rows");
    clear(agents);
    for (const a of snapshot.agents) {
      const load = Object.entries(a.open_by_channel).map(([kind, { open, capacity }]) =>
        h("span", { class: open >= capacity && capacity > 0 ? "load full" : "load" }, `${kind} ${open}/${capacity}`));
      agents.append(h("tr", { dataset: { agentId: a.id } },
        h("th", { scope: "row" }, a.name),
        h("td", {}, h("span", { class: `presence presence--${a.presence}` }, a.presence.replace("_", " "))),
        h("td", { dataset: { seconds: a.in_state_seconds } }, seconds(a.in_state_seconds)),
        h("td", { class: "loads" }, load.length ? load : "–"),
        h("td", {}, a.last_activity_at ? clock(a.last_activity_at) : "–"),
        h("td", {}, a.on_call ? "on a call" : "")));
    }
  }

  renderLists(snapshot) {
    const context = {
      agents: snapshot.agents,
      queues: snapshot.queues,
      queueName: (id) => (snapshot.queues.find((q) => q.id === id) || {}).name || "no queue",
      agentName: (id) => (snapshot.agents.find((a) => a.id === id) || {}).name || "unassigned",
    };
    for (const [id, cases] of [["breached-cases", snapshot.breached], ["at-risk-cases", snapshot.at_risk]]) {
      const list = byId(id);
      clear(list);
      if (!cases.length) list.append(h("li", { class: "muted" }, "none"));
      for (const c of cases) list.append(caseRow(c, context));
    }
  }
}
