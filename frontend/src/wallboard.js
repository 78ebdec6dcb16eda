// The supervisors' wallboard: first paint from the API, then every `wallboard.updated`
// the server pushes (computed once for all supervisors; docs/wallboard.md). Ages tick
// locally between pushes. The drill-down acts through the case API.

import { get } from "./lib/api.js";
import { byId } from "./lib/dom.js";
import { connect } from "./realtime/connection.js";
import { mountCrisisBanner } from "./ui/crisisBanner.js";
import { errorToast } from "./ui/toast.js";
import { Wallboard } from "./wallboard/board.js";

const board = new Wallboard(byId("wallboard-main"));
const live = byId("wallboard-live");

async function firstPaint() {
  try {
    board.show(await get("/wallboard"));
    byId("wallboard-error").textContent = "";
  } catch (error) {
    byId("wallboard-error").textContent = `The wallboard could not be loaded: ${error.message}`;
    errorToast(error, "loading the wallboard");
  }
}

connect({
  events: ["wallboard.updated"],
  onConnect: async () => {
    live.textContent = "live";
    live.dataset.state = "live";
    await firstPaint(); // also after a reconnect: what was pushed meanwhile is lost
    document.body.dataset.ready = "true";
  },
  onDisconnect: () => {
    live.textContent = "reconnecting…";
    live.dataset.state = "lost";
  },
  onEvent: (_name, snapshot) => board.show(snapshot),
});

window.setInterval(() => board.tick(), 1000);

mountCrisisBanner(); // supervisors see active crisis alerts (docs/listening.md)
