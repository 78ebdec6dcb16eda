// The case view's timeline: the contact's messages on every channel (this case's and
// earlier ones), this case's internal notes and events, oldest first. While the case has
// older messages not read yet, it starts at the oldest one read, under a "load older"
// row (scrolling up reads them: ui/history.js).

import { kindInfo } from "../lib/channels.js";
import { externalLink, h } from "../lib/dom.js";
import { clock, parse } from "../lib/time.js";
import { eventText, QUIET_EVENTS } from "./eventText.js";
import { excerpt, messageBody } from "./messageBody.js";
import { sendStatus } from "./sendState.js";

/** Every message once: the case's own (full detail) and the contact's other ones. */
function messagesOf(store, detail, contact) {
  const byId = new Map();
  for (const item of contact?.timeline ?? []) byId.set(item.id, { ...item });
  for (const message of detail.messages ?? []) {
    const kind = store.channel(message.channel_id)?.kind ?? byId.get(message.id)?.channel_kind;
    byId.set(message.id, { ...byId.get(message.id), ...message, case_id: detail.id, channel_kind: kind });
  }
  return [...byId.values()];
}

function authorName(store, message, contact) {
  if (message.direction === "out") {
    return message.author_id ? store.userName(message.author_id) : "Our account";
  }
  return message.facts?.author?.name || message.facts?.author?.handle || contact?.display_name || "Customer";
}

function repliedTo(message, byExternalId) {
  if (!message.parent_external_id) return null;
  const parent = byExternalId.get(message.parent_external_id);
  const text = parent ? `${parent.direction === "out" ? "our reply" : "the customer"}: “${excerpt(parent.text, 120)}”` : "an earlier post that is not in this inbox";
  return h("p", { class: "msg__replied-to" }, h("span", { class: "visually-hidden" }, "In reply to "), `↪ in reply to ${text}`);
}

/** What enrichment made of a customer's message: its intent, and the complaint model's
 * probability when a model was in force (a complaint when the rules or the model say so). */
function intentBadge(message) {
  if (message.direction === "out" || !message.intent) return null;
  const probability = message.facts?.complaint_probability;
  const share = typeof probability === "number" ? Math.round(probability * 100) : null;
  return h("span", {
    class: `badge msg__intent msg__intent--${message.intent}`, dataset: { intent: message.intent },
    title: share === null ? "Intent from the rules" : `Intent from the rules and the complaint model (${share}% complaint)`,
  }, share === null ? message.intent : `${message.intent} · model ${share}% complaint`);
}

function olderItem(onOlder) {
  return h("li", { class: "timeline__older", id: "timeline-older" },
    h("button", { type: "button", class: "link-button", onclick: onOlder }, "Load older messages"),
    h("span", { class: "muted" }, " (or scroll up)"));
}

function messageItem(store, message, ctx) {
  const kind = kindInfo(message.channel_kind);
  const otherCase = message.case_id !== ctx.detail.id;
  const authorUrl = message.facts?.author?.url;
  const name = authorName(store, message, ctx.contact);
  const rating = message.facts?.rating;
  return h("li", {
    class: `msg msg--${message.direction === "out" ? "out" : "in"} msg--${message.visibility}${otherCase ? " msg--other-case" : ""}`,
    dataset: { messageId: message.id, direction: message.direction, visibility: message.visibility },
  },
  h("header", { class: "msg__head" },
    h("span", { class: "channel-icon", role: "img", "aria-label": kind.label, title: message.channel_name ?? kind.label }, kind.icon),
    h("span", { class: `badge badge--${message.visibility}` }, message.visibility === "public" ? "Public" : "Private"),
    h("span", { class: "msg__direction" }, message.direction === "out" ? "→ to customer" : "← from customer"),
    h("strong", { class: "msg__author" }, authorUrl ? externalLink(authorUrl, name) : name),
    h("span", { class: "msg__kind" }, String(message.kind ?? "").replaceAll("_", " ")),
    intentBadge(message),
    h("time", { datetime: message.sent_at }, clock(message.sent_at)),
    otherCase && message.case_id
      ? h("button", { type: "button", class: "link-button", onclick: () => store.emit("select", { id: message.case_id, open: true }) }, `case #${message.case_id}`)
      : null,
    message.url ? externalLink(message.url, "open original") : null),
  repliedTo(message, ctx.byExternalId),
  message.subject ? h("p", { class: "msg__subject" }, message.subject) : null,
  rating ? h("p", { class: "msg__rating", "aria-label": `rating ${rating} of 5` }, "★".repeat(rating) + "☆".repeat(Math.max(0, 5 - rating))) : null,
  messageBody(message),
  sendStatus(message, ctx.onRetry, store));
}

function noteItem(store, event) {
  const mentions = (event.data?.mentions ?? []).map((id) => store.userName(id));
  return h("li", { class: "note", dataset: { eventId: event.id, kind: "note" } },
    h("header", { class: "msg__head" },
      h("span", { class: "badge badge--note" }, "Internal note"),
      h("strong", null, store.userName(event.actor_id)),
      h("time", { datetime: event.created_at }, clock(event.created_at))),
    h("div", { class: "msg__body" }, event.data?.text ?? ""),
    mentions.length ? h("p", { class: "note__mentions" }, `Mentioned: ${mentions.join(", ")}`) : null);
}

function eventItem(store, event) {
  return h("li", { class: "event", dataset: { eventId: event.id, kind: event.kind } },
    h("span", { class: "event__text" }, eventText(store, event)),
    " · ", h("time", { datetime: event.created_at }, clock(event.created_at)));
}

export function timelineItems(store, detail, contact, { onRetry, onOlder }) {
  const messages = messagesOf(store, detail, contact);
  const byExternalId = new Map(messages.filter((m) => m.external_id).map((m) => [m.external_id, m]));
  const ctx = { detail, contact, byExternalId, onRetry };
  const entries = [
    ...messages.map((m) => ({ at: parse(m.sent_at), order: 0, id: m.id, node: () => messageItem(store, m, ctx) })),
    ...(detail.events ?? []).filter((e) => !QUIET_EVENTS.has(e.kind)).map((e) => ({
      at: parse(e.created_at), order: 1, id: e.id,
      node: () => (e.kind === "note" ? noteItem(store, e) : eventItem(store, e)),
    })),
  ];
  entries.sort((a, b) => (a.at ?? 0) - (b.at ?? 0) || a.order - b.order || a.id - b.id);
  // Older pages not read yet: nothing from before the oldest message read, so the
  // timeline has no hole in it (other cases' messages, notes and events wait too).
  const more = Boolean(detail.messages_before) && detail.messages?.length;
  const from = more ? parse(detail.messages[0].sent_at) : null;
  const shown = more ? entries.filter((entry) => (entry.at ?? 0) >= from) : entries;
  return [more ? olderItem(onOlder) : null, ...shown.map((entry) => entry.node())].filter(Boolean);
}
