"""A small data set whose report figures are computed by hand in the tests that use it.

Day D is 2 Nov 2026 (UTC). Queue "Social care" (with policy "Standard", channel
"Acme on X") holds c1..c7; queue "Email" (channel "support mailbox") holds c8.

case  created     first reply (s)  FR met  resolved     res met  agent  notes
c1    D 09:00     60               yes     D 10:00      yes      alice
c2    D 09:00     120              yes     D 11:00      no       alice  escalated; 600 s pending
c3    D 09:00     300              no      D 09:30      yes      bob    answered_by_community
c4    D 09:00     600              no      open                  bob
c5    D 09:00     1200             (none)  open                         escalated
c6    D-1 09:00   60 (on D-1)      yes     D 12:00      yes      alice
c7    D 09:00     -                        D 09:10               -      merged duplicate
c8    D 10:00     30               yes     open                         queue Email
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import select, update

from inbox.models import Case, Channel, Contact, Queue, SlaPolicy
from inbox.services import unit_of_work

DAY = datetime(2026, 11, 2, tzinfo=UTC)
NEXT_DAY = DAY + timedelta(days=1)
DAY_BEFORE = DAY - timedelta(days=1)


@dataclass
class ReportData:
    social: int
    email: int
    policy: int
    x_channel: int
    mail_channel: int


def _at(day: datetime, hhmm: str) -> datetime:
    hours, minutes = hhmm.split(":")
    return day + timedelta(hours=int(hours), minutes=int(minutes))


def _named(session: Any, model: Any, name: str, **fields: Any) -> Any:
    """The one of that name (a browser test's workspace has them already), or a new one."""
    found = session.scalar(select(model).where(model.name == name))
    if found is None:
        found = model(name=name, **fields)
        session.add(found)
        session.flush()
    return found


def arrange(alice: Any = None, bob: Any = None) -> ReportData:
    """The cases above; the workspace's queues, policy and agents when it has them."""
    with unit_of_work() as session:
        policy = _named(session, SlaPolicy, "Standard", targets={})
        social, email = _named(session, Queue, "Social care"), _named(session, Queue, "Email")
        x = _named(session, Channel, "Acme on X", kind="generic", secrets={})
        mail = _named(session, Channel, "support mailbox", kind="generic", secrets={})
        a = alice.id if alice else None
        b = bob.id if bob else None

        def case(created: datetime, fr: int | None, fr_met: bool | None,
                 resolved: datetime | None, res_met: bool | None, **more: Any) -> None:
            fields: dict[str, Any] = {"queue_id": social.id, "channel_id": x.id,
                                      "sla_policy_id": policy.id}
            fields.update(more)
            session.add(Case(
                subject="report fixture", created_at=created,
                status="resolved" if resolved else "assigned",
                first_response_seconds=fr, first_response_met=fr_met,
                first_responded_at=created + timedelta(seconds=fr) if fr is not None else None,
                resolved_at=resolved, resolution_met=res_met, **fields))

        nine = _at(DAY, "09:00")
        case(nine, 60, True, _at(DAY, "10:00"), True, assignee_id=a, disposition="solved")
        case(nine, 120, True, _at(DAY, "11:00"), False, assignee_id=a, disposition="solved",
             escalation_level=1, paused_seconds=600)
        case(nine, 300, False, _at(DAY, "09:30"), True, assignee_id=b,
             disposition="answered_by_community")
        case(nine, 600, False, None, None, assignee_id=b)
        case(nine, 1200, None, None, None, escalation_level=1, sla_policy_id=None)
        case(_at(DAY_BEFORE, "09:00"), 60, True, _at(DAY, "12:00"), True, assignee_id=a,
             disposition="solved")
        case(nine, None, None, _at(DAY, "09:10"), None, disposition="merged")
        case(_at(DAY, "10:00"), 30, True, None, None, queue_id=email.id, channel_id=mail.id)
        return ReportData(social.id, email.id, policy.id, x.id, mail.id)


def locate_cases() -> None:
    """Contacts for three of the cases: c1 from Germany, c2 from France, c8 from Austria."""
    with unit_of_work() as session:
        ids = list(session.scalars(select(Case.id).where(Case.subject == "report fixture")
                                   .order_by(Case.id)))
        for case_id, (country, region) in ((ids[0], ("DE", "DACH")), (ids[1], ("FR", "Europe")),
                                           (ids[7], ("AT", "DACH"))):
            contact = Contact(display_name=country, country=country, region=region,
                              location_source="profile")
            session.add(contact)
            session.flush()
            session.execute(update(Case).where(Case.id == case_id)
                            .values(contact_id=contact.id))
