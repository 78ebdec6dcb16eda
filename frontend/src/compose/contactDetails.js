// Email addresses and phone numbers in a draft: in public they are a privacy incident,
// so the desk asks before posting (the server refuses too, unless confirmed).
// Same heuristic as the server's (inbox/channels/senders/limits.py contact_details).

const EMAIL = /[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}/g;
const PHONE = /(?<![\w/])\+?\(?\d[\d ().-]{5,}\d(?![\w/])/g;
const DATE = /^(?:\d{4}-\d{2}-\d{2}|\d{1,2}[./-]\d{1,2}[./-]\d{2,4})$/;
const URL = /\b(?:https?:\/\/|www\.)\S+/gi;

export function contactDetails(text) {
  const found = [...text.matchAll(EMAIL)].map((m) => m[0]);
  const rest = text.replace(EMAIL, " ").replace(URL, " ");
  for (const match of rest.matchAll(PHONE)) {
    const candidate = match[0].trim();
    const digits = candidate.replace(/\D/g, "");
    const shortest = candidate === digits ? 10 : 7;
    if (digits.length >= shortest && digits.length <= 15 && !DATE.test(candidate)) found.push(candidate);
  }
  return found;
}
