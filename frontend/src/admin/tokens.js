// API tokens: listed by prefix with when they were made and last used; a new one is
// shown once; revoking one stops it at once. Admins see everyone's.

import { del, post } from "../lib/api.js";
import { h } from "../lib/dom.js";
import { clock } from "../lib/time.js";
import { ListSection } from "./listSection.js";
import { button, confirmed, row, showOnce } from "./sections.js";

export class TokensSection extends ListSection {
  constructor(boot, changed) {
    super(boot, changed, { path: boot.me.is_admin ? "/tokens?all=true" : "/tokens", id: "tokens", rows: "token-rows", form: "token-form", empty: "No tokens yet." });
  }

  rowFor(t) {
    const revoked = Boolean(t.revoked_at);
    return row(`token-row-${t.id}`, [
      h("strong", null, t.name),
      t.prefix ? h("code", null, `${t.prefix}…`) : "—",
      t.user_email,
      clock(t.created_at),
      t.last_used_at ? clock(t.last_used_at) : "never",
      h("span", { class: `state ${revoked ? "state--off" : "state--ok"}` }, revoked ? `Revoked ${clock(t.revoked_at)}` : "Active"),
    ], revoked ? [] : [button("Revoke…", () => this.revoke(t), "danger")], { state: revoked ? "revoked" : "active" });
  }

  async save(values) {
    const made = await post("/tokens", { name: values.name });
    showOnce(this.el, `Token “${made.name}”`, made.token, "It is never shown again; revoke it and make a new one if it is lost.");
  }

  async revoke(t) {
    if (await confirmed(`Revoke “${t.name}”?`, "Anything using it is refused from now on.", "Revoke token")) {
      await this.act(() => del(`/tokens/${t.id}`));
    }
  }
}
