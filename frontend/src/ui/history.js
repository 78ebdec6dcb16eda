// Older messages of the open case, a page at a time: GET /cases/<id> carries the newest
// page and `messages_before`; scrolling up reads GET /cases/<id>/messages?before=.

import { get, query } from "../lib/api.js";

export const OLDER_PAGE = 50;

/** Prepend the page older than what `detail` holds; false when there is none. */
export async function loadOlder(detail) {
  if (!detail?.messages_before) return false;
  const page = await get(`/cases/${detail.id}/messages${query({ before: detail.messages_before, limit: OLDER_PAGE })}`);
  const known = new Set(detail.messages.map((m) => m.id));
  detail.messages.unshift(...page.items.filter((m) => !known.has(m.id)));
  detail.messages_before = page.before;
  return true;
}

/**
 * A fresh GET /cases/<id> (the newest page) replacing `previous` of the same case keeps
 * the older pages already read, so a refresh never yanks the agent back to the end.
 */
export function keepOlder(previous, fresh) {
  if (!previous || previous.id !== fresh.id || !fresh.messages_before) return fresh;
  const fresher = new Set(fresh.messages.map((m) => m.id));
  const oldest = fresh.messages[0];
  // Only when the two overlap: more than a page arrived meanwhile would leave a gap.
  if (!previous.messages.some((m) => m.id === oldest.id)) return fresh;
  const older = previous.messages.filter((m) => !fresher.has(m.id) && before(m, oldest));
  if (!older.length) return fresh;
  const reachedStart = previous.messages_before === null || previous.messages_before === undefined;
  return { ...fresh, messages: [...older, ...fresh.messages], messages_before: reachedStart ? null : previous.messages_before };
}

function before(a, b) {
  const at = Date.parse(a.sent_at);
  const bt = Date.parse(b.sent_at);
  return at < bt || (at === bt && a.id < b.id);
}
