"""Conversations as ingestion would have left them: a channel, a contact, a case and the
customer's message, written directly (tests may write; the product writes via services)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from inbox.models import Case, Channel, Contact, ContactIdentity, Message, Queue, utcnow
from inbox.services import unit_of_work


@dataclass(frozen=True)
class Seeded:
    channel_id: int
    case_id: int
    message_id: int
    contact_id: int


def connect_channel(kind: str, external_id: str | None, *, name: str = "Acme",
                    secrets: dict[str, Any] | None = None,
                    settings: dict[str, Any] | None = None) -> Channel:
    with unit_of_work() as session:
        channel = Channel(kind=kind, name=name, external_id=external_id,
                          secrets={"signing_secret": "test-channel-secret", **(secrets or {})},
                          settings=settings or {})
        session.add(channel)
        session.flush()
        return channel


def seed_conversation(
    channel: Channel, *, external_id: str, thread_key: str, visibility: str, kind: str,
    customer_id: str, text: str = "My order never arrived", queue: Queue | None = None,
    status: str = "queued", assignee_id: int | None = None, parent_external_id: str | None = None,
    minutes_ago: int = 5, contact_email: str | None = None,
    facts: dict[str, Any] | None = None, **case_fields: Any,
) -> Seeded:
    with unit_of_work() as session:
        contact = Contact(display_name="Zoë Martin", email=contact_email)
        session.add(contact)
        session.flush()
        identity_kind = {"voice": "phone", "generic": f"generic:{channel.id}"}.get(
            channel.kind, channel.kind)
        session.add(ContactIdentity(contact_id=contact.id, kind=identity_kind,
                                    external_id=customer_id))
        sent_at = utcnow() - timedelta(minutes=minutes_ago)
        case = Case(queue_id=queue.id if queue else None, channel_id=channel.id,
                    contact_id=contact.id, thread_key=thread_key, status=status,
                    assignee_id=assignee_id, subject=text[:100], last_message_at=sent_at,
                    created_at=sent_at, **case_fields)
        session.add(case)
        session.flush()
        message = Message(channel_id=channel.id, external_id=external_id, case_id=case.id,
                          contact_id=contact.id, direction="in", visibility=visibility,
                          kind=kind, text=text, thread_key=thread_key, sent_at=sent_at,
                          created_at=sent_at, parent_external_id=parent_external_id,
                          facts=facts or {})
        session.add(message)
        session.flush()
        return Seeded(channel.id, case.id, message.id, contact.id)


def add_history(seeded: Seeded, count: int, *, hours_ago: float = 48) -> list[int]:
    """A long back-and-forth in the seeded case: `count` messages spread evenly from
    `hours_ago` to a minute ago (newer than the seeded one), the customer's and ours
    (already sent) in turn, texts "history 0" (oldest) to "history <count-1>". Returns
    their ids, oldest first."""
    now = utcnow()
    start = now - timedelta(hours=hours_ago)
    step = (now - timedelta(minutes=1) - start) / max(count - 1, 1)
    with unit_of_work() as session:
        case = session.get(Case, seeded.case_id)
        assert case is not None
        messages = []
        for index in range(count):
            ours = index % 2 == 1
            at = start + step * index
            messages.append(Message(
                channel_id=seeded.channel_id, external_id=f"history-{seeded.case_id}-{index}",
                case_id=seeded.case_id, contact_id=None if ours else seeded.contact_id,
                direction="out" if ours else "in", visibility="private",
                kind="dm", text=f"history {index}", thread_key=case.thread_key, sent_at=at,
                created_at=at, send_status="sent" if ours else None, facts={}))
        session.add_all(messages)
        session.flush()
        case.last_message_at = messages[-1].sent_at
        return [m.id for m in messages]
