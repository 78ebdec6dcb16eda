// HTML email, made safe to show: DOMPurify (maintained, and it parses with the browser's
// own parser, so what it checks is exactly what the browser would build — no parser
// mismatch for mutation XSS). Nothing is fetched from the network when a mail is read:
// images, media, forms and styles are dropped, and links open apart from the desk.

import DOMPurify from "dompurify";

const purifier = DOMPurify(window);

purifier.addHook("afterSanitizeAttributes", (node) => {
  if (node.tagName === "A") {
    const href = node.getAttribute("href") || "";
    if (!/^(https?:|mailto:)/i.test(href)) node.removeAttribute("href");
    node.setAttribute("target", "_blank");
    node.setAttribute("rel", "noopener noreferrer nofollow");
  }
});

const CONFIG = {
  USE_PROFILES: { html: true },
  FORBID_TAGS: ["style", "img", "picture", "video", "audio", "source", "track", "iframe", "frame",
    "object", "embed", "form", "input", "button", "textarea", "select", "link", "meta", "base", "svg", "math"],
  FORBID_ATTR: ["style", "srcset", "background", "poster", "action", "formaction", "id", "name"],
  ALLOW_DATA_ATTR: false,
  RETURN_DOM_FRAGMENT: true,
};

/** A document fragment of the sanitized mail, ready to append (never an HTML string). */
export function sanitizedFragment(html) {
  return purifier.sanitize(String(html ?? ""), CONFIG);
}
