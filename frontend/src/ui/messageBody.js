// The body of one message. Plain text stays text (links made safe and clickable);
// an email's HTML goes through DOMPurify (lib/sanitize.js) and is never set as a string.

import { h, linkifiedText } from "../lib/dom.js";
import { sanitizedFragment } from "../lib/sanitize.js";

export function messageBody(message) {
  if (message.html) {
    const body = h("div", { class: "msg__body msg__body--html" });
    body.append(sanitizedFragment(message.html));
    return body;
  }
  return h("div", { class: "msg__body" }, linkifiedText(message.text ?? ""));
}

export function excerpt(text, length = 140) {
  const flat = String(text ?? "").replace(/\s+/g, " ").trim();
  return flat.length > length ? `${flat.slice(0, length - 1)}…` : flat;
}
