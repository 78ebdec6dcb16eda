"""The case state machine: every status change is one checked transition with an event.

new -> queued -> assigned -> (pending <-> assigned) -> resolved -> closed;
escalation is a level beside the status, not a state. See docs/cases.md.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from inbox.models import Case, CaseEvent, User, utcnow
from inbox.realtime.payloads import case_updated_payload
from inbox.realtime.publish import pending_events, publish, publish_access_change
from inbox.realtime.rooms import SUPERVISORS, agent_room, case_room, queue_room
from inbox.services.cases.offer_trigger import request_dispatch
from inbox.services.classifier.labels import label_resolved
from inbox.services.errors import Conflict, Forbidden, IllegalTransition, ValidationFailed
from inbox.services.sla import clocks as sla

OPEN = frozenset({"new", "queued", "assigned", "pending"})

# action -> (statuses it may start from, status it leads to)
TRANSITIONS: dict[str, tuple[frozenset[str], str]] = {
    "enqueue": (frozenset({"new"}), "queued"),
    "claim": (frozenset({"queued"}), "assigned"),
    "assign": (frozenset({"new", "queued", "assigned", "pending"}), "assigned"),
    "release": (frozenset({"assigned", "pending"}), "queued"),
    "transfer": (frozenset({"new", "queued", "assigned", "pending"}), "queued"),
    "set_pending": (frozenset({"assigned"}), "pending"),
    "customer_replied": (frozenset({"pending"}), "assigned"),
    "resolve": (frozenset({"queued", "assigned", "pending"}), "resolved"),
    "reopen": (frozenset({"resolved"}), "queued"),
    "close": (frozenset({"resolved"}), "closed"),
    # Merging (cases/merging.py): the source is done, its work lives on in the target;
    # undoing it puts the source back in the status it had, which the caller gives.
    "merged_into": (frozenset({"new", "queued", "assigned", "pending"}), "resolved"),
    "unmerged": (frozenset({"resolved"}), "queued"),
}


# Transitions after which push mode should look for offers to make.
FREES_OR_QUEUES_WORK = frozenset({"enqueue", "release", "transfer", "set_pending", "resolve",
                                  "reopen", "merged_into", "unmerged"})


def case_rooms(case: Case, *extra: str | None) -> list[str]:
    rooms = [case_room(case.id), SUPERVISORS]
    if case.queue_id is not None:
        rooms.append(queue_room(case.queue_id))
    if case.assignee_id is not None:
        rooms.append(agent_room(case.assignee_id))
    rooms.extend(room for room in extra if room)
    return rooms


_EVENTS_FLUSHED_TOGETHER = "inbox.events_flushed_together"


@contextmanager
def events_flushed_together(session: Session) -> Iterator[None]:
    """Inside, record_event does not flush each event: a batch that changes many cases
    (ingestion) writes them in a few multi-row statements at the end, where a lost race
    still raises, failing the whole batch."""
    session.info[_EVENTS_FLUSHED_TOGETHER] = True
    try:
        yield
        session.flush()
    finally:
        session.info.pop(_EVENTS_FLUSHED_TOGETHER, None)
    # The events were composed before that flush raised the cases' versions.
    for event in pending_events(session):
        if event.name.startswith("case.") and "version" in event.payload:
            case = session.get(Case, event.payload["id"])
            if case is not None:
                event.payload["version"] = case.version


def record_event(
    session: Session,
    case: Case,
    kind: str,
    *,
    actor: User | None = None,
    from_status: str | None = None,
    data: dict[str, Any] | None = None,
    also_notify: Iterable[str | None] = (),
) -> CaseEvent:
    """Append a case event and announce the case's new state (after commit)."""
    # Touching the case forces its versioned UPDATE even when no status changed, so
    # every recorded action is a conditional update that a concurrent one can lose.
    case.updated_at = utcnow()
    event = CaseEvent(
        case_id=case.id,
        kind=kind,
        actor_id=actor.id if actor else None,
        from_status=from_status,
        to_status=case.status,
        data=data or {},
    )
    session.add(event)
    if not session.info.get(_EVENTS_FLUSHED_TOGETHER):
        session.flush()  # the conditional UPDATE runs here: a lost race raises now
    publish(
        session,
        "case.updated",
        case_updated_payload(case, kind, event.actor_id),
        case_rooms(case, *also_notify),
    )
    return event


