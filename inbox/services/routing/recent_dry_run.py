"""The dry run against recent cases: what the rules (with an unsaved draft tried first)
would do to the first message of each of the latest cases. Nothing is written."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from inbox.models import Case, Channel, Contact, Message
from inbox.services.routing.rules import dry_run


def _sample(session: Session, message: Message) -> dict[str, Any]:
    """The message as the dry run takes it: what routing saw when the case opened."""
    channel = session.get(Channel, message.channel_id)
    contact = session.get(Contact, message.contact_id) if message.contact_id else None
    return {
        "text": message.text or message.subject or "", "channel_id": message.channel_id,
        "channel_kind": channel.kind if channel else "generic",
        "visibility": message.visibility, "kind": message.kind,
        "language": message.language,
        "contact_tags": list(contact.tags or []) if contact else [],
        # Where the contact is now (an agent's correction included), not guessed again.
        "place": {"country": contact.country, "region": contact.region} if contact else {},
        "author": {"followers": contact.followers, "verified": contact.verified}
        if contact else {},
    }


def dry_run_recent(session: Session, draft: dict[str, Any] | None,
                   limit: int) -> list[dict[str, Any]]:
    """Per case, newest first: the rules that match its first message and the outcome
    (queue, priority, tags, skills); `draft_matches` says whether the draft is among them."""
    cases = session.scalars(select(Case).order_by(Case.id.desc()).limit(limit))
    results = []
    for case in cases:
        first = session.scalar(select(Message).where(
            Message.case_id == case.id, Message.direction == "in")
            .order_by(Message.sent_at, Message.id).limit(1))
        if first is None:
            continue
        outcome = dry_run(session, _sample(session, first), draft)
        decision = outcome["decision"]
        results.append({
            "case_id": case.id, "subject": case.subject or first.text[:120],
            "matched": outcome["matched"],
            "draft_matches": draft is not None and any(m["id"] is None for m in outcome["matched"]),
            "queue_id": decision["queue_id"], "priority": decision["priority"],
            "tags": decision["tags"], "required_skills": decision["required_skills"],
            "monitor_only": decision["monitor_only"],
        })
    return results
