"""SLA clocks: first response, next response and resolution due times on a calendar.

Due times are stored and indexed; so is the moment the nearest target reaches its
warning share (policy.warn_ratio, default 75 %), so the sweep is two index scans.
Waiting on the customer (pending) does not count: when the case leaves pending, the
running due times move back by the paused time. Editing a policy recomputes the due
times of its open cases from when each clock started (docs/routing-and-sla.md).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from inbox.models import OPEN_STATUSES, Case, SlaPolicy
from inbox.services.sla.business_hours import add_business_seconds

TARGETS = ("first_response", "next_response", "resolution")


def policy_targets(policy: SlaPolicy, priority: int) -> dict[str, int]:
    by_priority = policy.targets or {}
    chosen = by_priority.get(str(priority)) or by_priority.get("default") or {}
    return {k: int(v) for k, v in chosen.items() if k in TARGETS and v}


def _policy(session: Session, case: Case) -> SlaPolicy | None:
    return session.get(SlaPolicy, case.sla_policy_id) if case.sla_policy_id else None


def _due(policy: SlaPolicy, start: datetime, seconds: int) -> datetime:
    return add_business_seconds(policy.calendar, start, seconds)


def refresh_sla_due(case: Case, policy: SlaPolicy | None = None,
                    warn_from: dict[str, datetime] | None = None) -> None:
    """sla_due_at is the nearest running target; sla_warn_at its warning moment."""
    candidates = {
        "first_response": case.first_response_due_at if case.first_responded_at is None
        else None,
        "next_response": case.next_response_due_at,
        "resolution": case.resolution_due_at,
    }
    running: dict[str, datetime] = {k: v for k, v in candidates.items() if v is not None}
    if not running:
        case.sla_due_at = case.sla_warn_at = None
        return
    target, due = min(running.items(), key=lambda item: item[1])
    previous_due = case.sla_due_at
    case.sla_due_at = due
    if policy is not None and warn_from and target in warn_from:
        ratio = max(0.0, min(1.0, float(policy.warn_ratio or 0.75)))
        start = warn_from[target]
        span = (due - start).total_seconds()
        case.sla_warn_at = start + timedelta(seconds=span * ratio)
    elif previous_due is not None and case.sla_warn_at is not None and due != previous_due:
        case.sla_warn_at = case.sla_warn_at + (due - previous_due)
    if case.sla_breached_at is not None and due > case.sla_breached_at:
        case.sla_breached_at = None  # a new clock is running: it may breach again


def start_clocks(session: Session, case: Case, at: datetime) -> None:
    """First response and resolution clocks for a new (or reopened) case."""
    policy = _policy(session, case)
    case.first_response_due_at = case.resolution_due_at = case.next_response_due_at = None
    case.sla_warned_at = case.sla_breached_at = None
    if policy is None:
        refresh_sla_due(case)
        return
    targets = policy_targets(policy, case.priority)
    if "first_response" in targets and case.first_responded_at is None:
        case.first_response_due_at = _due(policy, at, targets["first_response"])
    if "resolution" in targets:
        case.resolution_due_at = _due(policy, at, targets["resolution"])
    refresh_sla_due(case, policy, {t: at for t in TARGETS})


def customer_message_arrived(session: Session, case: Case, at: datetime) -> None:
    """After each customer message, once answered, the next-response clock runs."""
    if case.first_responded_at is None or case.next_response_due_at is not None:
        return
    policy = _policy(session, case)
    if policy is None:
        return
    targets = policy_targets(policy, case.priority)
    if "next_response" in targets:
        case.next_response_due_at = _due(policy, at, targets["next_response"])
        case.sla_warned_at = None
        refresh_sla_due(case, policy, {"next_response": at})


def agent_responded(session: Session, case: Case, at: datetime) -> None:
    """An agent's public or private reply stops the first/next response clocks."""
    if case.first_responded_at is None:
        case.first_responded_at = at
        case.first_response_seconds = int((at - case.created_at).total_seconds())
        if case.first_response_due_at is not None:
            case.first_response_met = at <= case.first_response_due_at
    if case.next_response_due_at is not None:
        if at > case.next_response_due_at:
            case.next_response_misses += 1
        case.next_response_due_at = None
    case.sla_warned_at = None
    refresh_sla_due(case)


def case_resolved(case: Case, at: datetime) -> None:
    if case.resolution_due_at is not None:
        case.resolution_met = at <= case.resolution_due_at
    case.first_response_due_at = case.next_response_due_at = case.resolution_due_at = None
    refresh_sla_due(case)


def shift_for_pause(case: Case, paused: timedelta) -> None:
    """Time spent waiting on the customer does not count: push running clocks back
    (the warning moment follows sla_due_at in refresh_sla_due)."""
    for name in ("first_response_due_at", "next_response_due_at", "resolution_due_at"):
        due = getattr(case, name)
        if due is not None:
            setattr(case, name, due + paused)
    refresh_sla_due(case)


def recompute_open_cases(session: Session, policy: SlaPolicy) -> int:
    """After a policy edit: due times from when each clock started, plus paused time."""
    count = 0
    for case in session.scalars(select(Case).where(
            Case.sla_policy_id == policy.id, Case.status.in_(OPEN_STATUSES))):
        targets = policy_targets(policy, case.priority)
        paused_extra = timedelta(seconds=case.paused_seconds or 0)
        start = case.created_at
        case.first_response_due_at = (
            _due(policy, start, targets["first_response"]) + paused_extra
            if "first_response" in targets and case.first_responded_at is None else None)
        case.resolution_due_at = (_due(policy, start, targets["resolution"]) + paused_extra
                                  if "resolution" in targets else None)
        if case.next_response_due_at is not None and case.last_message_at is not None:
            case.next_response_due_at = (
                _due(policy, case.last_message_at, targets["next_response"])
                if "next_response" in targets else None)
        case.sla_warned_at = None
        refresh_sla_due(case, policy, {"first_response": start, "resolution": start,
                                       "next_response": case.last_message_at or start})
        count += 1
    return count
