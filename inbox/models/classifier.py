"""The complaint classifier: labels taken from agents' decisions, and trained model versions
(inbox.services.classifier, docs/enrichment.md "Learning from agents")."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from inbox.models.base import Base, utcnow

LABEL_SOURCES = ("promoted", "replied", "resolved")
MODEL_SOURCES = ("agents", "file")


class ComplaintLabel(Base):
    """Whether one inbound message was a complaint, as an agent's decision says; the latest
    decision on a message wins. The text is read from the message when training, so a
    message's retention or erasure takes its label's text with it."""

    __tablename__ = "complaint_labels"
    id: Mapped[int] = mapped_column(primary_key=True)
    message_id: Mapped[int] = mapped_column(
        ForeignKey("messages.id", ondelete="CASCADE"), unique=True)
    complaint: Mapped[bool]
    source: Mapped[str] = mapped_column(String(20))  # promoted | replied | resolved
    detail: Mapped[str | None] = mapped_column(String(200))  # e.g. the disposition
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow, index=True)


class ComplaintModel(Base):
    """One trained version; the latest is the one in force. `weights` is plain data
    (feature -> [idf, weight], intercept), scored without the training library."""

    __tablename__ = "complaint_models"
    id: Mapped[int] = mapped_column(primary_key=True)
    trained_at: Mapped[datetime] = mapped_column(default=utcnow)
    source: Mapped[str] = mapped_column(String(20))  # agents | file
    source_name: Mapped[str | None] = mapped_column(String(255))  # the file's name
    trained_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"))
    labels: Mapped[int]
    complaints: Mapped[int]
    # Cross-validated figures for the complaint class (None when too few labels to fold).
    precision: Mapped[float | None]
    recall: Mapped[float | None]
    f1: Mapped[float | None]
    threshold: Mapped[float] = mapped_column(default=0.5)
    weights: Mapped[dict[str, Any]] = mapped_column(default=dict)
