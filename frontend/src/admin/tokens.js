// API tokens: listed by prefix with when they were made and last used; a new one is
// shown once; revoking one stops it at once. Admins see everyone's.

import { del, get, post } from "../lib/api.js";
import { byId, h } from "../lib/dom.js";
import { clock } from "../lib/time.js";
import { AdminForm } from "./forms.js";
import { attempt, button, confirmed, fillRows, row, showOnce } from "./sections.js";

export class TokensSection {
  constructor(boot, changed) {
    this.boot = boot;
    this.changed = changed;
    this.el = byId("tokens");
    this.tokens = [];
    this.form = new AdminForm(byId("token-form"), (values) => this.create(values), changed);
  }

  async load() {
    this.tokens = await get(this.boot.me.is_admin ? "/tokens?all=true" : "/tokens");
    this.render();
  }

  render() {
    fillRows(byId("token-rows"), this.tokens.map((t) => row(`token-row-${t.id}`, [
      h("strong", null, t.name),
      t.prefix ? h("code", null, `${t.prefix}…`) : "—",
      t.user_email,
      clock(t.created_at),
      t.last_used_at ? clock(t.last_used_at) : "never",
      h("span", { class: `state ${t.revoked_at ? "state--off" : "state--ok"}` }, t.revoked_at ? `Revoked ${clock(t.revoked_at)}` : "Active"),
    ], t.revoked_at ? [] : [button("Revoke…", () => this.revoke(t), "danger")],
    { state: t.revoked_at ? "revoked" : "active" })), "No tokens yet.");
  }

  async create(values) {
    const made = await post("/tokens", { name: values.name });
    showOnce(this.el, `Token “${made.name}”`, made.token, "It is never shown again; revoke it and make a new one if it is lost.");
  }

  async revoke(t) {
    if (!await confirmed(`Revoke “${t.name}”?`, "Anything using it is refused from now on.", "Revoke token")) return;
    await attempt(this.el, async () => {
      await del(`/tokens/${t.id}`);
      await this.changed();
    });
  }
}
