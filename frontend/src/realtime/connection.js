// The live connection (Socket.IO over WebSocket, authenticated by the session cookie).
// On every (re)connect the desk reloads what it shows from the API before trusting
// events again: events are notifications, the API is the truth (docs/realtime.md).

import { io } from "socket.io-client";
import { get } from "../lib/api.js";

export const SERVER_EVENTS = [
  "case.created", "case.updated", "message.created", "message.updated", "sla.warning",
  "sla.breached", "agent.presence", "queue.stats", "case.viewing", "case.offered", "note.mention",
];

/**
 * connect({onConnect(reconnected), onDisconnect(), onEvent(name, payload), events}) -> socket
 * `events`: the names to hear (the desk's by default; the wallboard hears its own).
 */
export function connect({ onConnect, onDisconnect, onEvent, events = SERVER_EVENTS }) {
  // Backoff with jitter: after a restart a thousand desks spread their reconnects over
  // seconds instead of arriving in the same instant.
  const socket = io({
    transports: ["websocket"],
    reconnectionDelay: 500,
    reconnectionDelayMax: 5000,
    randomizationFactor: 0.5,
    timeout: 5000,
  });
  let connectedBefore = false;
  let lost = false;

  socket.on("connect", () => {
    const reconnected = connectedBefore;
    connectedBefore = true;
    lost = false;
    refusals = 0;
    onConnect(reconnected);
  });

  socket.on("disconnect", (reason) => {
    lost = true;
    onDisconnect(reason);
    // The server closed us on purpose (e.g. signed out elsewhere): check, then retry.
    if (reason === "io server disconnect") retryWhenAllowed(socket);
  });

  socket.on("connect_error", () => {
    if (!lost) {
      lost = true;
      onDisconnect("connect_error");
    }
    // Refused by the server (not a network error): no automatic retry, so ask the API
    // whether we are still signed in (a 401 sends us to the login page) and try again.
    if (!socket.active) retryWhenAllowed(socket);
  });

  for (const name of events) socket.on(name, (payload) => onEvent(name, payload));
  return socket;
}

let refusals = 0;

/** The wait before asking again after a refusal (a full server, a signed-out session):
 * doubling from 1.5 s to 30 s, each spread by ±50 %. */
function refusalDelay() {
  const base = Math.min(30_000, 1500 * 2 ** Math.min(refusals, 5));
  refusals += 1;
  return base * (0.5 + Math.random());
}

function retryWhenAllowed(socket) {
  window.setTimeout(async () => {
    try {
      await get("/queues");
    } catch {
      // offline or refused: try the socket again anyway, the banner keeps saying so
    }
    if (!socket.connected) socket.connect();
  }, refusalDelay());
}

/** emit with an acknowledgement, as a promise (rejects after `timeout` ms). */
export function ask(socket, name, payload, timeout = 5000) {
  return socket.timeout(timeout).emitWithAck(name, payload);
}

/**
 * A console page's live connection: `live` shows "live" / "reconnecting…", and on every
 * (re)connect `reload()` reads the page afresh (what was pushed meanwhile is lost) before
 * the page is marked ready.
 */
export function connectLivePage({ events, live, reload, onEvent }) {
  return connect({
    events,
    onConnect: async () => {
      live.textContent = "live";
      live.dataset.state = "live";
      await reload();
      document.body.dataset.ready = "true";
    },
    onDisconnect: () => {
      live.textContent = "reconnecting…";
      live.dataset.state = "lost";
    },
    onEvent,
  });
}
