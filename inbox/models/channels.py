"""Connected channels and the raw deliveries their providers send us."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from inbox.models.base import Base, SealedJSON, utcnow

CHANNEL_KINDS = ("facebook", "instagram", "x", "email", "voice", "generic")
DELIVERY_STATES = ("pending", "processed", "failed", "ignored", "unmatched")


class Channel(Base):
    __tablename__ = "channels"
    __table_args__ = (UniqueConstraint("kind", "external_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    name: Mapped[str] = mapped_column(String(200))
    # Page id, X user id, mailbox address or phone number the provider names us by.
    external_id: Mapped[str | None] = mapped_column(String(255))
    # Never returned by the API, sealed at rest: signing secrets, access tokens.
    secrets: Mapped[dict[str, Any]] = mapped_column(SealedJSON, default=dict)
    settings: Mapped[dict[str, Any]] = mapped_column(default=dict)
    is_active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Delivery(Base):
    """One inbound webhook request exactly as received: the unit of replay."""

    __tablename__ = "deliveries"
    __table_args__ = (Index("ix_deliveries_state_received", "state", "received_at"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    provider: Mapped[str] = mapped_column(String(40))
    channel_id: Mapped[int | None] = mapped_column(
        ForeignKey("channels.id", ondelete="SET NULL"), index=True
    )
    received_at: Mapped[datetime] = mapped_column(default=utcnow)
    headers: Mapped[dict[str, Any]] = mapped_column(default=dict)
    body: Mapped[bytes] = mapped_column(LargeBinary)
    content_type: Mapped[str] = mapped_column(String(200), default="")
    verified: Mapped[bool] = mapped_column(default=False)
    verification_error: Mapped[str | None] = mapped_column(Text)
    state: Mapped[str] = mapped_column(String(20), default="pending")
    error: Mapped[str | None] = mapped_column(Text)
    attempts: Mapped[int] = mapped_column(default=0)
    processed_at: Mapped[datetime | None]
    # Providers that sign a one-time token (Mailgun) name it here; unique, so a
    # replayed request is refused by the database itself.
    replay_key: Mapped[str | None] = mapped_column(String(255), unique=True)
    # What parsing found, for admins: message count, ignored event types.
    outcome: Mapped[dict[str, Any]] = mapped_column(default=dict)
