"""Canned responses: reusable reply texts agents search and insert (docs/sending.md)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column

from inbox.models.base import Base, utcnow


class CannedResponse(Base):
    """A reply template; {{contact.first_name}}-style variables are filled in on use."""

    __tablename__ = "canned_responses"
    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    tags: Mapped[list[Any]] = mapped_column(default=list)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
