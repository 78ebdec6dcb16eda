"""Merging two contacts that are one person: identities move, cases and messages follow.

Supervisors and admins only: a contact spans queues an agent may not work, so an agent
could otherwise move cases they cannot see. The target keeps its own facts and takes
what only the source knew (an email, a phone, a location, a real name over an @handle);
counts take the larger, tags the union. Each moved case records a contact_merged event,
the merge itself an admin change (contact.merge); the source contact is removed. There
is no undo: the record says what moved, and identities can be told apart again only by
hand. An ingestion batch that resolved the source a moment before (its own short
transaction on PostgreSQL) fails on the removed contact and is retried, then finding
the identity on the target. See docs/cases.md.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from inbox.models import Case, Contact, ContactIdentity, Message, User
from inbox.services.access import require_role
from inbox.services.admin.audit import record_change
from inbox.services.cases import states
from inbox.services.contacts.geography import trust
from inbox.services.dbutil import for_update
from inbox.services.errors import NotFound, ValidationFailed

_FILLED_IN = ("email", "phone", "location")  # the target's value, else the source's
_LARGER = ("followers", "influence_score")


def _locked_contacts(session: Session, ids: list[int]) -> dict[int, Contact]:
    found = {contact.id: contact for contact in session.scalars(for_update(session, select(
        Contact).where(Contact.id.in_(ids)).order_by(Contact.id)))}
    for contact_id in ids:
        if contact_id not in found:
            raise NotFound(f"contact {contact_id} not found")
    return found


def _combine_facts(source: Contact, target: Contact) -> dict[str, list[Any]]:
    """The best known facts of both on the target; returns field -> [before, after]."""
    changes: dict[str, list[Any]] = {}

    def take(name: str, value: Any) -> None:
        before = getattr(target, name)
        if value != before:
            changes[name] = [before, value]
            setattr(target, name, value)

    named_by_handle = not target.display_name or target.display_name.startswith("@")
    if named_by_handle and source.display_name and not source.display_name.startswith("@"):
        take("display_name", source.display_name)
    for name in _FILLED_IN:
        if getattr(target, name) is None and getattr(source, name) is not None:
            take(name, getattr(source, name))
    if trust(source.location_source) > trust(target.location_source):  # the better place
        for name in ("country", "region", "subdivision", "location_source"):
            take(name, getattr(source, name))
    for name in _LARGER:
        take(name, max(getattr(target, name) or 0, getattr(source, name) or 0))
    take("verified", bool(target.verified or source.verified))
    take("tags", sorted(set(target.tags or []) | set(source.tags or [])))
    return changes


def merge_contacts(session: Session, user: User, source_id: int, into_contact_id: int
                   ) -> Contact:
    """POST /contacts/<source>/merge: the target contact, with the source's people data."""
    require_role(user, "supervisor", "admin")
    if source_id == into_contact_id:
        raise ValidationFailed("a contact cannot be merged into itself",
                               fields={"into_contact_id": "the same contact"})
    locked = _locked_contacts(session, [source_id, into_contact_id])
    source, target = locked[source_id], locked[into_contact_id]
    identity_ids = list(session.scalars(select(ContactIdentity.id).where(
        ContactIdentity.contact_id == source.id).order_by(ContactIdentity.id)))
    session.execute(update(ContactIdentity).where(ContactIdentity.id.in_(identity_ids))
                    .values(contact_id=target.id),
                    execution_options={"synchronize_session": False})
    session.execute(update(Message).where(Message.contact_id == source.id)
                    .values(contact_id=target.id),
                    execution_options={"synchronize_session": False})
    cases = list(session.scalars(for_update(session, select(Case).where(
        Case.contact_id == source.id).order_by(Case.id))))
    with states.events_flushed_together(session):
        for case in cases:
            case.contact_id = target.id
            states.record_event(session, case, "contact_merged", actor=user,
                                from_status=case.status,
                                data={"from_contact_id": source.id, "into_contact_id": target.id})
    changes = _combine_facts(source, target)
    session.flush()
    session.expunge(source)
    session.execute(delete(Contact).where(Contact.id == source.id))
    record_change(session, user, "contact.merge", "contact", target.id, {
        **changes, "merged_contact": [source.id, None],
        "identities": [[], identity_ids], "cases": [[], [case.id for case in cases]]})
    session.expire(target, ["identities"])
    return target
