"""Four-eyes public replies: an agent's public reply waits for a supervisor (docs/sending.md).

A queue (`approve_public_replies`) or an agent (the same flag on the user) can require
that public replies — what everyone on the platform will read — are approved before they
go. Private replies never wait, nor do a supervisor's own or automatic ones.

The waiting reply is an outbound message in `awaiting_approval`: the send job takes only
`pending` messages and the outbound sweep looks only at `pending` and `sending`, so no
worker ever picks it up. A supervisor's decision is one conditional UPDATE from
`awaiting_approval` (two supervisors deciding at once: one wins, the other gets 409):

    awaiting_approval --approve (the text maybe edited)--> pending -> sending -> sent
    awaiting_approval --send back (with a comment)-------> returned (the agent reworks it)

The approval's facts (when asked, when due, who decided, the comment, the text before an
edit) are kept on the message (`facts.approval`), so the desk shows them with the
message; every step is a case event (reply_awaiting_approval, reply_approved,
reply_returned) and publishes message.updated to the case's rooms and approval.changed
to the supervisors and the agent.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import CursorResult, select, update
from sqlalchemy.orm import Session

from inbox.channels.senders.limits import over_limit
from inbox.models import Case, Channel, Contact, Message, Queue, User, utcnow
from inbox.realtime.payloads import message_updated_payload
from inbox.realtime.publish import publish
from inbox.realtime.rooms import SUPERVISORS, agent_room
from inbox.services.access import access_case
from inbox.services.cases import states as case_states
from inbox.services.errors import Conflict, NotFound, ValidationFailed
from inbox.services.sending import outbound

AWAITING = "awaiting_approval"
RETURNED = "returned"
DEFAULT_MINUTES = 15  # a case without a queue: the queues' default target
MAX_COMMENT_LENGTH = 2000


class NotAwaitingApproval(Conflict):
    code = "not_awaiting_approval"


class OwnReply(Conflict):
    code = "own_reply"


def needs_approval(session: Session, case: Case, author: User | None, visibility: str) -> bool:
    """Does this reply wait for a supervisor? Public replies of agents whose queue or own
    setting asks for it; never private ones, automatic ones or a supervisor's."""
    if visibility != "public" or author is None or author.is_supervisor:
        return False
    if author.approve_public_replies:
        return True
    queue = session.get(Queue, case.queue_id) if case.queue_id is not None else None
    return bool(queue is not None and queue.approve_public_replies)


def approval_minutes(session: Session, case: Case) -> int:
    queue = session.get(Queue, case.queue_id) if case.queue_id is not None else None
    return queue.approval_minutes if queue is not None else DEFAULT_MINUTES


def _approval(message: Message) -> dict[str, Any]:
    return dict((message.facts or {}).get("approval") or {})


def _set_approval(message: Message, approval: dict[str, Any]) -> dict[str, Any]:
    return {**(message.facts or {}), "approval": approval}


def _announce(session: Session, case: Case, message: Message) -> None:
    """message.updated to the case's rooms (the desks), approval.changed to the
    supervisors' list and the agent who wrote the reply."""
    approval = _approval(message)
    publish(session, "message.updated",
            {**message_updated_payload(message), "text": message.text, "approval": approval},
            case_states.case_rooms(case))
    rooms = [SUPERVISORS] + ([agent_room(message.author_id)] if message.author_id else [])
    publish(session, "approval.changed",
            {"message_id": message.id, "case_id": case.id, "state": approval.get("state"),
             "due_at": approval.get("due_at")}, rooms)


def do_request(session: Session, case: Case, message: Message, author: User) -> None:
    """The reply, stored held (store_outbound(hold=True): awaiting_approval, no send job),
    starts the approval's clock."""
    now = utcnow()
    due = now + timedelta(minutes=approval_minutes(session, case))
    message.facts = _set_approval(message, {
        "state": "awaiting", "requested_by": author.name, "requested_at": now.isoformat(),
        "due_at": due.isoformat()})
    session.flush()
    case_states.record_event(session, case, "reply_awaiting_approval", actor=author,
                             from_status=case.status,
                             data={"message_id": message.id, "due_at": due.isoformat()})
    _announce(session, case, message)


# ---------------------------------------------------------------- the supervisor's list


def _due(message: Message) -> datetime | None:
    due = _approval(message).get("due_at")
    return datetime.fromisoformat(due) if due else None


def approval_view(session: Session, message: Message, case: Case,
                  now: datetime | None = None) -> dict[str, Any]:
    """One pending approval with what the supervisor needs to decide: the case, the
    customer's message answered, the reply and who wrote it, and the clock."""
    now = now or utcnow()
    approval = _approval(message)
    due = _due(message)
    parent = session.scalar(select(Message).where(
        Message.channel_id == message.channel_id,
        Message.external_id == message.parent_external_id)) if message.parent_external_id else None
    contact = session.get(Contact, case.contact_id) if case.contact_id else None
    channel = session.get(Channel, message.channel_id)
    queue = session.get(Queue, case.queue_id) if case.queue_id else None
    return {
        "message_id": message.id, "case_id": case.id, "case_subject": case.subject,
        "case_priority": case.priority, "queue": queue.name if queue else None,
        "channel": channel.name if channel else None,
        "channel_kind": channel.kind if channel else None,
        "contact": contact.display_name if contact else None,
        "customer_text": parent.text if parent else None, "text": message.text,
        "visibility": message.visibility, "author_id": message.author_id,
        "requested_by": approval.get("requested_by"),
        "requested_at": approval.get("requested_at"), "due_at": approval.get("due_at"),
        "overdue": due is not None and due <= now,
    }


