"""The demo workspace a first `inbox run` creates, so a newcomer sees a working desk."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from inbox.models import BusinessCalendar, Channel, Queue, SlaPolicy, User, WatchTerm
from inbox.services.admin.users import default_team, do_add_user
from inbox.services.routing.rules import do_create_rule

DEMO_QUEUES = (
    ("Priority social", "Angry or influential authors in public: answer first"),
    ("Social care", "Public complaints and questions on social platforms"),
    ("Email", "Support mailbox"),
    ("Callbacks", "Missed calls and callback requests"),
    ("Tier 2", "Escalations that need a specialist"),
    ("Monitoring", "Mentions worth watching but not answering yet"),
)

DEMO_CHANNELS = (
    ("facebook", "Acme on Facebook", "104859392837465"),
    ("instagram", "Acme on Instagram", "17841400000000001"),
    ("x", "@AcmeSupport", "1480000000000000001"),
    ("email", "support@acme.example", "support@acme.example"),
    ("voice", "Acme support line", "+14155550100"),
    ("generic", "Reviews and forums", None),
)

DEMO_USERS = (
    ("agent@acme.example", "agent", "Alice Agent"),
    ("supervisor@acme.example", "supervisor", "Sam Supervisor"),
    ("admin@acme.example", "admin", "Ada Admin"),
)

# The demo's rule set: what a social care team would start from (docs/routing-and-sla.md).
DEMO_RULES: tuple[dict[str, object], ...] = (
    {"name": "Crisis words escalate", "stop_processing": False,
     "conditions": {"keywords": ["outage", "breach", "lawsuit", "hacked", "data leak",
                                 "class action"]},
     "actions": [{"type": "escalate", "reason": "crisis words"},
                 {"type": "set_priority", "priority": 1},
                 {"type": "add_tags", "tags": ["crisis"]}]},
    {"name": "Angry high-influence author to priority social",
     "conditions": {"all": [{"visibility": "public"}, {"sentiment": {"max": -0.4}},
                            {"influence": {"min": 60}}]},
     "actions": [{"type": "set_queue", "queue": "Priority social"},
                 {"type": "set_priority", "priority": 1},
                 {"type": "add_tags", "tags": ["influencer"]}]},
    {"name": "Missed calls and voicemail to callbacks",
     "conditions": {"message_kind": ["missed_call", "voicemail", "callback_request"]},
     "actions": [{"type": "set_queue", "queue": "Callbacks"},
                 {"type": "set_priority", "priority": 2}]},
    {"name": "Email to the email queue", "conditions": {"channel_kind": "email"},
     "actions": [{"type": "set_queue", "queue": "Email"}]},
    {"name": "Public complaints to social care",
     "conditions": {"all": [{"visibility": "public"}, {"intent": "complaint"}]},
     "actions": [{"type": "set_queue", "queue": "Social care"},
                 {"type": "set_priority", "priority": 2}]},
)

WEEKDAY_HOURS = {day: [["08:00", "20:00"]] for day in ("mon", "tue", "wed", "thu", "fri")}

# Seconds per priority: first response, next response, resolution.
DEMO_SLA_TARGETS = {
    "1": {"first_response": 15 * 60, "next_response": 30 * 60, "resolution": 4 * 3600},
    "2": {"first_response": 60 * 60, "next_response": 2 * 3600, "resolution": 8 * 3600},
    "3": {"first_response": 4 * 3600, "next_response": 8 * 3600, "resolution": 24 * 3600},
    "4": {"first_response": 24 * 3600, "next_response": 24 * 3600, "resolution": 72 * 3600},
}


@dataclass
class DemoWorkspace:
    logins: list[tuple[str, str, str]] = field(default_factory=list)  # email, role, password
    channels: list[Channel] = field(default_factory=list)


def workspace_is_empty(session: Session) -> bool:
    return (session.scalar(select(func.count(User.id))) or 0) == 0


def do_create_demo_workspace(session: Session) -> DemoWorkspace:
    """Queues, channels (with secrets), an SLA policy and one user per role."""
    demo = DemoWorkspace()
    default_team(session)
    calendar = BusinessCalendar(name="Support hours", timezone="Europe/London",
                                weekly_hours=WEEKDAY_HOURS, holidays=[])
    session.add(calendar)
    session.flush()
    policy = SlaPolicy(name="Standard", calendar_id=None, targets=DEMO_SLA_TARGETS,
                       warn_ratio=0.75, breach_actions=[{"action": "escalate"},
                                                        {"action": "notify"}])
    session.add(policy)
    session.flush()
    for name, description in DEMO_QUEUES:
        session.add(Queue(name=name, description=description, sla_policy_id=policy.id))
    for kind, name, external_id in DEMO_CHANNELS:
        channel = Channel(kind=kind, name=name, external_id=external_id,
                          secrets={"signing_secret": secrets.token_hex(24)})
        session.add(channel)
        demo.channels.append(channel)
    for rule in DEMO_RULES:
        do_create_rule(session, dict(rule), None)
    for term in ("Acme", "#AcmeFail", "#Acme"):
        session.add(WatchTerm(term=term))
    for email, role, name in DEMO_USERS:
        password = secrets.token_urlsafe(9)
        do_add_user(session, email, role, name=name, password=password)
        demo.logins.append((email, role, password))
    session.flush()
    return demo
