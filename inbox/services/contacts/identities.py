"""Contacts: one identity per (kind, external id), linked into one person where we can tell."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import delete, insert, select
from sqlalchemy.orm import Session

from inbox.channels.base import Author
from inbox.models import Contact, ContactIdentity, utcnow
from inbox.runtime import unit_of_work
from inbox.services.contacts.geography import guess
from inbox.services.dbutil import (
    commit_without_waiting_for_disk,
    insert_ignore_many,
    is_postgresql,
    pairs_in,
    update_many,
)


def identity_kind(author: Author, channel_id: int) -> str:
    # Generic sources have their own id spaces: the same "id" on two review sites is
    # two people, so the identity is qualified by channel.
    return f"generic:{channel_id}" if author.identity_kind == "generic" else author.identity_kind


@dataclass
class ContactFacts:
    """What ingestion reads and updates of a contact, without the ORM (a batch reads
    its authors in one statement and writes the changed ones in another)."""

    id: int | None
    display_name: str = ""
    email: str | None = None
    phone: str | None = None
    followers: int = 0
    verified: bool = False
    location: str | None = None
    influence_score: int = 0
    country: str | None = None
    region: str | None = None
    subdivision: str | None = None
    location_source: str | None = None
    tags: list[Any] = field(default_factory=list)

    def profile(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in PROFILE}


PROFILE = ("display_name", "email", "phone", "followers", "verified", "location",
           "influence_score", "country", "region", "subdivision", "location_source")
_FACT_COLUMNS = (Contact.id, *(getattr(Contact, name) for name in PROFILE), Contact.tags)


def _facts(row: Any) -> ContactFacts:
    return ContactFacts(row.id, **{name: getattr(row, name) for name in PROFILE},
                        tags=list(row.tags or []))


def _contact_by_known_address(session: Session, author: Author) -> ContactFacts | None:
    """An email or phone we already hold for someone names the same person."""
    for column, value in ((Contact.email, (author.email or "").lower()),
                          (Contact.phone, author.phone)):
        if value:
            row = session.execute(select(*_FACT_COLUMNS).where(column == value)
                                  .order_by(Contact.id).limit(1)).first()
            if row is not None:
                return _facts(row)
    return None


# What an integer column holds: a platform's absurd count is kept as the most it can be.
MAX_COUNT = 2**31 - 1


def storable_count(value: int) -> int:
    return min(max(value, 0), MAX_COUNT)


def _update_profile(contact: ContactFacts, author: Author) -> None:
    """Newest facts win; absent facts never erase known ones."""
    if author.name and (not contact.display_name or contact.display_name.startswith("@")):
        contact.display_name = author.name
    elif not contact.display_name:
        contact.display_name = f"@{author.handle}" if author.handle else author.external_id
    if author.followers is not None:
        contact.followers = storable_count(author.followers)
    if author.verified is not None:
        contact.verified = author.verified
    if author.location:
        contact.location = author.location[:200]  # the column's width
    if author.email and not contact.email:
        contact.email = author.email.lower()
    if author.phone and not contact.phone:
        contact.phone = author.phone


def locate(contact: ContactFacts, language: str | None = None) -> None:
    """The contact's place from their facts, unless an agent has said where they are.
    A guess that finds nothing keeps what was known (absent facts never erase)."""
    if contact.location_source == "agent":
        return
    place = guess(contact.location, contact.email, contact.phone, language)
    if place is not None:
        contact.country, contact.region = place.country, place.region
        contact.subdivision, contact.location_source = place.subdivision, place.source


def resolve_contacts(session: Session, authors: list[tuple[Author, int]],
                     influence: list[int], languages: list[str | None] | None = None
                     ) -> list[ContactFacts]:
    """The contact behind each (author, channel id) of a batch, created or linked as
    needed and given the newest profile facts, place (`languages`: each message's, the
    last hint of where its author is) and influence score, in a few statements
    for the whole batch; safe under concurrent workers.

    On PostgreSQL this is a short transaction of its own, committed at once: who wrote
    is true whatever becomes of the batch, and concurrent workers then never wait on
    each other's uncommitted contacts for a whole batch. (SQLite has one writer, which
    is `session` already: a second transaction would wait on it.)"""
    if not authors:
        return []
    if is_postgresql(session):
        with unit_of_work() as own:
            commit_without_waiting_for_disk(own)
            return _resolve_contacts(own, authors, influence, languages)
    return _resolve_contacts(session, authors, influence, languages)


def _stored_identities(session: Session, keys: list[tuple[str, str]]
                       ) -> dict[tuple[str, str], tuple[int, str | None, ContactFacts]]:
    """(kind, external id) -> (identity id, handle, its contact's facts), one read."""
    found: dict[tuple[str, str], tuple[int, str | None, ContactFacts]] = {}
    contacts: dict[int, ContactFacts] = {}
    for row in session.execute(
        select(ContactIdentity.kind, ContactIdentity.external_id,
               ContactIdentity.id.label("identity_id"), ContactIdentity.handle, *_FACT_COLUMNS)
        .join(Contact, Contact.id == ContactIdentity.contact_id)
        .where(pairs_in(ContactIdentity.kind, ContactIdentity.external_id, keys))
    ):
        facts = contacts.setdefault(row.id, _facts(row))  # one person, several identities
        found[(row.kind, row.external_id)] = (row.identity_id, row.handle, facts)
    return found


def _resolve_contacts(session: Session, authors: list[tuple[Author, int]],
                      influence: list[int], languages: list[str | None] | None = None
                      ) -> list[ContactFacts]:
    """Look up, create, link and update a batch's contacts in a few multi-row statements.

    Kept whole (it is longer than most): every step reads and extends the same maps of
    what is stored, known, created and changed, and split up they would travel together.
    """
    keys = [(identity_kind(author, channel_id), author.external_id)
            for author, channel_id in authors]
    distinct = sorted(set(keys))
    stored = _stored_identities(session, distinct)
    known = {key: facts for key, (_, _, facts) in stored.items()}
    before = {id(facts): facts.profile() for facts in known.values()}
    first_author: dict[tuple[str, str], Author] = {}
    newest_handle: dict[tuple[str, str], str] = {}
    for key, (author, _) in zip(keys, authors, strict=True):
        first_author.setdefault(key, author)
        if author.handle:
            newest_handle[key] = author.handle
    created: list[tuple[tuple[str, str], ContactFacts]] = []
    for key in distinct:
        if key in known:
            continue
        linked = _contact_by_known_address(session, first_author[key])
        if linked is None:
            linked = ContactFacts(None)
            _update_profile(linked, first_author[key])
            locate(linked)
            created.append((key, linked))
        else:
            before.setdefault(id(linked), linked.profile())
        known[key] = linked
    if created:
        now = utcnow()
        ids = session.execute(
            insert(Contact).returning(Contact.id, sort_by_parameter_order=True),
            [{**facts.profile(), "tags": [], "created_at": now, "updated_at": now}
             for _, facts in created]).scalars().all()
        for (_, facts), contact_id in zip(created, ids, strict=True):
            facts.id = contact_id
            before[id(facts)] = facts.profile()  # as inserted; later messages may add
    new_keys = [key for key in distinct if key not in stored]
    if new_keys:
        inserted = {(row.kind, row.external_id) for row in insert_ignore_many(
            session, ContactIdentity,
            [{"contact_id": known[key].id, "kind": key[0], "external_id": key[1],
              "handle": newest_handle.get(key), "profile": {}} for key in new_keys],
            conflict=("kind", "external_id"), returning=("kind", "external_id"))}
        lost = [key for key in new_keys if key not in inserted]
        if lost:  # another worker created these identities a moment ago: use theirs
            theirs = _stored_identities(session, lost)
            orphans = {known[key].id for key in lost} & {f.id for _, f in created}
            for key in lost:
                stored[key] = theirs[key]
                known[key] = theirs[key][2]
                before.setdefault(id(known[key]), known[key].profile())
            still_used = {known[key].id for key in distinct}
            session.execute(delete(Contact).where(Contact.id.in_(orphans - still_used)))
    handles: dict[int, str] = {}
    hints = languages if languages is not None else [None] * len(keys)
    for key, (author, _), score, language in zip(keys, authors, influence, hints,
                                                 strict=True):
        if key in stored and author.handle and stored[key][1] != author.handle:
            handles[stored[key][0]] = author.handle
        _update_profile(known[key], author)  # in arrival order: the newest facts win
        locate(known[key], language)
        known[key].influence_score = max(known[key].influence_score or 0, score)
    now = utcnow()
    changed = {int(facts.id or 0): facts for facts in known.values()
               if facts.profile() != before[id(facts)]}
    # In primary key order: workers lock contacts alike.
    update_many(session, Contact, [{"id": contact_id, **changed[contact_id].profile(),
                                    "updated_at": now} for contact_id in sorted(changed)])
    update_many(session, ContactIdentity, [{"id": identity_id, "handle": handle}
                                           for identity_id, handle in sorted(handles.items())])
    return [known[key] for key in keys]
