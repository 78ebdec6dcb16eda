"""Routing a new case: stored rules decide queue, priority, tags, skills and SLA policy."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from inbox.models import BusinessCalendar, Queue, RoutingRule
from inbox.services.routing.crisis_step import ActiveCrisis, apply_crises, load_active_crises
from inbox.services.routing.engine import RoutingDecision, RoutingFacts, RuleView, evaluate
from inbox.services.sla.business_hours import is_open

# Where a case goes when no rule names a queue: by channel kind, then any queue.
FALLBACK_QUEUE_BY_KIND = {
    "email": "Email",
    "voice": "Callbacks",
    "facebook": "Social care",
    "instagram": "Social care",
    "x": "Social care",
    "generic": "Social care",
}


@dataclass
class RoutingTable:
    """Rules and queues as stored when read (a worker keeps one for many batches:
    docs/ingestion.md)."""

    rules: list[RuleView]
    queue_ids_by_name: dict[str, int]
    queue_policies: dict[int, int | None]
    first_queue_id: int | None
    queue_ids: set[int] = field(default_factory=set)
    # The workspace's support hours (its first calendar), for the business_hours condition.
    calendar: BusinessCalendar | None = None
    # Crisis alerts active now: their actions apply to new matching cases.
    crises: list[ActiveCrisis] = field(default_factory=list)


def load_routing_table(session: Session) -> RoutingTable:
    rules = [
        RuleView(r.id, r.enabled, dict(r.conditions or {}), list(r.actions or []),
                 r.stop_processing)
        for r in session.scalars(
            select(RoutingRule).where(RoutingRule.enabled.is_(True))
            .order_by(RoutingRule.position, RoutingRule.id)
        )
    ]
    queues = session.execute(select(Queue.id, Queue.name, Queue.sla_policy_id)
                             .order_by(Queue.id)).all()
    return RoutingTable(
        rules=rules,
        queue_ids_by_name={name.lower(): qid for qid, name, _ in queues},
        queue_policies={qid: policy for qid, _, policy in queues},
        first_queue_id=queues[0][0] if queues else None,
        queue_ids={qid for qid, _, _ in queues},
        calendar=_unbound(session.scalar(select(BusinessCalendar).order_by(BusinessCalendar.id)
                                         .limit(1))),
        crises=load_active_crises(session),
    )


def _unbound(calendar: BusinessCalendar | None) -> BusinessCalendar | None:
    """A copy belonging to no session: a table outlives the session that read it (a
    worker keeps it for many batches), and a rollback there must not expire it."""
    if calendar is None:
        return None
    return BusinessCalendar(id=calendar.id, name=calendar.name, timezone=calendar.timezone,
                            weekly_hours=dict(calendar.weekly_hours or {}),
                            holidays=list(calendar.holidays or []))


def in_business_hours(table: RoutingTable, at: datetime) -> bool:
    return is_open(table.calendar, at)


def decide(table: RoutingTable, facts: RoutingFacts) -> RoutingDecision:
    return apply_crises(table.crises, facts, evaluate(table.rules, facts))


def resolve_queue(table: RoutingTable, decision: RoutingDecision, channel_kind: str) -> int | None:
    if decision.queue_id is not None and decision.queue_id in table.queue_ids:
        return decision.queue_id
    if decision.queue_name:
        named = table.queue_ids_by_name.get(decision.queue_name.lower())
        if named is not None:
            return named
    fallback = FALLBACK_QUEUE_BY_KIND.get(channel_kind, "")
    return table.queue_ids_by_name.get(fallback.lower(), table.first_queue_id)
