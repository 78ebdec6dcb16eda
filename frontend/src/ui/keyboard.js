// Keyboard shortcuts: j/k move, c claim, n next, r reply, e escalate, m merge, a/w fold
// the actions/composer, ? help.
// Ignored while typing in a field or when a dialog is open.

import { byId, isTyping } from "../lib/dom.js";

export const SHORTCUTS = [
  ["j", "next case in the list"],
  ["k", "previous case in the list"],
  ["c", "claim the case"],
  ["n", "take the next case from my queues"],
  ["r", "reply (focus the composer)"],
  ["e", "escalate the case"],
  ["m", "merge the case into another of the same customer"],
  ["a", "show or hide the case actions and SLA clocks"],
  ["w", "show or hide the composer (more room for the conversation)"],
  ["?", "this help"],
  ["Ctrl+Enter", "send the reply or note"],
  ["Esc", "close a dialog"],
];

export function bindKeys(handlers) {
  document.addEventListener("keydown", (event) => {
    if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey) return;
    if (isTyping(event.target) || document.querySelector("dialog[open]")) return;
    const handler = handlers[event.key];
    if (!handler) return;
    event.preventDefault();
    handler();
  });
}

export function showHelp() {
  const dialog = byId("help-dialog");
  if (!dialog.open) dialog.showModal();
}
