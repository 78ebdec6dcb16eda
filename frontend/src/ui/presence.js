// The presence switch: online, away, on a call. The agent's choice is remembered and
// put back after a reconnect (the server marks an agent offline when their last
// connection closes).

import { put } from "../lib/api.js";
import { byId } from "../lib/dom.js";
import { errorToast } from "./toast.js";

const CHOICES = new Set(["online", "away", "on_call"]);

export class PresenceSwitch {
  constructor(store) {
    this.store = store;
    this.select = byId("presence");
    this.chosen = CHOICES.has(store.me.presence) ? store.me.presence : "online";
    this.select.value = this.chosen;
    this.paint();
    this.select.addEventListener("change", () => this.choose(this.select.value));
  }

  paint() {
    this.select.dataset.presence = this.store.me.presence;
  }

  async choose(presence) {
    this.chosen = presence;
    await this.apply();
  }

  /** Tell the server what the agent chose (after connecting, and on every change). */
  async apply() {
    try {
      const answer = await put("/agents/me/presence", { presence: this.chosen });
      this.set(answer.presence);
    } catch (error) {
      errorToast(error, "change your presence");
      this.select.value = this.store.me.presence;
    }
  }

  /** The server says (agent.presence): another tab may have changed it. */
  set(presence) {
    this.store.me.presence = presence;
    if (CHOICES.has(presence)) {
      this.chosen = presence;
      this.select.value = presence;
    }
    this.paint();
  }
}
