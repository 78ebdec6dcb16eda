"""Merging two cases of one customer into one, and undoing it for a few minutes.

The source's messages, notes and conversation threads move to the target (later
messages of those threads then feed the target); the target keeps ONE set of SLA
clocks, the earliest due time of the two for each target (first response, next
response, resolution). A first response counts as met only if both cases had one:
if the source's customer still waits for an answer, the target's first-response
clock runs again from the source's due time. The source is resolved with disposition
"merged" and linked_case_id pointing at the target. Both cases record an event
(merged_into on the source, merged_from on the target) with who merged and what moved;
those events carry what undoing needs. Undo (within settings.merge_undo_minutes) moves
back what is still where the merge put it, reopens the source as it was and restores
the target's clocks unless they changed since. See docs/cases.md.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from inbox.models import Case, CaseEvent, ConversationThread, Message, User, utcnow
from inbox.realtime.rooms import agent_room
from inbox.runtime import current
from inbox.services.access import access_case
from inbox.services.cases import states
from inbox.services.errors import Conflict, IllegalTransition, ValidationFailed
from inbox.services.sending.replies import HeldByOther
from inbox.services.sla import clocks as sla

MERGED = "merged"  # the source's disposition

DUE_FIELDS = ("first_response_due_at", "next_response_due_at", "resolution_due_at")
# What a merge changes on each side, kept in its events so that undo can put it back.
SOURCE_FIELDS = ("status", "assignee_id", "pending_since", *DUE_FIELDS, "sla_due_at",
                 "sla_warn_at", "sla_warned_at", "sla_breached_at", "resolved_at",
                 "disposition", "linked_case_id")
TARGET_FIELDS = (*DUE_FIELDS, "sla_due_at", "sla_warn_at", "sla_warned_at", "sla_breached_at",
                 "first_responded_at", "first_response_seconds", "first_response_met",
                 "next_response_misses", "priority", "tags", "last_message_at")
_TIMES = {"pending_since", *DUE_FIELDS, "sla_due_at", "sla_warn_at", "sla_warned_at",
          "sla_breached_at", "resolved_at", "first_responded_at", "last_message_at"}


class UndoExpired(Conflict):
    code = "undo_expired"


def _snapshot(case: Case, names: tuple[str, ...]) -> dict[str, Any]:
    def plain(name: str) -> Any:
        value = getattr(case, name)
        return value.isoformat() if isinstance(value, datetime) else value
    return {name: plain(name) for name in names}


def _value(name: str, stored: Any) -> Any:
    return datetime.fromisoformat(stored) if name in _TIMES and stored is not None else stored


def _earliest(*times: datetime | None) -> datetime | None:
    known = [t for t in times if t is not None]
    return min(known) if known else None


def _both_met(a: bool | None, b: bool | None) -> bool | None:
    """A target met stays met only if the other case met it too."""
    if a is False or b is False:
        return False
    return True if (a or b) else None


def _lock_pair(session: Session, user: User, first_id: int, second_id: int
               ) -> tuple[Case, Case]:
    """Both cases, locked in id order (two merges never wait on each other crosswise)."""
    locked = {case_id: access_case(session, user, case_id, for_update=True)
              for case_id in sorted((first_id, second_id))}
    return locked[first_id], locked[second_id]


def _check_may_change(case: Case, user: User) -> None:
    if case.assignee_id not in (None, user.id) and not user.is_supervisor:
        raise HeldByOther(f"another agent holds case {case.id}", case_id=case.id,
                          assignee_id=case.assignee_id)


def check_merge(session: Session, user: User, source_id: int, into_case_id: int
                ) -> tuple[Case, Case]:
    """Every reason to refuse the merge, before anything changes; the two cases, locked."""
    if source_id == into_case_id:
        raise ValidationFailed("a case cannot be merged into itself",
                               fields={"into_case_id": "the same case"})
    source, target = _lock_pair(session, user, source_id, into_case_id)
    for case in (source, target):
        if case.status not in states.OPEN:
            raise IllegalTransition(f"case {case.id} is {case.status}: only open cases merge",
                                    case_id=case.id, current_status=case.status)
        _check_may_change(case, user)
    if source.contact_id is None or source.contact_id != target.contact_id:
        raise ValidationFailed(
            "only cases of the same customer merge",
            fields={"contact_id": f"case {source.id} is contact {source.contact_id}'s, "
                                  f"case {target.id} is contact {target.contact_id}'s"})
    return source, target


def _combine_clocks(source: Case, target: Case) -> None:
    """One SLA clock on the target: the earliest due time of each running target."""
    if source.sla_due_at is not None and (target.sla_due_at is None
                                          or source.sla_due_at < target.sla_due_at):
        # The source's clock is the nearer one: its warning state comes along.
        target.sla_warn_at, target.sla_warned_at = source.sla_warn_at, source.sla_warned_at
        target.sla_breached_at = source.sla_breached_at
    if target.first_responded_at is not None and source.first_responded_at is None:
        # The source's customer is still waiting for a first answer.
        target.first_responded_at = target.first_response_seconds = None
        target.first_response_met = None
        target.first_response_due_at = source.first_response_due_at
    elif target.first_responded_at is None or source.first_responded_at is None:
        running = [c.first_response_due_at for c in (source, target)
                   if c.first_responded_at is None]
        target.first_response_due_at = _earliest(*running)
    else:
        target.first_response_met = _both_met(target.first_response_met,
                                              source.first_response_met)
    target.next_response_due_at = _earliest(target.next_response_due_at,
                                            source.next_response_due_at)
    target.resolution_due_at = _earliest(target.resolution_due_at, source.resolution_due_at)
    target.next_response_misses += source.next_response_misses
    target.sla_due_at = _earliest(target.sla_due_at, source.sla_due_at)
    sla.refresh_sla_due(target)


def do_merge(session: Session, user: User, source: Case, target: Case) -> CaseEvent:
    """Move the source's work into the target (both checked and locked by check_merge)."""
    message_ids = list(session.scalars(select(Message.id).where(Message.case_id == source.id)
                                       .order_by(Message.id)))
    note_ids = list(session.scalars(select(CaseEvent.id).where(
        CaseEvent.case_id == source.id, CaseEvent.kind == "note").order_by(CaseEvent.id)))
    thread_ids = list(session.scalars(select(ConversationThread.id).where(
        ConversationThread.case_id == source.id).order_by(ConversationThread.id)))
    session.execute(update(Message).where(Message.id.in_(message_ids))
                    .values(case_id=target.id), execution_options={"synchronize_session": False})
    session.execute(update(CaseEvent).where(CaseEvent.id.in_(note_ids))
                    .values(case_id=target.id), execution_options={"synchronize_session": False})
    session.execute(update(ConversationThread).where(ConversationThread.id.in_(thread_ids))
                    .values(case_id=target.id), execution_options={"synchronize_session": False})
    source_before = _snapshot(source, SOURCE_FIELDS)
    target_before = _snapshot(target, TARGET_FIELDS)
    _combine_clocks(source, target)
    target.priority = min(target.priority, source.priority)
    target.tags = sorted(set(target.tags or []) | set(source.tags or []))
    if source.last_message_at is not None and (
            target.last_message_at is None or source.last_message_at > target.last_message_at):
        target.last_message_at = source.last_message_at
    moved = {"message_ids": message_ids, "note_ids": note_ids, "thread_ids": thread_ids}
    previous_holder = source.assignee_id
    states.transition(
        session, source, "merged_into", actor=user, assignee_id=None, resolved_at=utcnow(),
        disposition=MERGED, linked_case_id=target.id, pending_since=None,
        first_response_due_at=None, next_response_due_at=None, resolution_due_at=None,
        sla_due_at=None, sla_warn_at=None, sla_warned_at=None, sla_breached_at=None,
        data={"into_case_id": target.id, **moved, "before": source_before},
        also_notify=[agent_room(previous_holder) if previous_holder else None])
    return states.record_event(
        session, target, "merged_from", actor=user, from_status=target.status,
        data={"from_case_id": source.id, **moved, "before": target_before,
              "after": _snapshot(target, TARGET_FIELDS)})


