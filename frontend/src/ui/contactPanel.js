// The contact panel: who this is on every channel, reach, influence, how their mood
// has gone (sentiment trend) and their earlier cases.

import { kindInfo } from "../lib/channels.js";
import { byId, clear, h } from "../lib/dom.js";
import { clock } from "../lib/time.js";
import { placeFacts } from "./contactPlace.js";
import { privacySection } from "./privacy.js";

const SVG = "http://www.w3.org/2000/svg";

function sparkline(points) {
  const width = 220;
  const height = 48;
  const svg = document.createElementNS(SVG, "svg");
  svg.setAttribute("viewBox", `0 0 ${width} ${height}`);
  svg.setAttribute("class", "sparkline");
  svg.setAttribute("aria-hidden", "true");
  const y = (s) => ((1 - (s + 1) / 2) * (height - 8) + 4).toFixed(1);
  const x = (i) => (points.length === 1 ? width / 2 : (i / (points.length - 1)) * (width - 8) + 4).toFixed(1);
  const zero = document.createElementNS(SVG, "line");
  for (const [k, v] of Object.entries({ x1: 0, x2: width, y1: y(0), y2: y(0), class: "sparkline__zero" })) zero.setAttribute(k, v);
  svg.append(zero);
  const line = document.createElementNS(SVG, "polyline");
  line.setAttribute("points", points.map((p, i) => `${x(i)},${y(p.sentiment)}`).join(" "));
  line.setAttribute("class", "sparkline__line");
  svg.append(line);
  points.forEach((p, i) => {
    const dot = document.createElementNS(SVG, "circle");
    for (const [k, v] of Object.entries({ cx: x(i), cy: y(p.sentiment), r: 3, class: `sparkline__dot sparkline__dot--${mood(p.sentiment)}` })) dot.setAttribute(k, v);
    svg.append(dot);
  });
  return svg;
}

function mood(value) {
  if (value <= -0.05) return "negative";
  if (value >= 0.05) return "positive";
  return "neutral";
}

function trendSection(trend) {
  if (!trend?.length) return h("p", { class: "muted" }, "No sentiment yet.");
  const latest = trend[trend.length - 1].sentiment;
  const average = trend.reduce((sum, p) => sum + p.sentiment, 0) / trend.length;
  return h("figure", { class: "trend" }, sparkline(trend),
    h("figcaption", null, `Latest ${mood(latest)} (${latest.toFixed(2)}), average ${average.toFixed(2)} over ${trend.length} messages`));
}

export function renderContact(store, contact, options) {
  const { openCaseId, extra = null, onErased = () => {} } = options;
  const panel = byId("contact-panel");
  clear(panel);
  if (!contact) {
    panel.append(h("h2", null, "Contact"), h("p", { class: "muted" }, "No contact on this case."));
    return;
  }
  panel.append(
    h("h2", null, contact.display_name || "Unknown contact",
      contact.verified ? h("span", { class: "badge badge--verified", title: "verified account" }, "✓ Verified") : null),
    h("dl", { class: "facts" },
      h("dt", null, "Followers"), h("dd", { "data-fact": "followers" }, Number(contact.followers ?? 0).toLocaleString()),
      h("dt", null, "Influence"), h("dd", { "data-fact": "influence" },
        h("meter", { min: 0, max: 100, low: 40, high: 70, value: contact.influence_score ?? 0 }), ` ${contact.influence_score ?? 0} / 100`),
      h("dt", null, "Contact"), h("dd", { "data-fact": "contact-id" }, `#${contact.id}`),
      contact.location ? [h("dt", null, "Location"), h("dd", null, contact.location)] : null,
      placeFacts(contact, (changed) => {
        store.contact = changed;
        renderContact(store, changed, options);
      }),
      contact.email ? [h("dt", null, "Email"), h("dd", null, contact.email)] : null,
      contact.phone ? [h("dt", null, "Phone"), h("dd", null, contact.phone)] : null,
      contact.tags?.length ? [h("dt", null, "Tags"), h("dd", null, contact.tags.join(", "))] : null),
    h("h3", null, "Identities"),
    h("ul", { class: "identities" }, (contact.identities ?? []).map((identity) => {
      const kind = kindInfo(identity.kind);
      return h("li", null, h("span", { class: "channel-icon", role: "img", "aria-label": kind.label }, kind.icon), " ",
        identity.handle ? `@${String(identity.handle).replace(/^@/, "")}` : identity.external_id);
    })),
    h("h3", null, "Sentiment trend"),
    trendSection(contact.sentiment_trend),
    h("h3", null, "Cases"),
    h("ul", { class: "earlier-cases" }, (contact.cases ?? []).map((c) => h("li", null,
      c.id === openCaseId
        ? h("span", { "aria-current": "true" }, `#${c.id} ${c.subject} (this case)`)
        : h("button", { type: "button", class: "link-button", onclick: () => store.emit("select", { id: c.id, open: true }) },
          `#${c.id} ${c.subject}`),
      h("span", { class: "muted" }, ` · ${c.status} · ${clock(c.created_at)}`)))),
    ...(privacySection(store, contact, { onErased }) ?? []),
  );
  if (extra) panel.append(extra);
}
