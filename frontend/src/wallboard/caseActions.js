// One at-risk or breached case with what a supervisor may do to it, each through the
// case API: reassign, force-release, change priority, move queue, de-escalate. The
// services publish `case.updated`, so the agent's desk follows at once, and the next
// wallboard push shows the result here.

import { post } from "../lib/api.js";
import { h } from "../lib/dom.js";
import { errorToast, toast } from "../ui/toast.js";

async function act(label, path, body) {
  try {
    await post(path, body);
    toast(label, { kind: "success" });
  } catch (error) {
    errorToast(error, label.toLowerCase());
  }
}

function chooser(name, label, options, onChoose) {
  const select = h("select", { "aria-label": label, dataset: { action: name } },
    h("option", { value: "" }, label),
    options.map(([value, text]) => h("option", { value }, text)));
  select.addEventListener("change", () => {
    if (select.value) onChoose(select.value);
  });
  return select;
}

export function caseRow(c, { agents, queues, queueName, agentName }) {
  const path = `/cases/${c.id}`;
  const controls = [
    chooser("reassign", "Reassign to…",
      agents.filter((a) => a.id !== c.assignee_id).map((a) => [a.id, a.name]),
      (id) => act(`Case #${c.id} reassigned`, `${path}/transfer`, { agent_id: Number(id) })),
    chooser("priority", "Priority…",
      [1, 2, 3, 4].filter((p) => p !== c.priority).map((p) => [p, `P${p}`]),
      (p) => act(`Case #${c.id} is now P${p}`, `${path}/priority`, { priority: Number(p) })),
    chooser("move", "Move to queue…",
      queues.filter((q) => q.id !== c.queue_id).map((q) => [q.id, q.name]),
      (id) => act(`Case #${c.id} moved`, `${path}/transfer`, { queue_id: Number(id) })),
    c.assignee_id !== null && h("button", {
      type: "button", class: "secondary", dataset: { action: "release" },
      onclick: () => act(`Case #${c.id} released to its queue`, `${path}/release`),
    }, "Force release"),
    c.escalation_level > 0 && h("button", {
      type: "button", class: "secondary", dataset: { action: "deescalate" },
      onclick: () => act(`Case #${c.id} de-escalated`, `${path}/deescalate`,
        { reason: "de-escalated from the wallboard" }),
    }, "De-escalate"),
  ];
  return h("li", { class: "case-actions", dataset: { caseId: c.id } },
    h("div", { class: "case-actions__what" },
      h("strong", {}, `#${c.id} P${c.priority}`), " ", c.subject || "(no subject)",
      h("span", { class: "muted" }, ` · ${queueName(c.queue_id)} · ${agentName(c.assignee_id)} · ${c.status}`),
      c.escalation_level > 0 && h("span", { class: "badge" }, `escalated ${c.escalation_level}`)),
    h("div", { class: "case-actions__do" }, controls));
}
