// Building the DOM from data. Text always goes in as text (textContent / text nodes),
// never through innerHTML, so customer content can never become markup or script.

const SAFE_PROTOCOLS = new Set(["http:", "https:", "mailto:"]);

/** The URL, absolute, if it is http(s) or mailto; otherwise null (javascript:, data:, …). */
export function safeUrl(value) {
  if (typeof value !== "string" || !value.trim()) return null;
  try {
    const url = new URL(value.trim(), window.location.href);
    return SAFE_PROTOCOLS.has(url.protocol) ? url.href : null;
  } catch {
    return null;
  }
}

/** h("button", {class: "x", onclick: fn}, "Claim") — props are ours, children are text. */
export function h(tag, props, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(props || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key === "class") el.className = value;
    else if (key === "text") el.textContent = String(value);
    else if (key === "dataset") Object.assign(el.dataset, value);
    else if (key.startsWith("on") && typeof value === "function") {
      el.addEventListener(key.slice(2), value);
    } else if (key === "href") {
      const href = safeUrl(value);
      if (href) el.setAttribute("href", href);
    } else if (value === true) el.setAttribute(key, "");
    else el.setAttribute(key, String(value));
  }
  appendChildren(el, children);
  return el;
}

export function appendChildren(el, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}

/** A link that opens in a new tab without handing it our window; plain text if unsafe. */
export function externalLink(url, label) {
  const href = safeUrl(url);
  if (!href) return h("span", { class: "unsafe-link", title: "link not opened: unsafe address" }, label ?? String(url ?? ""));
  return h("a", { href, target: "_blank", rel: "noopener noreferrer nofollow" }, label ?? href);
}

const URL_IN_TEXT = /\bhttps?:\/\/[^\s<>"']+/gi;
const TRAILING = /[.,:;!?'")\]}]+$/;

/** Plain text with its http(s) addresses as safe links; everything else stays text. */
export function linkifiedText(text) {
  const nodes = [];
  let position = 0;
  for (const match of String(text ?? "").matchAll(URL_IN_TEXT)) {
    let url = match[0];
    const trailing = url.match(TRAILING);
    if (trailing) url = url.slice(0, -trailing[0].length);
    nodes.push(text.slice(position, match.index));
    nodes.push(externalLink(url, url));
    position = match.index + url.length;
  }
  nodes.push(String(text ?? "").slice(position));
  return nodes.filter((n) => n !== "");
}

export function byId(id) {
  return document.getElementById(id);
}

/** Is the keyboard focus in a place where typing means text (not a shortcut)? */
export function isTyping(target) {
  if (!(target instanceof HTMLElement)) return false;
  return target.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(target.tagName);
}

export function clear(el) {
  el.replaceChildren();
  return el;
}
