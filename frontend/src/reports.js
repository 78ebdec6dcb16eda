// The reports page: the form's window, filters and grouping become one query, every
// report is read from /api/v1/reports with it and shown as a table (volumes and
// backlog also as a chart), with a link to the same rows as CSV.

import { Chart } from "chart.js/auto";
import { ApiError, get } from "./lib/api.js";
import { byId, h } from "./lib/dom.js";
import { duration } from "./lib/time.js";

const boot = JSON.parse(byId("reports-bootstrap").textContent);
const form = byId("report-form");
const sections = byId("report-sections");
const charts = [];

const LABELS = {
  count: "Cases", median_seconds: "Median", p90_seconds: "90th percentile",
  first_response_targets: "First-response targets", first_response_met: "met",
  resolution_targets: "Resolution targets", resolution_met: "met",
  sla_attainment: "Attainment", created: "Created", handled: "Handled",
  escalated: "Escalated", escalation_rate: "Escalation rate",
  community_answered: "Answered by the community", community_share: "Share",
  resolved: "Resolved", open: "Open at the end",
};
const CHARTED = { volumes: ["created", "handled"], backlog: ["open"] };
const TIME_GROUPS = new Set(["day", "hour"]);

function figure(column, value) {
  if (value === null || value === undefined) return "–";
  if (column.endsWith("_seconds")) return duration(value * 1000);
  if (column.endsWith("_rate") || column.endsWith("_share") || column.endsWith("_attainment")) {
    return `${(value * 100).toFixed(1)} %`;
  }
  return String(value);
}

function isoDate(date) {
  return date.toISOString().slice(0, 10);
}

/** The form as query parameters (empty filters left out). */
function queryOf(report) {
  const params = new URLSearchParams();
  for (const [name, value] of new FormData(form)) if (value) params.set(name, value);
  if (report === "backlog" && !TIME_GROUPS.has(params.get("group"))) params.set("group", "day");
  return params;
}

function table(report, data) {
  const columns = data.columns;
  return h("table", { class: "report-table", "aria-label": report.title },
    h("thead", null, h("tr", null, columns.map((c) => h("th", { scope: "col" }, c === "group" ? "" : LABELS[c] || c)))),
    h("tbody", null, data.rows.length
      ? data.rows.map((row) => h("tr", { dataset: { group: row.group } }, columns.map((c) => (c === "group"
        ? h("th", { scope: "row" }, row.group)
        : h("td", { dataset: { column: c }, title: c.endsWith("_seconds") && row[c] !== null ? `${row[c]} s` : undefined }, figure(c, row[c]))))))
      : h("tr", null, h("td", { colspan: columns.length, class: "muted" }, "No cases in this window."))));
}

function chart(report, data) {
  const canvas = h("canvas", { "aria-label": `${report.title}, as a chart`, role: "img" });
  charts.push(new Chart(canvas, {
    type: report.name === "backlog" ? "line" : "bar",
    data: {
      labels: data.rows.map((row) => row.group),
      datasets: CHARTED[report.name].map((c) => ({ label: LABELS[c], data: data.rows.map((row) => row[c]) })),
    },
    options: { animation: false, maintainAspectRatio: false, scales: { y: { beginAtZero: true } } },
  }));
  return h("div", { class: "report-chart" }, canvas);
}

function section(report, data, params) {
  const csv = new URLSearchParams(params);
  csv.set("format", "csv");
  return h("section", { class: "panel report", id: `report-${report.name}`, dataset: { report: report.name } },
    h("header", { class: "report-head" },
      h("h2", null, report.title),
      h("a", { class: "export", href: `/api/v1/reports/${report.name}?${csv}`, download: "" }, "Export CSV")),
    table(report, data),
    CHARTED[report.name] ? chart(report, data) : null);
}

async function show() {
  byId("report-error").textContent = "";
  document.body.dataset.ready = "false";
  const found = await Promise.all(boot.reports.map(async (report) => {
    const params = queryOf(report.name);
    try {
      return { report, params, data: await get(`/reports/${report.name}?${params}`) };
    } catch (error) {
      return { report, params, error };
    }
  }));
  for (const c of charts.splice(0)) c.destroy();
  sections.replaceChildren(...found.map(({ report, params, data, error }) => (error
    ? h("section", { class: "panel report", dataset: { report: report.name } },
      h("h2", null, report.title), h("p", { class: "error", role: "alert" }, error instanceof ApiError ? error.describe() : String(error)))
    : section(report, data, params))));
  document.body.dataset.ready = "true";
}

function start() {
  const today = new Date();
  byId("report-until").value = isoDate(today);
  byId("report-since").value = isoDate(new Date(today.getTime() - 6 * 86400_000));
  const asked = new URLSearchParams(window.location.search);
  for (const [name, value] of asked) if (form.elements[name]) form.elements[name].value = value;
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const params = new URLSearchParams();
    for (const [name, value] of new FormData(form)) if (value) params.set(name, value);
    window.history.replaceState(null, "", `?${params}`);
    show();
  });
  show();
}

start();
