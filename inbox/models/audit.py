"""What admins changed: who, when, what (secrets masked), kept for the audit log."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from inbox.models.base import Base, utcnow


class AdminChange(Base):
    __tablename__ = "admin_changes"
    __table_args__ = (Index("ix_admin_changes_target", "target_kind", "target_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    # Null for a change made from the command line on the server itself.
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    actor: Mapped[str] = mapped_column(String(254))  # the actor's email, or "command line"
    action: Mapped[str] = mapped_column(String(60))  # e.g. channel.create, token.revoke
    target_kind: Mapped[str] = mapped_column(String(30))
    target_id: Mapped[int | None]
    # Field -> [before, after]; credentials and secrets appear as "set" / "removed".
    changes: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    # From where: the caller's address for a change made over HTTP, None from the CLI.
    origin: Mapped[str | None] = mapped_column(String(64))
