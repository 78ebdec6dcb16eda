"""Routing's crisis step: while a crisis alert is active, new matching cases get its
actions (priority raised, routed to the crisis queue, tagged "crisis")."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from inbox.models import CrisisAlert
from inbox.services.routing.engine import RoutingDecision, RoutingFacts


@dataclass(frozen=True)
class ActiveCrisis:
    alert_id: int
    subject_kind: str  # term | channel | negative_burst
    subject: str
    actions: dict[str, Any]

    def matches(self, text: str, channel_id: int, sentiment: float, influence: int) -> bool:
        if self.subject_kind == "term":
            return self.subject.lower() in text.lower()
        if self.subject_kind == "channel":
            return str(channel_id) == self.subject
        return (sentiment <= float(self.actions.get("burst_sentiment", -0.4))
                and influence >= int(self.actions.get("burst_influence", 60)))


def load_active_crises(session: Session) -> list[ActiveCrisis]:
    return [ActiveCrisis(a.id, a.subject_kind, a.subject, dict(a.actions or {}))
            for a in session.scalars(select(CrisisAlert).where(CrisisAlert.cleared_at.is_(None))
                                     .order_by(CrisisAlert.id))]


def apply_crises(crises: list[ActiveCrisis], facts: RoutingFacts,
                 decision: RoutingDecision) -> RoutingDecision:
    """Every active alert the message matches raises the priority (never lowers it) and
    routes to its queue (the newest alert's queue wins)."""
    for crisis in crises:
        if not crisis.matches(facts.text, facts.channel_id, facts.sentiment, facts.influence):
            continue
        priority = crisis.actions.get("priority")
        if priority:
            decision.priority = min(decision.priority or 3, int(priority))
        if crisis.actions.get("queue_id"):
            decision.queue_id, decision.queue_name = int(crisis.actions["queue_id"]), None
        if "crisis" not in decision.tags:
            decision.tags.append("crisis")
    return decision
