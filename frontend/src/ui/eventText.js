// A case event as a sentence: "Claimed by Alice", "Escalated to level 1 by Bob because …".

function moved(data) {
  const count = (data.message_ids ?? []).length;
  return `${count} ${count === 1 ? "message" : "messages"} moved`;
}

export function eventText(store, event) {
  const who = store.userName(event.actor_id);
  const by = event.actor_id ? ` by ${who}` : " automatically";
  const d = event.data ?? {};
  const queue = (id) => store.queueName(id);
  switch (event.kind) {
    case "created": return `Case opened from ${store.channel(d.channel_id)?.name ?? "a channel"}`;
    case "enqueue": return "Queued";
    case "claim": return `Claimed by ${who}`;
    case "assign": return `Assigned to ${store.userName(d.to_agent_id)}${by}`;
    case "release": return d.forced ? `Released from ${store.userName(d.from_agent_id)}${by} (forced)` : `Released${by}`;
    case "set_pending": return `Set to pending (waiting on the customer)${by}`;
    case "customer_replied": return "The customer replied: back to assigned";
    case "resolve": return `Resolved${by}: ${d.disposition ?? ""}`;
    case "reopen": return `Reopened${by}${d.reason ? `: ${d.reason}` : ""}`;
    case "close": return `Closed${by}`;
    case "escalate":
      return `Escalated to level ${d.level}${by} because ${d.reason}${d.to_queue_id ? `, to ${queue(d.to_queue_id)}` : ""}`;
    case "deescalate": return `De-escalated to level ${d.level}${by}${d.reason ? `: ${d.reason}` : ""}`;
    case "transfer":
      if (d.level) return `Escalated to level ${d.level}${by} because ${d.reason}, moved to ${queue(d.to_queue_id)}`;
      return `Transferred from ${queue(d.from_queue_id)} to ${queue(d.to_queue_id)}${by}${d.reason ? ` (${d.reason})` : ""}`;
    case "sla_warning": return `SLA warning: ${String(d.target ?? "").replace("_", " ")} due soon`;
    case "sla_breach": return `SLA breached: ${String(d.target ?? "").replace("_", " ")}`;
    case "reply_awaiting_approval": return `A public reply${by} awaits a supervisor's approval`;
    case "reply_approved": return `Reply approved${by}${d.edited ? " (edited)" : ""}`;
    case "reply_returned": return `Reply sent back${by}: “${d.comment ?? ""}”`;
    case "send_retried": return `A reply that was not sent was sent again${by}`;
    case "merged_into": return `Merged into case #${d.into_case_id}${by} (${moved(d)})`;
    case "merged_from": return `Case #${d.from_case_id} merged in${by} (${moved(d)})`;
    case "unmerged": return `Merge into case #${d.from_case_id} undone${by}: back as it was`;
    case "merge_undone": return `Merge of case #${d.case_id} undone${by}: its messages went back`;
    case "conversation_joined": return `A new conversation of the customer joined this case (within ${d.hours} h)`;
    case "contact_merged": return `Contact #${d.from_contact_id} merged into #${d.into_contact_id}${by}`;
    case "priority": return `Priority changed from P${d.from_priority} to P${d.to_priority}${by}`;
    case "priority_raised": return `Priority raised to P${d.priority}${d.why === "sla_breach" ? " (SLA breach)" : ""}`;
    default: return `${event.kind.replaceAll("_", " ")}${by}`;
  }
}

/** Events the timeline leaves out: the message itself shows that it arrived, went or
 * failed (a failed one also in the banner over the timeline). */
export const QUIET_EVENTS = new Set(["message_received", "agent_replied", "send_failed"]);
