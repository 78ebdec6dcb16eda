"""SLA clocks: due times from a policy's targets (see docs/routing-and-sla.md)."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from inbox.models import Case, SlaPolicy


def _targets(policy: SlaPolicy, priority: int) -> dict[str, int]:
    by_priority = policy.targets or {}
    chosen = by_priority.get(str(priority)) or by_priority.get("default") or {}
    return {k: int(v) for k, v in chosen.items() if v}


def add_target(policy: SlaPolicy, start: datetime, seconds: int) -> datetime:
    from inbox.services.business_hours import add_business_seconds

    return add_business_seconds(policy.calendar, start, seconds)


def refresh_sla_due(case: Case) -> None:
    """The nearest running target is what queue order and the sweep look at."""
    running = [
        due for due in (
            case.first_response_due_at if case.first_responded_at is None else None,
            case.next_response_due_at,
            case.resolution_due_at,
        ) if due is not None
    ]
    case.sla_due_at = min(running) if running else None


def start_clocks(session: Session, case: Case, at: datetime) -> None:
    """First response and resolution clocks for a new (or reopened) case."""
    policy = session.get(SlaPolicy, case.sla_policy_id) if case.sla_policy_id else None
    if policy is None:
        case.first_response_due_at = case.resolution_due_at = case.next_response_due_at = None
        refresh_sla_due(case)
        return
    targets = _targets(policy, case.priority)
    case.first_response_due_at = (
        add_target(policy, at, targets["first_response"])
        if "first_response" in targets and case.first_responded_at is None else None
    )
    case.resolution_due_at = (
        add_target(policy, at, targets["resolution"]) if "resolution" in targets else None
    )
    case.next_response_due_at = None
    case.sla_warned_at = case.sla_breached_at = None
    refresh_sla_due(case)


def customer_message_arrived(session: Session, case: Case, at: datetime) -> None:
    """After each customer message the next-response clock runs (once answered first)."""
    if case.first_responded_at is None or case.next_response_due_at is not None:
        return
    policy = session.get(SlaPolicy, case.sla_policy_id) if case.sla_policy_id else None
    if policy is None:
        return
    targets = _targets(policy, case.priority)
    if "next_response" in targets:
        case.next_response_due_at = add_target(policy, at, targets["next_response"])
        refresh_sla_due(case)


def shift_for_pause(case: Case, paused: timedelta) -> None:
    """Time spent waiting on the customer does not count: push running clocks back."""
    for name in ("first_response_due_at", "next_response_due_at", "resolution_due_at"):
        due = getattr(case, name)
        if due is not None:
            setattr(case, name, due + paused)
    refresh_sla_due(case)
