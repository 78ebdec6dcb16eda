"""Contacts: one identity per (kind, external id), linked into one person where we can tell."""

from __future__ import annotations

from sqlalchemy import select, tuple_
from sqlalchemy.orm import Session, lazyload

from inbox.channels.base import Author
from inbox.models import Contact, ContactIdentity
from inbox.runtime import unit_of_work
from inbox.services.dbutil import insert_ignore_many


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


def resolve_contacts(session: Session, authors: list[tuple[Author, int]],
                     influence: list[int]) -> list[Contact]:
    """The contact behind each (author, channel id) of a batch, created or linked as
    needed and given the newest profile facts and influence score, in a few statements
    for the whole batch; safe under concurrent workers.

    On PostgreSQL this is a short transaction of its own, committed at once: who wrote
    is true whatever becomes of the batch, and concurrent workers then never wait on
    each other's uncommitted contacts for a whole batch. (SQLite has one writer, which
    is `session` already: a second transaction would wait on it.)"""
    if not authors:
        return []
    if session.get_bind().dialect.name == "postgresql":
        with unit_of_work() as own:
            return _resolve_contacts(own, authors, influence)
    return _resolve_contacts(session, authors, influence)


def _resolve_contacts(session: Session, authors: list[tuple[Author, int]],
                      influence: list[int]) -> list[Contact]:
    keys = [(identity_kind(author, channel_id), author.external_id)
            for author, channel_id in authors]
    distinct = sorted(set(keys))
    known: dict[tuple[str, str], Contact] = {}
    identities: dict[tuple[str, str], ContactIdentity] = {}
    for identity, contact in session.execute(
        select(ContactIdentity, Contact)
        .join(Contact, Contact.id == ContactIdentity.contact_id)
        .where(tuple_(ContactIdentity.kind, ContactIdentity.external_id).in_(distinct))
        .options(lazyload(Contact.identities))
    ):
        key = (identity.kind, identity.external_id)
        known[key], identities[key] = contact, identity
    first_author: dict[tuple[str, str], Author] = {}
    for key, (author, _) in zip(keys, authors, strict=True):
        first_author.setdefault(key, author)
    created: dict[tuple[str, str], Contact] = {}
    for key in distinct:
        if key in known:
            continue
        author = first_author[key]
        linked = _contact_by_known_address(session, author)
        if linked is None:
            linked = created[key] = Contact(display_name="")
            session.add(linked)
        _update_profile(linked, author)
        known[key] = linked
    new_keys = [key for key in distinct if key not in identities]
    if new_keys:
        session.flush()  # the new contacts' ids, in one multi-row INSERT
        inserted = {(row.kind, row.external_id) for row in insert_ignore_many(
            session, ContactIdentity,
            [{"contact_id": known[key].id, "kind": key[0], "external_id": key[1],
              "handle": first_author[key].handle, "profile": {}} for key in new_keys],
            conflict=("kind", "external_id"), returning=("kind", "external_id"))}
        lost = [key for key in new_keys if key not in inserted]
        if lost:  # another worker created these identities a moment ago: use theirs
            for identity, contact in session.execute(
                select(ContactIdentity, Contact)
                .join(Contact, Contact.id == ContactIdentity.contact_id)
                .where(tuple_(ContactIdentity.kind, ContactIdentity.external_id).in_(lost))
            ):
                key = (identity.kind, identity.external_id)
                if key in created and created[key].id != contact.id:
                    session.delete(created.pop(key))
                known[key], identities[key] = contact, identity
    resolved = []
    for key, (author, _), score in zip(keys, authors, influence, strict=True):
        stored = identities.get(key)
        if stored is not None and author.handle and stored.handle != author.handle:
            stored.handle = author.handle
        contact = known[key]
        _update_profile(contact, author)  # in arrival order: the newest facts win
        contact.influence_score = max(contact.influence_score or 0, score)
        resolved.append(contact)
    session.flush()  # profile changes in primary key order: workers lock contacts alike
    return resolved
