"""Cases (the unit of work), their messages and their append-only event history."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from inbox.models.base import Base, utcnow

CASE_STATUSES = ("new", "queued", "assigned", "pending", "resolved", "closed")
OPEN_STATUSES = ("new", "queued", "assigned", "pending")
OPEN_CASE_CONDITION = text("status IN ('new', 'queued', 'assigned', 'pending')")


class Case(Base):
    __tablename__ = "cases"
    __table_args__ = (
        # Queue order: priority, then SLA due time, then age.
        Index("ix_cases_queue_order", "queue_id", "status", "priority", "sla_due_at", "id"),
        # The desk's list of a queue's open cases, already in queue order: its first page
        # is the index's first rows, whatever the backlog (no sort of every open case).
        Index("ix_cases_open_queue_order", "queue_id", "priority", "sla_due_at", "id",
              postgresql_where=OPEN_CASE_CONDITION).ddl_if(dialect="postgresql"),
        # SQLite's indexes sort NULLs first: the "none last" of queue order is an
        # expression there (see queues.soonest_first_none_last).
        Index("ix_cases_open_queue_order_sqlite", "queue_id", "priority",
              text("sla_due_at IS NULL"), "sla_due_at", "id",
              sqlite_where=OPEN_CASE_CONDITION).ddl_if(dialect="sqlite"),
        Index("ix_cases_assignee_status", "assignee_id", "status"),
        Index("ix_cases_sla_due", "status", "sla_due_at"),
        Index("ix_cases_sla_warn", "status", "sla_warn_at"),
        Index("ix_cases_thread", "channel_id", "thread_key"),
        # Reports and the wallboard find cases by the moment a figure counts them.
        Index("ix_cases_first_responded_at", "first_responded_at"),
        Index("ix_cases_resolved_at", "resolved_at"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    queue_id: Mapped[int | None] = mapped_column(ForeignKey("queues.id"))
    contact_id: Mapped[int | None] = mapped_column(ForeignKey("contacts.id"), index=True)
    channel_id: Mapped[int | None] = mapped_column(ForeignKey("channels.id"))
    thread_key: Mapped[str | None] = mapped_column(String(255))
    subject: Mapped[str] = mapped_column(String(500), default="")
    status: Mapped[str] = mapped_column(String(20), default="new")
    priority: Mapped[int] = mapped_column(default=3)  # 1 (P1, most urgent) .. 4
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    escalation_level: Mapped[int] = mapped_column(default=0)
    tags: Mapped[list[Any]] = mapped_column(default=list)
    required_skills: Mapped[list[Any]] = mapped_column(default=list)
    sla_policy_id: Mapped[int | None] = mapped_column(ForeignKey("sla_policies.id"))
    first_response_due_at: Mapped[datetime | None]
    next_response_due_at: Mapped[datetime | None]
    resolution_due_at: Mapped[datetime | None]
    sla_due_at: Mapped[datetime | None]  # the nearest of the running targets
    sla_warn_at: Mapped[datetime | None]  # when the nearest target reaches its warning share
    sla_warned_at: Mapped[datetime | None]
    sla_breached_at: Mapped[datetime | None]
    first_responded_at: Mapped[datetime | None]
    # Targets met, recorded when the clock stops (None while it runs or without a policy).
    first_response_seconds: Mapped[int | None]
    first_response_met: Mapped[bool | None]
    resolution_met: Mapped[bool | None]
    next_response_misses: Mapped[int] = mapped_column(default=0)
    pending_since: Mapped[datetime | None]
    paused_seconds: Mapped[int] = mapped_column(default=0)
    monitor_only: Mapped[bool] = mapped_column(default=False)
    resolved_at: Mapped[datetime | None]
    disposition: Mapped[str | None] = mapped_column(String(80))
    linked_case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"))
    last_message_at: Mapped[datetime | None]
    # Optimistic checks: every change bumps it; clients may send the one they saw.
    version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    events: Mapped[list[CaseEvent]] = relationship(
        back_populates="case", order_by="CaseEvent.id", lazy="raise_on_sql"
    )

    # Every UPDATE of a case is conditional on the version it read: of two agents
    # changing one case at once, exactly one wins and the other gets a conflict.
    __mapper_args__ = {"version_id_col": version}


class CaseEvent(Base):
    """Append-only audit of a case: every transition and every action."""

    __tablename__ = "case_events"
    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(40))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    from_status: Mapped[str | None] = mapped_column(String(20))
    to_status: Mapped[str | None] = mapped_column(String(20))
    data: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    case: Mapped[Case] = relationship(back_populates="events")


class Message(Base):
    """One normalized item: a post, comment, DM, email, review, call or voicemail."""

    __tablename__ = "messages"
    __table_args__ = (
        UniqueConstraint("channel_id", "external_id"),
        Index("ix_messages_case_sent", "case_id", "sent_at"),
        # The supervisors' list of replies awaiting approval, and the outbound sweep.
        Index("ix_messages_send_status", "send_status"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    channel_id: Mapped[int] = mapped_column(ForeignKey("channels.id"))
    external_id: Mapped[str] = mapped_column(String(255))
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id", ondelete="SET NULL"))
    contact_id: Mapped[int | None] = mapped_column(ForeignKey("contacts.id"), index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))  # agent, outbound
    delivery_id: Mapped[int | None] = mapped_column(ForeignKey("deliveries.id"))
    direction: Mapped[str] = mapped_column(String(3))  # in | out
    visibility: Mapped[str] = mapped_column(String(10))  # public | private
    kind: Mapped[str] = mapped_column(String(20))  # post, comment, dm, email, review, call, ...
    text: Mapped[str] = mapped_column(Text, default="")
    html: Mapped[str | None] = mapped_column(Text)
    subject: Mapped[str | None] = mapped_column(String(500))
    url: Mapped[str | None] = mapped_column(String(1000))
    parent_external_id: Mapped[str | None] = mapped_column(String(255))
    thread_key: Mapped[str | None] = mapped_column(String(255))
    sent_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Enrichment: sentiment, language, hashtags, mentions, intent, influence at the time.
    sentiment: Mapped[float | None]
    language: Mapped[str | None] = mapped_column(String(12))
    intent: Mapped[str | None] = mapped_column(String(20))
    facts: Mapped[dict[str, Any]] = mapped_column(default=dict)
    # Listening: a neutral or positive mention not addressed to us, kept without a case.
    monitored: Mapped[bool] = mapped_column(default=False, index=True)
    # Outbound only: pending -> sending -> sent | failed; a public reply that needs a
    # supervisor's approval starts awaiting_approval (-> pending, or returned to the agent).
    send_status: Mapped[str | None] = mapped_column(String(20))
    send_error: Mapped[str | None] = mapped_column(Text)
    send_attempts: Mapped[int] = mapped_column(default=0)
    # When send_status last changed: the outbound sweep finds jobs lost or cut short.
    send_state_at: Mapped[datetime | None] = mapped_column(index=True)


class ConversationThread(Base):
    """The case a conversation (thread key on a channel) currently feeds.

    One row per (channel, thread key): locking it serializes the workers that
    thread messages of one conversation, so a race cannot open two cases.
    """

    __tablename__ = "conversation_threads"
    __table_args__ = (UniqueConstraint("channel_id", "thread_key"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    channel_id: Mapped[int] = mapped_column(ForeignKey("channels.id", ondelete="CASCADE"))
    thread_key: Mapped[str] = mapped_column(String(255))
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id", ondelete="SET NULL"))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class CaseOffer(Base):
    """Push mode: a case offered to one agent until it is accepted, declined or expires."""

    __tablename__ = "case_offers"
    __table_args__ = (
        Index("ix_case_offers_open", "state", "expires_at"),
        Index("ix_case_offers_agent", "agent_id", "state"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    agent_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    state: Mapped[str] = mapped_column(String(20), default="open")  # open accepted declined expired
    offered_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    decided_at: Mapped[datetime | None]
