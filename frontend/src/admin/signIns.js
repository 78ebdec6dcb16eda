// Signed-in browsers: where each person is signed in, and signing one out from here
// (that browser is signed out at its next request, "keep me signed in" included).

import { del } from "../lib/api.js";
import { h } from "../lib/dom.js";
import { clock } from "../lib/time.js";
import { ListSection } from "./listSection.js";
import { button, confirmed, row } from "./sections.js";

/** "Chrome on Linux"-ish: enough of the user agent to tell two browsers apart. */
function browserName(agent) {
  const known = ["Edg", "Firefox", "Chrome", "Safari"].find((name) => agent.includes(`${name}/`));
  const system = ["Windows", "Mac OS X", "Android", "iPhone", "Linux"].find((name) => agent.includes(name));
  if (!known) return agent.slice(0, 40) || "unknown";
  return `${known === "Edg" ? "Edge" : known}${system ? ` on ${system}` : ""}`;
}

export class SignInsSection extends ListSection {
  constructor(boot, changed) {
    super(boot, changed, { path: boot.me.is_admin ? "/sign-ins?all=true" : "/sign-ins", id: "sign-ins", rows: "sign-in-rows", empty: "No open sign-ins." });
  }

  rowFor(s) {
    return row(`sign-in-row-${s.id}`, [
      h("strong", null, s.user_email, s.current ? h("span", { class: "badge" }, "this browser") : null),
      h("span", { title: s.user_agent }, browserName(s.user_agent)),
      s.address || "—",
      clock(s.created_at),
      `${clock(s.expires_at)}${s.remembered ? " (kept signed in)" : ""}`,
    ], [button(s.current ? "Sign out here…" : "Sign out…", () => this.end(s), "danger")],
    { current: String(s.current) });
  }

  async end(s) {
    const where = s.current ? "This browser is signed out at once." : "That browser is signed out at its next request.";
    if (await confirmed(`Sign ${s.user_email} out of ${browserName(s.user_agent)}?`, where, "Sign out")) {
      await this.act(() => del(`/sign-ins/${s.id}`));
    }
  }
}