def transition(
    session: Session,
    case: Case,
    action: str,
    *,
    actor: User | None = None,
    data: dict[str, Any] | None = None,
    also_notify: Iterable[str | None] = (),
    **changes: Any,
) -> CaseEvent:
    """Check `action` is legal from the case's status, apply it and its changes, log it."""
    allowed_from, to_status = TRANSITIONS[action]
    if case.status not in allowed_from:
        raise IllegalTransition(
            f"cannot {action.replace('_', ' ')} a case that is {case.status}",
            current_status=case.status,
            action=action,
            assignee_id=case.assignee_id,
        )
    from_status = case.status
    reach_before = (case.queue_id, case.assignee_id)
    case.status = to_status
    for name, value in changes.items():
        setattr(case, name, value)
    if (case.queue_id, case.assignee_id) != reach_before:
        # Who may see the case changed: sockets that lost it leave its room first.
        publish_access_change(session, cases=[case.id])
    if action in FREES_OR_QUEUES_WORK:
        request_dispatch(session)  # push mode: capacity freed or a case waits again
    return record_event(
        session, case, action, actor=actor, from_status=from_status, data=data,
        also_notify=also_notify,
    )


class CaseClosed(Conflict):
    code = "case_closed"


def check_open_for_replies(case: Case) -> None:
    """A closed case takes no reply: not written now, nor approved after it closed."""
    if case.status == "closed":
        raise CaseClosed("the case is closed; reopen it or start a new one",
                         current_status=case.status)


def check_holder_or_supervisor(case: Case, user: User, doing: str) -> None:
    if case.assignee_id != user.id and not user.is_supervisor:
        raise Forbidden(
            f"only the agent holding the case or a supervisor may {doing} it",
            assignee_id=case.assignee_id,
        )


def do_enqueue(session: Session, case: Case) -> CaseEvent:
    return transition(session, case, "enqueue")


def do_claim(session: Session, case: Case, agent: User) -> CaseEvent:
    if case.status == "assigned" and case.assignee_id is not None:
        raise IllegalTransition(
            "case is already claimed",
            current_status=case.status,
            assignee_id=case.assignee_id,
        )
    return transition(session, case, "claim", actor=agent, assignee_id=agent.id)


def do_assign(session: Session, case: Case, agent: User, *, by: User) -> CaseEvent:
    previous = case.assignee_id
    return transition(
        session, case, "assign", actor=by, assignee_id=agent.id,
        data={"to_agent_id": agent.id, "from_agent_id": previous},
        also_notify=[agent_room(previous) if previous else None],
    )


def _end_pause(case: Case, at: datetime) -> dict[str, Any]:
    """Waiting on the customer is over: the running clocks move on by the pause, whose
    time is kept (it does not count against the SLA). The changes for the transition."""
    paused = at - case.pending_since if case.pending_since is not None else None
    if paused is not None and paused.total_seconds() > 0:
        sla.shift_for_pause(case, paused)
    seconds = max(int(paused.total_seconds()), 0) if paused is not None else 0
    return {"paused_seconds": case.paused_seconds + seconds, "pending_since": None}


def do_release(session: Session, case: Case, user: User) -> CaseEvent:
    """Back to the queue; a holder or a supervisor (forced), also while pending."""
    check_holder_or_supervisor(case, user, "release")
    previous = case.assignee_id
    forced = previous != user.id
    pause = _end_pause(case, utcnow()) if case.status == "pending" else {}
    return transition(
        session, case, "release", actor=user, assignee_id=None,
        data={"forced": forced, "from_agent_id": previous, "was_pending": bool(pause)},
        also_notify=[agent_room(previous) if previous else None], **pause,
    )


def do_transfer_to_queue(session: Session, case: Case, queue_id: int, *, by: User) -> CaseEvent:
    if case.assignee_id not in (None, by.id) and not by.is_supervisor:
        check_holder_or_supervisor(case, by, "transfer")
    old_queue, previous = case.queue_id, case.assignee_id
    return transition(
        session, case, "transfer", actor=by, queue_id=queue_id, assignee_id=None,
        data={"from_queue_id": old_queue, "to_queue_id": queue_id},
        also_notify=[
            queue_room(old_queue) if old_queue else None,
            agent_room(previous) if previous else None,
        ],
    )


