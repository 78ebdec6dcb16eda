"""Contacts (people) and their identities on each channel kind."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from inbox.models.base import Base, utcnow


class Contact(Base):
    __tablename__ = "contacts"
    id: Mapped[int] = mapped_column(primary_key=True)
    display_name: Mapped[str] = mapped_column(String(200), default="")
    email: Mapped[str | None] = mapped_column(String(254), index=True)
    phone: Mapped[str | None] = mapped_column(String(40), index=True)
    followers: Mapped[int] = mapped_column(default=0)
    verified: Mapped[bool] = mapped_column(default=False)
    location: Mapped[str | None] = mapped_column(String(200))
    # Where they are (docs/geography.md): ISO 3166-1 alpha-2, our routing region, the
    # ISO 3166-2 subdivision when known, and which source said so (an agent's word wins).
    country: Mapped[str | None] = mapped_column(String(2), index=True)
    region: Mapped[str | None] = mapped_column(String(20), index=True)
    subdivision: Mapped[str | None] = mapped_column(String(6))
    location_source: Mapped[str | None] = mapped_column(String(10))
    influence_score: Mapped[int] = mapped_column(default=0)
    tags: Mapped[list[Any]] = mapped_column(default=list)  # e.g. ["vip"]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    # Loaded when read (the contact panel), not on every fetch: ingestion never needs them.
    identities: Mapped[list[ContactIdentity]] = relationship(
        back_populates="contact", lazy="select", cascade="all, delete-orphan"
    )


class ContactIdentity(Base):
    """One handle of a person: kind is x, facebook, instagram, email, phone or generic."""

    __tablename__ = "contact_identities"
    __table_args__ = (UniqueConstraint("kind", "external_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    contact_id: Mapped[int] = mapped_column(
        ForeignKey("contacts.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(40))
    external_id: Mapped[str] = mapped_column(String(255))
    handle: Mapped[str | None] = mapped_column(String(255))
    profile: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    contact: Mapped[Contact] = relationship(back_populates="identities")
