"""SQLAlchemy 2 typed models; migrations/ holds their Alembic revisions."""

from inbox.models.audit import AdminChange
from inbox.models.base import Base, utcnow
from inbox.models.canned import CannedResponse
from inbox.models.cases import (
    CASE_STATUSES,
    OPEN_STATUSES,
    Case,
    CaseEvent,
    CaseOffer,
    ConversationThread,
    Message,
)
from inbox.models.channels import CHANNEL_KINDS, DELIVERY_STATES, Channel, Delivery
from inbox.models.classifier import ComplaintLabel, ComplaintModel
from inbox.models.contacts import Contact, ContactIdentity
from inbox.models.crisis import CRISIS_SUBJECTS, CrisisAlert, CrisisSettings
from inbox.models.event_webhooks import EVENT_DELIVERY_STATUSES, EventDelivery, EventSubscription
from inbox.models.people import PRESENCE, ROLES, ApiToken, SignIn, Skill, Team, User
from inbox.models.workspace import (
    BusinessCalendar,
    Queue,
    RoutingRule,
    RoutingRuleRevision,
    SlaPolicy,
    WatchTerm,
)

__all__ = [
    "ComplaintLabel",
    "ComplaintModel",
    "CRISIS_SUBJECTS",
    "CrisisAlert",
    "CrisisSettings",
    "EVENT_DELIVERY_STATUSES",
    "EventDelivery",
    "EventSubscription",
    "AdminChange",
    "Base",
    "utcnow",
    "CannedResponse",
    "CASE_STATUSES",
    "OPEN_STATUSES",
    "Case",
    "CaseEvent",
    "CaseOffer",
    "ConversationThread",
    "Message",
    "CHANNEL_KINDS",
    "DELIVERY_STATES",
    "Channel",
    "Delivery",
    "Contact",
    "ContactIdentity",
    "PRESENCE",
    "ROLES",
    "ApiToken",
    "SignIn",
    "Skill",
    "Team",
    "User",
    "BusinessCalendar",
    "Queue",
    "RoutingRule",
    "RoutingRuleRevision",
    "SlaPolicy",
    "WatchTerm",
]
