"""Queues, SLA policies, business-hours calendars and routing rules (rules are data)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Column, ForeignKey, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from inbox.models.base import Base, utcnow
from inbox.models.people import Team

queue_teams = Table(
    "queue_teams",
    Base.metadata,
    Column("queue_id", ForeignKey("queues.id", ondelete="CASCADE"), primary_key=True),
    Column("team_id", ForeignKey("teams.id", ondelete="CASCADE"), primary_key=True),
)


class BusinessCalendar(Base):
    __tablename__ = "business_calendars"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    timezone: Mapped[str] = mapped_column(String(64), default="UTC")
    # {"mon": [["09:00", "17:00"]], ...}; an empty mapping means 24x7.
    weekly_hours: Mapped[dict[str, Any]] = mapped_column(default=dict)
    holidays: Mapped[list[Any]] = mapped_column(default=list)  # ["2026-12-25", ...]


class SlaPolicy(Base):
    __tablename__ = "sla_policies"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    calendar_id: Mapped[int | None] = mapped_column(ForeignKey("business_calendars.id"))
    # Seconds per priority: {"1": {"first_response": 900, "next_response": 1800,
    # "resolution": 14400}, ...}
    targets: Mapped[dict[str, Any]] = mapped_column(default=dict)
    warn_ratio: Mapped[float] = mapped_column(default=0.75)
    # [{"action": "escalate"}, {"action": "raise_priority"}, {"action": "notify"}, ...]
    breach_actions: Mapped[list[Any]] = mapped_column(default=list)

    calendar: Mapped[BusinessCalendar | None] = relationship(lazy="joined")


class Queue(Base):
    __tablename__ = "queues"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    description: Mapped[str] = mapped_column(Text, default="")
    mode: Mapped[str] = mapped_column(String(10), default="pull")  # pull | push
    offer_timeout_seconds: Mapped[int] = mapped_column(default=30)
    sla_policy_id: Mapped[int | None] = mapped_column(ForeignKey("sla_policies.id"))
    # Four eyes: agents' public replies in this queue wait for a supervisor's approval,
    # who has approval_minutes to decide (docs/sending.md).
    approve_public_replies: Mapped[bool] = mapped_column(default=False)
    approval_minutes: Mapped[int] = mapped_column(default=15)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    teams: Mapped[list[Team]] = relationship(secondary=queue_teams, lazy="selectin")
    sla_policy: Mapped[SlaPolicy | None] = relationship(lazy="joined")


class RoutingRule(Base):
    __tablename__ = "routing_rules"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    position: Mapped[int] = mapped_column(default=0, index=True)
    enabled: Mapped[bool] = mapped_column(default=True)
    # Conditions tree: {"all": [...]} | {"any": [...]} | {"not": {...}} | a leaf condition.
    conditions: Mapped[dict[str, Any]] = mapped_column(default=dict)
    actions: Mapped[list[Any]] = mapped_column(default=list)
    stop_processing: Mapped[bool] = mapped_column(default=True)
    version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class RoutingRuleRevision(Base):
    """Change history of a rule: its whole content after each change."""

    __tablename__ = "routing_rule_revisions"
    id: Mapped[int] = mapped_column(primary_key=True)
    rule_id: Mapped[int] = mapped_column(ForeignKey("routing_rules.id", ondelete="CASCADE"))
    version: Mapped[int]
    changed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    snapshot: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class WatchTerm(Base):
    """Listening: a brand term or hashtag the workspace watches for."""

    __tablename__ = "watch_terms"
    id: Mapped[int] = mapped_column(primary_key=True)
    term: Mapped[str] = mapped_column(String(200), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
