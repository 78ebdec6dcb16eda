"""Crisis detection: the workspace's thresholds and actions, and the alerts raised."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from inbox.models.base import Base, utcnow

CRISIS_SUBJECTS = ("term", "channel", "negative_burst")


class CrisisSettings(Base):
    """One row per workspace: thresholds and actions (inbox.services.listening.crisis)."""

    __tablename__ = "crisis_settings"
    id: Mapped[int] = mapped_column(primary_key=True)
    values: Mapped[dict[str, Any]] = mapped_column(default=dict)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class CrisisAlert(Base):
    """A term's or channel's volume above its baseline, or a burst of negative
    high-influence mentions; active until a supervisor clears it."""

    __tablename__ = "crisis_alerts"
    __table_args__ = (Index("ix_crisis_alerts_active", "cleared_at", "subject_kind"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    subject_kind: Mapped[str] = mapped_column(String(20))  # term | channel | negative_burst
    subject: Mapped[str] = mapped_column(String(200))  # the term, the channel id, or ""
    observed: Mapped[int]  # mentions in the window
    baseline: Mapped[float]  # mentions per window over the trailing baseline
    raised_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    cleared_at: Mapped[datetime | None]
    cleared_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # What it does to matching cases: {"priority": 1, "queue_id": 7, "notify": true}
    actions: Mapped[dict[str, Any]] = mapped_column(default=dict)
    cases_changed: Mapped[int] = mapped_column(default=0)
