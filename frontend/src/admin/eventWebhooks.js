// Event webhooks (admins): subscriptions — add, edit, disable, send a test event, rotate
// the secret (shown once), remove — and their delivery log with Replay.

import { del, get, patch, post, query } from "../lib/api.js";
import { byId, h } from "../lib/dom.js";
import { clock } from "../lib/time.js";
import { ListSection } from "./listSection.js";
import { button, confirmed, row, showOnce } from "./sections.js";

const SECTION = "event-webhooks";
const STATES = { delivered: "state--ok", failed: "state--bad", given_up: "state--bad", pending: "state--off" };

export class SubscriptionsSection extends ListSection {
  constructor(boot, changed) {
    super(boot, changed, { path: "/event-subscriptions", id: SECTION, rows: "subscription-rows", form: "subscription-form", empty: "No subscriptions yet: add one below." });
  }

  rowFor(s) {
    return row(`subscription-row-${s.id}`, [
      h("code", { class: "url" }, s.url),
      s.events.join(", "),
      s.description || "—",
      h("span", { class: `state ${s.enabled ? "state--ok" : "state--off"}` }, s.enabled ? "Enabled" : "Disabled"),
    ], [
      button("Edit", () => this.form.edit(s.id, s, `Edit ${s.url}`)),
      button(s.enabled ? "Disable" : "Enable", () => this.act(() => patch(`/event-subscriptions/${s.id}`, { enabled: !s.enabled }))),
      button("Send test event", () => this.act(() => post(`/event-subscriptions/${s.id}/ping`))),
      button("Rotate secret…", () => this.rotate(s), "warning"),
      button("Remove…", () => this.remove(s), "danger"),
    ], { state: s.enabled ? "enabled" : "disabled" });
  }

  async save(values, id) {
    if (id === null) {
      const made = await post("/event-subscriptions", values);
      showOnce(this.el, `Secret of ${made.url}`, made.secret, "Verify each delivery's X-Inbox-Signature with it (docs/event-webhooks.md).");
    } else {
      await patch(`/event-subscriptions/${id}`, values);
    }
  }

  async rotate(s) {
    if (await confirmed(`Rotate the secret of ${s.url}?`, "The old secret stops signing at once.", "Rotate secret")) {
      await this.act(async () => {
        const rotated = await post(`/event-subscriptions/${s.id}/rotate-secret`);
        showOnce(this.el, `New secret of ${s.url}`, rotated.secret, "Deliveries from now on are signed with it.");
      });
    }
  }

  async remove(s) {
    if (await confirmed(`Remove ${s.url}?`, "Its delivery log goes with it.", "Remove subscription")) {
      await this.act(() => del(`/event-subscriptions/${s.id}`));
    }
  }
}

export class DeliveriesSection extends ListSection {
  constructor(boot, changed) {
    super(boot, changed, { path: "/event-deliveries", id: SECTION, rows: "delivery-rows", empty: "Nothing sent yet." });
    this.filters = byId("delivery-filters");
    this.filters.addEventListener("submit", (event) => {
      event.preventDefault();
      this.act(async () => {});
    });
  }

  async load() {
    const form = new FormData(this.filters);
    this.items = await get(`/event-deliveries${query({ limit: 100, status: form.get("status") })}`);
    this.render();
  }

  rowFor(d) {
    const answer = d.last_error ?? (d.last_status_code ? `HTTP ${d.last_status_code}` : "—");
    return row(`delivery-row-${d.id}`, [
      clock(d.created_at),
      d.event,
      h("code", null, d.delivery_id),
      `#${d.subscription_id}`,
      h("span", { class: `state ${STATES[d.status] ?? ""}` }, d.status.replace("_", " ")),
      String(d.attempts),
      answer,
    ], [button("Replay", () => this.act(() => post(`/event-deliveries/${d.id}/replay`)))], { status: d.status });
  }
}