def pending_approvals(session: Session) -> list[dict[str, Any]]:
    """Every reply awaiting approval, the most urgent (earliest due) first."""
    rows = session.execute(select(Message, Case).join(Case, Case.id == Message.case_id).where(
        Message.direction == "out", Message.send_status == AWAITING)).all()
    now = utcnow()
    views = [approval_view(session, message, case, now) for message, case in rows]
    return sorted(views, key=lambda v: (v["due_at"] or "", v["message_id"]))


def approval_counts(session: Session, now: datetime) -> dict[str, int]:
    """How many replies await approval, and how many of them are past their target
    (the wallboard's figure)."""
    dues = [_due(message) for message in session.scalars(select(Message).where(
        Message.direction == "out", Message.send_status == AWAITING))]
    return {"waiting": len(dues), "overdue": sum(1 for due in dues if due and due <= now)}


# ---------------------------------------------------------------- deciding


def check_decision(session: Session, user: User, message_id: int) -> tuple[Case, Message]:
    """The waiting reply and its case, locked, if `user` may decide on it now."""
    message = session.get(Message, message_id)
    if message is None or message.case_id is None or message.direction != "out":
        raise NotFound(f"reply {message_id} not found")
    case = access_case(session, user, message.case_id, for_update=True)
    if message.send_status != AWAITING:
        raise NotAwaitingApproval(
            f"reply {message_id} is {message.send_status}, not awaiting approval",
            send_status=message.send_status)
    if message.author_id == user.id:
        raise OwnReply("a reply is approved by someone other than its author",
                       author_id=message.author_id)
    return case, message


def _decide(session: Session, message: Message, to_status: str, text: str,
            approval: dict[str, Any]) -> None:
    """The one conditional change out of awaiting_approval: a concurrent decision that
    got there first leaves nothing to update, and this one is refused."""
    now = utcnow()
    changed = cast(CursorResult[Any], session.execute(
        update(Message).where(Message.id == message.id, Message.send_status == AWAITING)
        .values(send_status=to_status, send_state_at=now, text=text, send_error=None,
                facts=_set_approval(message, approval))
        .execution_options(synchronize_session=False)))
    if changed.rowcount != 1:
        raise NotAwaitingApproval(f"reply {message.id} was decided on meanwhile")
    session.refresh(message)


def _decided(user: User, state: str, **more: Any) -> dict[str, Any]:
    return {"state": state, "decided_by": user.name, "decided_by_id": user.id,
            "decided_at": utcnow().isoformat(), **more}


def check_edit(session: Session, message: Message, text: str | None) -> str:
    """The text to send: the reply as written, or the supervisor's edit within the
    platform's limit."""
    if text is None:
        return message.text
    text = text.strip()
    if not text:
        raise ValidationFailed("the reply is empty", fields={"text": "required"})
    channel = session.get(Channel, message.channel_id)
    too_long = over_limit(channel.kind, message.visibility, text) if channel else None
    if too_long:
        raise ValidationFailed(too_long, fields={"text": too_long})
    return text


def do_approve(session: Session, user: User, case: Case, message: Message, text: str
               ) -> Message:
    before = message.text
    edited = text != before
    approval = _approval(message) | _decided(user, "approved", edited=edited)
    if edited:
        approval["original_text"] = before
    _decide(session, message, "pending", text, approval)
    case_states.record_event(session, case, "reply_approved", actor=user,
                             from_status=case.status,
                             data={"message_id": message.id, "edited": edited,
                                   **({"original_text": before} if edited else {})})
    _announce(session, case, message)
    outbound.request_send(session, message.id)  # only now: after this commit
    return message


def approve(session: Session, user: User, message_id: int, text: str | None = None
            ) -> Message:
    case, message = check_decision(session, user, message_id)
    case_states.check_open_for_replies(case)
    return do_approve(session, user, case, message, check_edit(session, message, text))


def check_comment(comment: str) -> str:
    comment = comment.strip()
    if not comment:
        raise ValidationFailed("say what to change", fields={"comment": "required"})
    if len(comment) > MAX_COMMENT_LENGTH:
        raise ValidationFailed("the comment is too long",
                               fields={"comment": f"at most {MAX_COMMENT_LENGTH} characters"})
    return comment


def do_return(session: Session, user: User, case: Case, message: Message, comment: str
              ) -> Message:
    approval = _approval(message) | _decided(user, "returned", comment=comment)
    _decide(session, message, RETURNED, message.text, approval)
    case_states.record_event(session, case, "reply_returned", actor=user,
                             from_status=case.status,
                             data={"message_id": message.id, "comment": comment})
    _announce(session, case, message)
    return message


def send_back(session: Session, user: User, message_id: int, comment: str) -> Message:
    case, message = check_decision(session, user, message_id)
    return do_return(session, user, case, message, check_comment(comment))