def merge(session: Session, user: User, source_id: int, into_case_id: int) -> Case:
    """POST /cases/<source>/merge: the target, as it now is."""
    source, target = check_merge(session, user, source_id, into_case_id)
    do_merge(session, user, source, target)
    return target


def _merge_event(session: Session, case: Case, kind: str, other_key: str, other_id: int
                 ) -> CaseEvent | None:
    """The latest `kind` event of `case` naming the other case (a case merges rarely)."""
    for event in session.scalars(select(CaseEvent).where(
            CaseEvent.case_id == case.id, CaseEvent.kind == kind).order_by(CaseEvent.id.desc())):
        if (event.data or {}).get(other_key) == other_id:
            return event
    return None


def undo_window() -> timedelta:
    return timedelta(minutes=current().settings.merge_undo_minutes)


def unmerge(session: Session, user: User, source_id: int) -> Case:
    """POST /cases/<source>/unmerge: the source back as it was, within the undo window."""
    source = access_case(session, user, source_id)
    if source.status != "resolved" or source.disposition != MERGED or not source.linked_case_id:
        raise IllegalTransition(f"case {source.id} is not merged into another case",
                                current_status=source.status)
    source, target = _lock_pair(session, user, source_id, source.linked_case_id)
    merged_into = _merge_event(session, source, "merged_into", "into_case_id", target.id)
    merged_from = _merge_event(session, target, "merged_from", "from_case_id", source.id)
    if merged_into is None or merged_from is None:
        raise IllegalTransition(f"case {source.id} was not merged here", case_id=source.id)
    window = undo_window()
    if utcnow() - merged_into.created_at > window:
        raise UndoExpired(f"a merge can be undone for {int(window.total_seconds() // 60)} "
                          "minutes; this one is older", merged_at=merged_into.created_at)
    if target.status not in states.OPEN:
        # Its work may have moved on (merged again, resolved): reopen it first.
        raise IllegalTransition(f"case {target.id} is {target.status} now: the merge into it "
                                "cannot be undone", case_id=target.id,
                                current_status=target.status)
    if merged_into.actor_id != user.id:
        _check_may_change(target, user)
    data = merged_into.data
    for model, key in ((Message, "message_ids"), (ConversationThread, "thread_ids")):
        session.execute(update(model).where(model.id.in_(data.get(key, [])),
                                            model.case_id == target.id)
                        .values(case_id=source.id),
                        execution_options={"synchronize_session": False})
    session.execute(update(CaseEvent).where(CaseEvent.id.in_(data.get("note_ids", [])),
                                            CaseEvent.case_id == target.id)
                    .values(case_id=source.id), execution_options={"synchronize_session": False})
    after = merged_from.data.get("after", {})
    for name, stored in merged_from.data.get("before", {}).items():
        # What changed on the target since the merge (a reply, a new message) stays.
        if _snapshot(target, (name,))[name] == after.get(name):
            setattr(target, name, _value(name, stored))
    before = {name: _value(name, stored) for name, stored in data.get("before", {}).items()}
    moved = {key: data.get(key, []) for key in ("message_ids", "note_ids", "thread_ids")}
    states.transition(session, source, "unmerged", actor=user, data={
        "from_case_id": target.id, **moved}, **before)
    states.record_event(session, target, "merge_undone", actor=user, from_status=target.status,
                        data={"case_id": source.id, **moved})
    return source
