// The conversation comes first: the case actions and the composer fold away behind a
// toggle button (aria-expanded, a shortcut) so the timeline gets the height; each
// choice is remembered in this browser.

import { byId } from "../lib/dom.js";

const STORAGE_PREFIX = "inbox.desk.fold.";

function remembered(name, fallback) {
  try {
    const value = window.localStorage.getItem(STORAGE_PREFIX + name);
    return value === null ? fallback : value === "open";
  } catch {
    return fallback; // storage refused (privacy mode): the default, every time
  }
}

function remember(name, open) {
  try {
    window.localStorage.setItem(STORAGE_PREFIX + name, open ? "open" : "folded");
  } catch {
    // not remembered; the toggle still works
  }
}

/** One region behind one toggle button (the button's aria-controls names the region). */
export class Fold {
  constructor(buttonId, { name, open = true, onChange = () => {} }) {
    this.button = byId(buttonId);
    this.region = byId(this.button.getAttribute("aria-controls"));
    this.name = name;
    this.onChange = onChange;
    this.button.addEventListener("click", () => this.set(!this.isOpen()));
    this.set(remembered(name, open), { quiet: true });
  }

  isOpen() {
    return this.button.getAttribute("aria-expanded") === "true";
  }

  set(open, { quiet = false } = {}) {
    this.button.setAttribute("aria-expanded", String(open));
    this.region.hidden = !open;
    this.button.closest("[data-fold]")?.setAttribute("data-fold", open ? "open" : "folded");
    if (!quiet) {
      remember(this.name, open);
      this.onChange(open);
    }
  }

  toggle() {
    this.set(!this.isOpen());
  }
}

/** The case view's two folds: the action bar (a) and the composer (w). Choosing a
 * composer tab opens the composer again. */
export function caseFolds({ onComposerOpened = () => {} } = {}) {
  const actions = new Fold("toggle-actions", { name: "actions" });
  const composer = new Fold("toggle-composer", {
    name: "composer",
    onChange: (open) => { if (open) onComposerOpened(); },
  });
  for (const tab of ["tab-reply", "tab-note"]) {
    byId(tab).addEventListener("click", () => { if (!composer.isOpen()) composer.set(true); });
  }
  return { actions, composer };
}
