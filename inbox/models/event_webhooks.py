"""Outbound event webhooks: integrators' subscriptions and the log of what was sent them."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from inbox.models.base import Base, SealedJSON, utcnow

# pending: waiting for an attempt; failed: the last attempt failed, another is due at
# next_attempt_at; delivered: answered 2xx; given_up: still failing 24 h after the first.
EVENT_DELIVERY_STATUSES = ("pending", "delivered", "failed", "given_up")
FINISHED_EVENT_DELIVERIES = ("delivered", "given_up")  # no attempt will follow


class EventSubscription(Base):
    __tablename__ = "event_subscriptions"
    id: Mapped[int] = mapped_column(primary_key=True)
    url: Mapped[str] = mapped_column(String(2000))
    events: Mapped[list[Any]] = mapped_column(default=list)
    # {"secret": ...}: the HMAC key, sealed at rest, shown once (at create or rotate).
    secrets: Mapped[dict[str, Any]] = mapped_column(SealedJSON, default=dict)
    is_enabled: Mapped[bool] = mapped_column(default=True)
    description: Mapped[str] = mapped_column(String(500), default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class EventDelivery(Base):
    """One event for one subscription: its delivery id stays the same over every attempt."""

    __tablename__ = "event_deliveries"
    __table_args__ = (Index("ix_event_deliveries_due", "status", "next_attempt_at"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    delivery_id: Mapped[str] = mapped_column(String(36), unique=True)
    subscription_id: Mapped[int] = mapped_column(
        ForeignKey("event_subscriptions.id", ondelete="CASCADE"), index=True)
    event: Mapped[str] = mapped_column(String(60))
    payload: Mapped[dict[str, Any]] = mapped_column(default=dict)
    status: Mapped[str] = mapped_column(String(20), default="pending")
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime | None]
    first_attempt_at: Mapped[datetime | None]
    last_status_code: Mapped[int | None]
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    delivered_at: Mapped[datetime | None]
