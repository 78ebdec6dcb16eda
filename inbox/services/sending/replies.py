"""Agents answering customers (replies) and each other (internal notes). docs/sending.md.

A reply is checked completely before anything is stored (check_reply): the case is open
and not held by someone else, the channel can send that visibility, the text fits the
platform, and a public reply carries no contact details unless confirmed. do_reply then
claims an unassigned queued case for the replier, stores the outbound message as
"pending" and, after commit, enqueues the send job (inbox/services/sending/outbound.py) —
or, for a public reply that needs a supervisor's approval, holds it as
"awaiting_approval" (inbox/services/sending/approvals.py).
Planning and storing the message are shared with acknowledgements (plan.py).

Notes are case events of kind "note"; @mentions notify the mentioned users who can see
the case (note.mention to agent:<id>).
"""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from inbox.models import Case, CaseEvent, Channel, Message, User
from inbox.realtime.publish import publish
from inbox.realtime.rooms import agent_room
from inbox.services.access import access_case, can_see_case
from inbox.services.cases import states as case_states
from inbox.services.classifier.labels import label_replied
from inbox.services.errors import Conflict, ValidationFailed
from inbox.services.sending import approvals
from inbox.services.sending.plan import ReplyPlan, plan_reply, store_outbound

MAX_NOTE_LENGTH = 10_000


class HeldByOther(Conflict):
    code = "held_by_other"


def check_reply(session: Session, user: User, case: Case, text: str, visibility: str | None,
                *, confirm_public_contact_details: bool = False) -> ReplyPlan:
    """Every reason to refuse a reply, before anything is stored."""
    case_states.check_open_for_replies(case)
    if case.assignee_id not in (None, user.id) and not user.is_supervisor:
        raise HeldByOther("another agent holds this case", assignee_id=case.assignee_id)
    text = text.strip()
    if not text:
        raise ValidationFailed("the reply is empty", fields={"text": "required"})
    channel = session.get(Channel, case.channel_id) if case.channel_id else None
    if channel is None:
        raise ValidationFailed("this case has no channel to answer on",
                               fields={"visibility": "no channel"})
    return plan_reply(session, case, channel, text, visibility,
                      screen_contact_details=not confirm_public_contact_details,
                      claim=case.status == "queued" and case.assignee_id is None,
                      email_subject=True)


def do_reply(session: Session, user: User, case: Case, plan: ReplyPlan) -> Message:
    if plan.claim:  # whoever answers an unassigned case owns it: no second agent answers
        case_states.do_claim(session, case, user)
    label_replied(session, case, user)
    hold = approvals.needs_approval(session, case, user, plan.visibility)
    message = store_outbound(session, case, plan, author=user, hold=hold)
    if hold:  # four eyes: a supervisor approves it before it is sent
        approvals.do_request(session, case, message, user)
    return message


def reply(session: Session, user: User, case_id: int, text: str,
          visibility: str | None = None, *, confirm_public_contact_details: bool = False
          ) -> Message:
    case = access_case(session, user, case_id, for_update=True)
    plan = check_reply(session, user, case, text, visibility,
                       confirm_public_contact_details=confirm_public_contact_details)
    return do_reply(session, user, case, plan)


# ---------------------------------------------------------------- internal notes


def _mention_forms(user: User) -> set[str]:
    name = (user.name or "").strip()
    forms = {user.email, name, name.split(" ")[0] if name else ""}
    return {form.casefold() for form in forms if form}


def find_mentions(session: Session, text: str) -> list[User]:
    """Users named as @email, @First or @Full Name (any case), in order of appearance."""
    if "@" not in text:
        return []
    folded = text.casefold()
    found: list[tuple[int, int, User]] = []
    for user in session.scalars(select(User).where(User.is_active.is_(True))):
        positions = [
            match.start()
            for form in _mention_forms(user)
            # not followed by more of a name, an address or a longer handle
            for match in re.finditer(rf"(?<![\w@])@{re.escape(form)}(?![\w@]|[.-]\w)", folded)
        ]
        if positions:
            found.append((min(positions), user.id, user))
    return [user for _, _, user in sorted(found, key=lambda item: (item[0], item[1]))]


def note_out(event: CaseEvent) -> dict[str, Any]:
    data = event.data or {}
    return {"id": event.id, "case_id": event.case_id, "text": data.get("text", ""),
            "author_id": event.actor_id, "mentions": list(data.get("mentions", [])),
            "created_at": event.created_at}


def check_note(text: str) -> str:
    text = text.strip()
    if not text:
        raise ValidationFailed("the note is empty", fields={"text": "required"})
    if len(text) > MAX_NOTE_LENGTH:
        raise ValidationFailed("the note is too long",
                               fields={"text": f"at most {MAX_NOTE_LENGTH} characters"})
    return text


def do_note(session: Session, user: User, case: Case, text: str) -> CaseEvent:
    mentioned = find_mentions(session, text)
    event = case_states.record_event(
        session, case, "note", actor=user, from_status=case.status,
        data={"text": text, "mentions": [u.id for u in mentioned]})
    for other in mentioned:
        # Only those who may see the case hear of it: a mention must not leak a case.
        if other.id != user.id and can_see_case(session, other, case):
            publish(session, "note.mention",
                    {"case_id": case.id, "note_id": event.id, "by": user.name},
                    [agent_room(other.id)])
    return event


def add_note(session: Session, user: User, case_id: int, text: str) -> dict[str, Any]:
    case = access_case(session, user, case_id, for_update=True)
    return note_out(do_note(session, user, case, check_note(text)))
