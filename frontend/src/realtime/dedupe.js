// An event can reach a desk twice (an older server emitted once per room; a publish
// retried after a lost connection). Handling is idempotent for state; this keeps notices
// (toasts, desktop notifications) from showing twice.

const KEYS = {
  "case.created": (p) => `${p.id}:${p.version}`,
  "case.updated": (p) => `${p.id}:${p.version}:${p.change}`,
  "message.created": (p) => `${p.id}`,
  "message.updated": (p) => `${p.id}:${p.send_status}:${p.send_error ?? ""}`,
  "sla.warning": (p) => `${p.case_id}:${p.due_at}`,
  "sla.breached": (p) => `${p.case_id}:${p.due_at}`,
  "case.offered": (p) => `${p.offer_id}`,
  "note.mention": (p) => `${p.note_id}`,
};

export class Dedupe {
  constructor(size = 500) {
    this.size = size;
    this.seen = new Set();
  }

  /** True the first time an event is seen (events without a key always pass). */
  first(name, payload) {
    const keyOf = KEYS[name];
    if (!keyOf) return true;
    const key = `${name}|${keyOf(payload)}`;
    if (this.seen.has(key)) return false;
    this.seen.add(key);
    if (this.seen.size > this.size) this.seen.delete(this.seen.values().next().value);
    return true;
  }
}
