// The supervisors' approvals page (four eyes, docs/sending.md): every public reply
// awaiting approval with its case, the earliest due first, each with its countdown
// (overdue ones flagged). Approve, edit and approve, or send back with a comment; the
// list is read again at every `approval.changed` (another supervisor may decide first).

import { get, post } from "./lib/api.js";
import { byId, clear, h } from "./lib/dom.js";
import { connectLivePage } from "./realtime/connection.js";
import { errorToast, toast } from "./ui/toast.js";

const list = byId("approval-list");
const live = byId("approvals-live");

function left(due) {
  const seconds = Math.round((new Date(due) - Date.now()) / 1000);
  const abs = Math.abs(seconds);
  const text = abs >= 60 ? `${Math.floor(abs / 60)} min ${String(abs % 60).padStart(2, "0")} s` : `${abs} s`;
  return seconds > 0 ? { overdue: false, text: `${text} left` } : { overdue: true, text: `overdue by ${text}` };
}

function paintClock(item) {
  const clock = item.querySelector(".approval__due");
  if (!clock?.dataset.due) return;
  const { overdue, text } = left(clock.dataset.due);
  clock.textContent = text;
  item.dataset.overdue = String(overdue);
  item.classList.toggle("approval--overdue", overdue);
}

async function decide(item, path, body, done) {
  for (const button of item.querySelectorAll("button")) button.disabled = true;
  try {
    await post(path, body);
    toast(done, { kind: "success" });
    item.remove();
    await load();
  } catch (error) {
    errorToast(error, "decide on the reply");
    if (error.status === 409) await load(); // decided meanwhile: the list says by whom
    else for (const button of item.querySelectorAll("button")) button.disabled = false;
  }
}

function approvalItem(a) {
  const text = h("textarea", { class: "approval__text", rows: "3", "aria-label": `Reply to case #${a.case_id}` });
  text.value = a.text;
  const approve = h("button", { type: "button", class: "approval__approve", dataset: { action: "approve" } }, "Approve");
  const comment = h("input", { class: "approval__comment", "aria-label": `Comment for ${a.requested_by ?? "the agent"}`, placeholder: "What should change?", maxlength: "2000" });
  const sendBack = h("button", { type: "button", class: "secondary", dataset: { action: "return" } }, "Send back");
  text.addEventListener("input", () => {
    approve.textContent = text.value.trim() !== a.text ? "Approve edited" : "Approve";
  });
  const item = h("li", { class: "approval", id: `approval-${a.message_id}`, dataset: { messageId: a.message_id, caseId: a.case_id } },
    h("header", { class: "approval__head" },
      h("a", { href: `/#case-${a.case_id}` }, `Case #${a.case_id}`), " ",
      h("strong", null, a.case_subject || ""), " ",
      h("span", { class: "muted" }, [a.queue, a.channel, `P${a.case_priority}`].filter(Boolean).join(" · ")), " ",
      h("span", { class: "approval__due", dataset: { due: a.due_at ?? "" } })),
    a.customer_text
      ? h("blockquote", { class: "approval__customer" }, h("span", { class: "muted" }, `${a.contact ?? "The customer"} wrote: `), a.customer_text)
      : null,
    h("p", { class: "muted" }, `Public reply by ${a.requested_by ?? "an agent"}:`),
    text,
    h("div", { class: "approval__actions" }, approve, comment, sendBack));
  approve.addEventListener("click", () => {
    const edited = text.value.trim();
    decide(item, `/approvals/${a.message_id}/approve`, edited !== a.text ? { text: edited } : {},
      `Case #${a.case_id}: reply approved${edited !== a.text ? " (edited)" : ""}; sending.`);
  });
  sendBack.addEventListener("click", () => {
    if (!comment.value.trim()) {
      comment.focus();
      toast("Say what should change before sending it back.", { kind: "warning" });
      return;
    }
    decide(item, `/approvals/${a.message_id}/return`, { comment: comment.value },
      `Case #${a.case_id}: reply sent back to ${a.requested_by ?? "the agent"}.`);
  });
  paintClock(item);
  return item;
}

let loading = null;
async function load() {
  loading ??= (async () => {
    try {
      const approvals = await get("/approvals");
      // Keep what a supervisor is typing in an item still waiting.
      const typing = new Map([...list.querySelectorAll(".approval")].map((el) => [el.dataset.messageId, el]));
      clear(list);
      for (const a of approvals) {
        const kept = typing.get(String(a.message_id));
        list.append(kept && kept.contains(document.activeElement) ? kept : approvalItem(a));
      }
      if (!approvals.length) list.append(h("li", { class: "muted", id: "approvals-empty" }, "Nothing awaits approval."));
      byId("approvals-count").textContent = approvals.length ? `(${approvals.length})` : "";
      byId("approvals-error").textContent = "";
    } catch (error) {
      byId("approvals-error").textContent = `The approvals could not be loaded: ${error.message}`;
    } finally {
      loading = null;
    }
  })();
  return loading;
}

connectLivePage({
  events: ["approval.changed"],
  live,
  reload: load,
  onEvent: () => load(),
});

window.setInterval(() => list.querySelectorAll(".approval").forEach(paintClock), 1000);
