// The monitored stream: mentions kept without a case, filtered; j/k move the selection,
// p promotes the selected mention to a case (POST /monitored/<id>/promote).

import { get, post, query } from "../lib/api.js";
import { clear, h, isTyping } from "../lib/dom.js";
import { clock } from "../lib/time.js";
import { errorToast, toast } from "../ui/toast.js";

function tone(sentiment) {
  if (sentiment === null || sentiment === undefined) return "unknown";
  if (sentiment < -0.05) return "negative";
  return sentiment > 0.05 ? "positive" : "neutral";
}

export class MonitoredStream {
  constructor(list, form) {
    this.list = list;
    this.form = form;
    this.messages = [];
    this.selected = 0;
    form.addEventListener("input", () => this.load().catch((e) => errorToast(e, "filter the stream")));
    form.addEventListener("submit", (event) => event.preventDefault());
    document.addEventListener("keydown", (event) => this.key(event));
  }

  filters() {
    const params = {};
    for (const [name, value] of new FormData(this.form)) if (String(value).trim()) params[name] = String(value).trim();
    return params;
  }

  async load() {
    const selectedId = this.messages[this.selected]?.id;
    this.messages = await get(`/monitored${query({ ...this.filters(), limit: 100 })}`);
    const again = this.messages.findIndex((m) => m.id === selectedId);
    this.selected = again >= 0 ? again : 0;
    this.render();
  }

  render() {
    clear(this.list);
    if (!this.messages.length) {
      this.list.append(h("li", { class: "muted" }, "Nothing monitored matches."));
      return;
    }
    this.messages.forEach((m, index) => {
      const author = m.facts?.author || {};
      const item = h("li", {
        class: "mention", dataset: { messageId: String(m.id), tone: tone(m.sentiment) },
        "aria-selected": index === this.selected ? "true" : "false",
      },
      h("div", { class: "mention-head" },
        h("strong", { text: author.name || author.handle || "someone" }),
        h("span", { class: "muted", text: ` influence ${m.facts?.influence ?? 0} · ${tone(m.sentiment)} · ${m.language || "?"} · ${clock(m.sent_at)}` })),
      h("p", { text: m.text }),
      h("button", { type: "button", class: "secondary", text: "Promote to a case", onclick: () => this.promote(m) }));
      item.addEventListener("click", () => this.select(index));
      this.list.append(item);
    });
  }

  select(index) {
    if (!this.messages.length) return;
    this.selected = Math.max(0, Math.min(this.messages.length - 1, index));
    this.render();
    this.list.querySelector('[aria-selected="true"]')?.scrollIntoView({ block: "nearest" });
  }

  key(event) {
    if (isTyping(event.target) || event.ctrlKey || event.metaKey || event.altKey) return;
    if (event.key === "j") this.select(this.selected + 1);
    else if (event.key === "k") this.select(this.selected - 1);
    else if (event.key === "p" && this.messages[this.selected]) this.promote(this.messages[this.selected]);
    else return;
    event.preventDefault();
  }

  async promote(message) {
    try {
      const created = await post(`/monitored/${message.id}/promote`);
      toast(`Case #${created.id} opened from the mention`);
      await this.load();
    } catch (error) {
      errorToast(error, "promote the mention");
    }
  }
}
