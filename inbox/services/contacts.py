"""Contacts: one identity per (kind, external id), linked into one person where we can tell."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from inbox.channels.base import Author
from inbox.models import Contact, ContactIdentity
from inbox.services.dbutil import insert_ignore


def identity_kind(author: Author, channel_id: int) -> str:
    # Generic sources have their own id spaces: the same "id" on two review sites is
    # two people, so the identity is qualified by channel.
    return f"generic:{channel_id}" if author.identity_kind == "generic" else author.identity_kind


def _contact_by_known_address(session: Session, author: Author) -> Contact | None:
    """An email or phone we already hold for someone names the same person."""
    if author.email:
        found = session.scalar(select(Contact).where(Contact.email == author.email.lower()))
        if found is not None:
            return found
    if author.phone:
        found = session.scalar(select(Contact).where(Contact.phone == author.phone))
        if found is not None:
            return found
    return None


def _update_profile(contact: Contact, author: Author) -> None:
    """Newest facts win; absent facts never erase known ones."""
    if author.name and (not contact.display_name or contact.display_name.startswith("@")):
        contact.display_name = author.name
    elif not contact.display_name:
        contact.display_name = f"@{author.handle}" if author.handle else author.external_id
    if author.followers is not None:
        contact.followers = author.followers
    if author.verified is not None:
        contact.verified = author.verified
    if author.location:
        contact.location = author.location
    if author.email and not contact.email:
        contact.email = author.email.lower()
    if author.phone and not contact.phone:
        contact.phone = author.phone


def resolve_contact(session: Session, author: Author, channel_id: int) -> Contact:
    """The contact behind `author`, created or linked as needed; safe under races."""
    kind = identity_kind(author, channel_id)
    identity = session.scalar(
        select(ContactIdentity).where(
            ContactIdentity.kind == kind, ContactIdentity.external_id == author.external_id
        )
    )
    if identity is not None:
        contact = session.get(Contact, identity.contact_id)
        assert contact is not None
        if author.handle and identity.handle != author.handle:
            identity.handle = author.handle
    else:
        contact = _contact_by_known_address(session, author)
        if contact is None:
            contact = Contact(display_name="")
            session.add(contact)
        _update_profile(contact, author)
        session.flush()
        inserted = insert_ignore(
            session, ContactIdentity,
            {"contact_id": contact.id, "kind": kind, "external_id": author.external_id,
             "handle": author.handle, "profile": {}},
            conflict=("kind", "external_id"),
        )
        if not inserted:  # another worker created this identity a moment ago: use theirs
            identity = session.scalar(
                select(ContactIdentity).where(
                    ContactIdentity.kind == kind,
                    ContactIdentity.external_id == author.external_id,
                )
            )
            assert identity is not None
            if contact.id != identity.contact_id:
                session.delete(contact)
            contact = session.get(Contact, identity.contact_id)  # type: ignore[assignment]
            assert contact is not None
    _update_profile(contact, author)
    return contact
