"""Community answers: a customer thanking after another member of the public replied in
their public thread suggests the case can be closed as answered by the community
(disposition `answered_by_community`, counted apart in reports). Cheap: one read per
batch, and only for batches with a thanks from a case's own customer."""

from __future__ import annotations

import re

from sqlalchemy import select
from sqlalchemy.orm import Session

from inbox.services.cases import states as case_states
from inbox.services.ingest.arrivals import Arrival, MessageOutcome

COMMUNITY_DISPOSITION = "answered_by_community"
SUGGESTED_TAG = "community_answer"
_THANKS = re.compile(r"\b(thanks|thank you|thank u|thx|ty|cheers|that worked|that fixed it|"
                     r"solved|sorted|works now)\b", re.IGNORECASE)


def is_thanks(text: str) -> bool:
    return bool(_THANKS.search(text or ""))


def _thanking(arrivals: list[Arrival]) -> list[Arrival]:
    return [a for a in arrivals
            if a.outcome is MessageOutcome.APPENDED and a.case is not None
            and a.msg.visibility == "public" and a.contact is not None
            and a.contact.id == a.case.contact_id and SUGGESTED_TAG not in (a.case.tags or [])
            and is_thanks(a.msg.text or "")]


def suggest_community_answers(session: Session, arrivals: list[Arrival]) -> None:
    """Tag (and record on) each case whose customer thanks after a public reply from
    someone else in the thread; the desk offers "Close as answered by the community"."""
    from inbox.models import Message

    candidates = _thanking(arrivals)
    if not candidates:
        return
    by_case = {a.case.id: a for a in candidates if a.case is not None}
    others: dict[int, int] = {}  # case id -> the first public reply from someone else
    for case_id, message_id, contact_id in session.execute(
            select(Message.case_id, Message.id, Message.contact_id).where(
                Message.case_id.in_(sorted(by_case)), Message.direction == "in",
                Message.visibility == "public", Message.contact_id.is_not(None))
            .order_by(Message.id)):
        assert case_id is not None
        thanks = by_case[case_id]
        customer = thanks.contact.id if thanks.contact else None
        if contact_id != customer and message_id < (thanks.id or 0):
            others.setdefault(case_id, message_id)
    for case_id, answer_id in sorted(others.items()):
        arrival = by_case[case_id]
        case = arrival.case
        assert case is not None
        case.tags = [*(case.tags or []), SUGGESTED_TAG]
        case_states.record_event(session, case, "community_answer_suggested",
                                 from_status=case.status,
                                 data={"answer_message_id": answer_id,
                                       "thanks_message_id": arrival.id})
