// The trends charts (chart.js): volume by channel per 5 minutes, sentiment trend, top
// hashtags and watch terms; the most influential complainers today as a table.

import { Chart } from "chart.js/auto";
import { clear, h } from "../lib/dom.js";
import { clock } from "../lib/time.js";

const OPTIONS = { animation: false, maintainAspectRatio: false };

export class Trends {
  constructor(canvases, complainers) {
    this.canvases = canvases;
    this.complainers = complainers;
    this.charts = {};
  }

  draw(name, config) {
    this.charts[name]?.destroy();
    this.charts[name] = new Chart(this.canvases[name], { ...config, options: { ...OPTIONS, ...config.options } });
  }

  show(trends) {
    const names = new Map(trends.channels.map((c) => [c.id, c.name]));
    const times = [...new Set(trends.volume.map((v) => v.at))].sort();
    const channels = [...new Set(trends.volume.map((v) => v.channel_id))];
    this.draw("volume", {
      type: "bar",
      data: {
        labels: times.map(clock),
        datasets: channels.map((id) => ({
          label: names.get(id) || `channel ${id}`,
          data: times.map((at) => trends.volume.find((v) => v.at === at && v.channel_id === id)?.count ?? 0),
        })),
      },
      options: { scales: { x: { stacked: true }, y: { stacked: true, beginAtZero: true } } },
    });
    this.draw("sentiment", {
      type: "line",
      data: { labels: trends.sentiment.map((s) => clock(s.at)), datasets: [{ label: "average sentiment", data: trends.sentiment.map((s) => s.average) }] },
      options: { scales: { y: { min: -1, max: 1 } } },
    });
    this.draw("hashtags", {
      type: "bar",
      data: { labels: trends.hashtags.map((t) => `#${t.tag}`), datasets: [{ label: "mentions", data: trends.hashtags.map((t) => t.count) }] },
      options: { indexAxis: "y" },
    });
    this.draw("terms", {
      type: "bar",
      data: { labels: trends.terms.map((t) => t.term), datasets: [{ label: "mentions", data: trends.terms.map((t) => t.count) }] },
      options: { indexAxis: "y" },
    });
    clear(this.complainers);
    for (const c of trends.complainers_today) {
      this.complainers.append(h("tr", null, h("td", { text: c.name || `contact ${c.contact_id}` }),
        h("td", { text: c.influence }), h("td", { text: c.followers }), h("td", { text: c.complaints })));
    }
    if (!trends.complainers_today.length) {
      this.complainers.append(h("tr", null, h("td", { colspan: 4, class: "muted", text: "No complaints today." })));
    }
  }
}