def do_transfer_to_queue_automatically(
    session: Session, case: Case, queue_id: int, reason: str
) -> CaseEvent:
    """A rule or the SLA sweep moves the case; whoever held it is told."""
    old_queue, previous = case.queue_id, case.assignee_id
    return transition(
        session, case, "transfer", queue_id=queue_id, assignee_id=None,
        data={"from_queue_id": old_queue, "to_queue_id": queue_id, "reason": reason},
        also_notify=[
            queue_room(old_queue) if old_queue else None,
            agent_room(previous) if previous else None,
        ],
    )


def do_set_pending(session: Session, case: Case, user: User) -> CaseEvent:
    check_holder_or_supervisor(case, user, "set pending")
    return transition(session, case, "set_pending", actor=user, pending_since=utcnow())


def do_customer_replied(session: Session, case: Case, at: datetime) -> CaseEvent:
    """Waiting on the customer is over: the paused time stops counting against the SLA."""
    before = case.paused_seconds
    pause = _end_pause(case, at)
    return transition(session, case, "customer_replied", **pause,
                      data={"paused_seconds": pause["paused_seconds"] - before})


def do_resolve(session: Session, case: Case, user: User | None, disposition: str) -> CaseEvent:
    if user is not None:
        check_holder_or_supervisor(case, user, "resolve")
    if not disposition.strip():
        raise ValidationFailed("a disposition is required", fields={"disposition": "required"})
    now = utcnow()
    sla.case_resolved(case, now)
    label_resolved(session, case, user, disposition)  # the disposition teaches the classifier
    return transition(
        session, case, "resolve", actor=user, resolved_at=now,
        disposition=disposition.strip(), pending_since=None, data={"disposition": disposition},
    )


def do_reopen(session: Session, case: Case, user: User | None, reason: str) -> CaseEvent:
    previous = case.assignee_id
    sla.start_clocks(session, case, utcnow())
    return transition(
        session, case, "reopen", actor=user, assignee_id=None, resolved_at=None,
        data={"reason": reason, "previous_assignee_id": previous},
        also_notify=[agent_room(previous) if previous else None],
    )


def do_close(session: Session, case: Case, user: User | None = None) -> CaseEvent:
    return transition(session, case, "close", actor=user)


def do_escalate(
    session: Session, case: Case, user: User | None, reason: str, *, queue_id: int | None = None
) -> CaseEvent:
    """Raise the escalation level (manual with a reason, or automatic with user None)."""
    if case.status not in OPEN:
        raise IllegalTransition(
            f"cannot escalate a case that is {case.status}", current_status=case.status
        )
    if not reason.strip():
        raise ValidationFailed("a reason is required to escalate", fields={"reason": "required"})
    old_queue = case.queue_id
    case.escalation_level += 1
    changes: dict[str, Any] = {"reason": reason.strip(), "level": case.escalation_level}
    if queue_id is not None and queue_id != case.queue_id:
        changes.update(from_queue_id=old_queue, to_queue_id=queue_id)
        case.queue_id = queue_id
        if case.status in ("assigned", "pending"):
            return transition(
                session, case, "transfer", actor=user, assignee_id=None, data=changes,
                also_notify=[queue_room(old_queue) if old_queue else None],
            )
    return record_event(
        session, case, "escalate", actor=user, from_status=case.status, data=changes,
        also_notify=[queue_room(old_queue) if old_queue else None],
    )


def do_deescalate(session: Session, case: Case, supervisor: User, reason: str) -> CaseEvent:
    if not supervisor.is_supervisor:
        raise Forbidden("only a supervisor may de-escalate a case")
    if case.escalation_level == 0:
        raise IllegalTransition("case is not escalated", current_status=case.status)
    case.escalation_level -= 1
    return record_event(
        session, case, "deescalate", actor=supervisor, from_status=case.status,
        data={"reason": reason, "level": case.escalation_level},
    )


def do_set_priority(session: Session, case: Case, supervisor: User, priority: int) -> CaseEvent:
    """A supervisor re-ranks an open case: it moves in queue order at once. The SLA due
    times its arrival set stand (the customer was promised those)."""
    if not supervisor.is_supervisor:
        raise Forbidden("only a supervisor may change a case's priority")
    if case.status not in OPEN:
        raise IllegalTransition(
            f"cannot change the priority of a case that is {case.status}",
            current_status=case.status)
    previous, case.priority = case.priority, priority
    return record_event(
        session, case, "priority", actor=supervisor, from_status=case.status,
        data={"from_priority": previous, "to_priority": priority},
    )
