"""The SLA sweep (run by `inbox cron` every few seconds): warnings and breach actions.

Idempotent and safe to run twice at once: cases are taken with FOR UPDATE SKIP
LOCKED on PostgreSQL (SQLite serializes writers), each case update is conditional
on its version, and a case is warned or breached only while its marker is unset.
"""

from __future__ import annotations

import logging
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from inbox.models import OPEN_STATUSES, Case, Queue, SlaPolicy, utcnow
from inbox.realtime.publish import publish
from inbox.realtime.rooms import SUPERVISORS, agent_room, queue_room
from inbox.runtime import unit_of_work
from inbox.services.cases import states as case_states
from inbox.services.dbutil import for_update

log = logging.getLogger(__name__)

BATCH = 200


def _target_name(case: Case) -> str:
    due = case.sla_due_at
    for name, value in (("first_response", case.first_response_due_at),
                        ("next_response", case.next_response_due_at),
                        ("resolution", case.resolution_due_at)):
        if value is not None and value == due:
            return name
    return "resolution"


def _alert(session: Session, case: Case, event: str) -> None:
    assert case.sla_due_at is not None
    rooms = [SUPERVISORS]
    if case.queue_id:
        rooms.append(queue_room(case.queue_id))
    if case.assignee_id:
        rooms.append(agent_room(case.assignee_id))
    publish(session, event, {"case_id": case.id, "target": _target_name(case),
                             "due_at": case.sla_due_at.isoformat(), "queue_id": case.queue_id},
            rooms)


def _due_cases(session: Session, marker: Any, moment: Any) -> list[Case]:
    now = utcnow()
    stmt = (select(Case).where(Case.status.in_(OPEN_STATUSES), marker.is_(None), moment <= now)
            .order_by(moment).limit(BATCH))
    return list(session.scalars(for_update(session, stmt, skip_locked=True)))


def _apply_breach_actions(session: Session, case: Case, target: str) -> None:
    policy = session.get(SlaPolicy, case.sla_policy_id) if case.sla_policy_id else None
    actions = list(policy.breach_actions or []) if policy else [{"action": "notify"}]
    for action in actions:
        kind = action.get("action") if isinstance(action, dict) else None
        if kind == "escalate":
            case_states.do_escalate(session, case, None, f"SLA breached: {target}")
        elif kind == "raise_priority" and case.priority > 1:
            case.priority -= 1
            case_states.record_event(session, case, "priority_raised", from_status=case.status,
                                     data={"priority": case.priority, "why": "sla_breach"})
        elif (kind == "move_queue" and isinstance(action.get("queue_id"), int)
              and session.get(Queue, action["queue_id"]) is not None):
            case_states.do_transfer_to_queue_automatically(
                session, case, int(action["queue_id"]), f"SLA breached: {target}")


def sweep() -> int:
    """Warn and breach what is due; returns how many cases changed."""
    changed = 0
    with unit_of_work() as session:
        for case in _due_cases(session, Case.sla_warned_at, Case.sla_warn_at):
            case.sla_warned_at = utcnow()
            case_states.record_event(session, case, "sla_warning", from_status=case.status,
                                     data={"target": _target_name(case)})
            _alert(session, case, "sla.warning")
            changed += 1
    with unit_of_work() as session:
        for case in _due_cases(session, Case.sla_breached_at, Case.sla_due_at):
            target = _target_name(case)
            case.sla_breached_at = utcnow()
            case.sla_warned_at = case.sla_warned_at or case.sla_breached_at
            case_states.record_event(session, case, "sla_breach", from_status=case.status,
                                     data={"target": target})
            _apply_breach_actions(session, case, target)
            _alert(session, case, "sla.breached")
            changed += 1
    if changed:
        log.info("SLA sweep changed %d cases", changed)
    return changed
