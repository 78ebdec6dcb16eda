// The supervisors' wallboard: first paint from the API, then every `wallboard.updated`
// the server pushes (computed once for all supervisors; docs/wallboard.md). Ages tick
// locally between pushes. The drill-down acts through the case API.

import { get } from "./lib/api.js";
import { byId } from "./lib/dom.js";
import { connectLivePage } from "./realtime/connection.js";
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

connectLivePage({
  events: ["wallboard.updated"],
  live,
  reload: firstPaint,
  onEvent: (_name, snapshot) => board.show(snapshot),
});

window.setInterval(() => board.tick(), 1000);

mountCrisisBanner(); // supervisors see active crisis alerts (docs/listening.md)
