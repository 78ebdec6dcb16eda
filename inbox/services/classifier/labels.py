"""Labels from what agents and supervisors already decide (docs/enrichment.md):

* promoting a monitored mention to a case: a complaint;
* a reply sent on a case that began as a monitored mention: a complaint;
* resolving with a disposition that says whether there was anything to answer
  (DISPOSITION_LABELS): "refund issued" is a complaint; "no action needed", "not
  actionable", "no reply needed" and "spam" are not. Other dispositions ("answered",
  "solved") say nothing either way and give no label.

Written in the decision's transaction; the latest decision on a message wins.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from inbox.models import Case, ComplaintLabel, Message, User, utcnow

DISPOSITION_LABELS: dict[str, bool] = {
    "refund issued": True,
    "no action needed": False,
    "not actionable": False,
    "no reply needed": False,
    "spam": False,
}
PROMOTED_THREAD = "promoted:"  # the thread key do_promote gives the case


def record_label(session: Session, message_id: int, complaint: bool, source: str,
                 user: User | None, detail: str | None = None) -> None:
    label = session.scalar(select(ComplaintLabel).where(ComplaintLabel.message_id == message_id))
    if label is None:
        session.add(ComplaintLabel(message_id=message_id, complaint=complaint, source=source,
                                   detail=detail, user_id=user.id if user else None))
        return
    label.complaint, label.source, label.detail = complaint, source, detail
    label.user_id, label.updated_at = (user.id if user else None), utcnow()


def _first_customer_message(session: Session, case: Case) -> int | None:
    """The message the case was opened for: what the classifier was asked about."""
    return session.scalar(select(Message.id).where(
        Message.case_id == case.id, Message.direction == "in").order_by(Message.id).limit(1))


def label_resolved(session: Session, case: Case, user: User | None, disposition: str) -> None:
    complaint = DISPOSITION_LABELS.get(disposition.strip().lower())
    if complaint is None or user is None:  # automatic resolutions are nobody's judgement
        return
    message_id = _first_customer_message(session, case)
    if message_id is not None:
        record_label(session, message_id, complaint, "resolved", user, disposition.strip())


def label_replied(session: Session, case: Case, user: User) -> None:
    """Answering a mention we were only watching says it needed an answer."""
    if not (case.thread_key or "").startswith(PROMOTED_THREAD):
        return
    message_id = _first_customer_message(session, case)
    if message_id is not None:
        record_label(session, message_id, True, "replied", user)
