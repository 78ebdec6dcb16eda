// Modal forms for the actions that need words: escalate (reason, target), transfer
// (queue or agent), resolve (disposition), reopen (reason). Native <dialog>: focus is
// trapped, Escape cancels, and the form's own validation says what is missing.

import { byId, clear, h } from "../lib/dom.js";

/** Show dialog `id`; resolves with its FormData when confirmed, null when cancelled. */
export function askWith(id, setup) {
  const dialog = byId(id);
  const form = dialog.querySelector("form");
  form.reset();
  setup?.(dialog);
  dialog.returnValue = "";
  dialog.showModal();
  return new Promise((resolve) => {
    dialog.addEventListener("close", () => {
      resolve(dialog.returnValue === "ok" ? new FormData(form) : null);
    }, { once: true });
  });
}

function fillSelect(select, options, firstLabel) {
  clear(select);
  if (firstLabel !== undefined) select.append(h("option", { value: "" }, firstLabel));
  for (const { value, label } of options) select.append(h("option", { value: String(value) }, label));
}

export async function askEscalation(store, c) {
  const data = await askWith("escalate-dialog", (dialog) => {
    dialog.querySelector("[data-case]").textContent = `#${c.id} ${c.subject ?? ""}`;
    const queues = [...store.queues.values()].filter((q) => q.id !== c.queue_id);
    fillSelect(byId("escalate-queue"), queues.map((q) => ({ value: q.id, label: q.name })),
      `Keep in ${store.queueName(c.queue_id)}`);
  });
  if (!data) return null;
  const queue = data.get("queue_id");
  return { reason: String(data.get("reason")).trim(), queue_id: queue ? Number(queue) : null };
}

export async function askTransfer(store, c) {
  const data = await askWith("transfer-dialog", (dialog) => {
    dialog.querySelector("[data-case]").textContent = `#${c.id} ${c.subject ?? ""}`;
    fillSelect(byId("transfer-queue"), [...store.queues.values()].filter((q) => q.id !== c.queue_id)
      .map((q) => ({ value: q.id, label: q.name })), "— choose a queue —");
    fillSelect(byId("transfer-agent"), [...store.users.values()].filter((u) => u.id !== c.assignee_id)
      .map((u) => ({ value: u.id, label: `${u.name} (${u.role})` })), "— or an agent —");
  });
  if (!data) return null;
  const agent = data.get("agent_id");
  const queue = data.get("queue_id");
  if (agent) return { agent_id: Number(agent) };
  if (queue) return { queue_id: Number(queue) };
  return null;
}

export async function askDisposition(c) {
  const data = await askWith("resolve-dialog", (dialog) => {
    dialog.querySelector("[data-case]").textContent = `#${c.id} ${c.subject ?? ""}`;
  });
  return data ? { disposition: String(data.get("disposition")).trim() } : null;
}

export async function askReason(id, c) {
  const data = await askWith(id, (dialog) => {
    dialog.querySelector("[data-case]").textContent = `#${c.id} ${c.subject ?? ""}`;
  });
  return data ? { reason: String(data.get("reason")).trim() } : null;
}
