"""The catalogue of server-to-client events: every name with its payload schema.

publish() refuses an event that is not here or whose payload does not fit, so
clients can rely on these shapes (docs/realtime.md lists them). The payloads of cases
and messages are built in one place each (inbox.realtime.payloads).
"""

from __future__ import annotations

from marshmallow import INCLUDE, Schema, fields


class _Payload(Schema):
    class Meta:
        unknown = INCLUDE  # payloads may grow; listed fields keep their meaning


class CaseSummary(_Payload):
    id = fields.Integer(required=True)
    status = fields.String(required=True)
    priority = fields.Integer(required=True)
    queue_id = fields.Integer(allow_none=True, required=True)
    channel_id = fields.Integer(allow_none=True)
    contact_id = fields.Integer(allow_none=True)
    assignee_id = fields.Integer(allow_none=True, required=True)
    escalation_level = fields.Integer(required=True)
    version = fields.Integer(required=True)
    subject = fields.String()
    sla_due_at = fields.String(allow_none=True)
    sla_warn_at = fields.String(allow_none=True)
    created_at = fields.String(allow_none=True)
    tags = fields.List(fields.String())


class CaseUpdated(CaseSummary):
    change = fields.String(required=True)  # the case event kind that caused it
    actor_id = fields.Integer(allow_none=True)


class MessageCreated(_Payload):
    id = fields.Integer(required=True)
    case_id = fields.Integer(allow_none=True, required=True)
    direction = fields.String(required=True)
    visibility = fields.String(required=True)
    kind = fields.String(required=True)
    text = fields.String(required=True)
    send_status = fields.String(allow_none=True)


class MessageUpdated(_Payload):
    """An outbound message's delivery state changed: pending, sending, sent, failed.
    A four-eyes step (awaiting_approval, approved, returned; inbox.services.sending.
    approvals) adds `approval` (the message's facts.approval) and `text` (as it will go)."""

    id = fields.Integer(required=True)
    case_id = fields.Integer(allow_none=True, required=True)
    send_status = fields.String(required=True)
    send_error = fields.String(allow_none=True)


class ApprovalChanged(_Payload):
    """A public reply started or stopped awaiting a supervisor's approval
    (inbox.services.sending.approvals): awaiting, approved or returned."""

    message_id = fields.Integer(required=True)
    case_id = fields.Integer(required=True)
    state = fields.String(required=True)
    due_at = fields.String(allow_none=True)


class SlaAlert(_Payload):
    case_id = fields.Integer(required=True)
    target = fields.String(required=True)
    due_at = fields.String(required=True)
    queue_id = fields.Integer(allow_none=True)


class AgentPresence(_Payload):
    user_id = fields.Integer(required=True)
    presence = fields.String(required=True)


class QueueStats(_Payload):
    queue_id = fields.Integer(required=True)
    waiting = fields.Integer(required=True)


class CaseViewing(_Payload):
    case_id = fields.Integer(required=True)
    user_id = fields.Integer(required=True)
    name = fields.String(required=True)
    state = fields.String(required=True)  # viewing | typing | left


class CaseOffered(_Payload):
    case_id = fields.Integer(required=True)
    offer_id = fields.Integer(required=True)
    expires_at = fields.String(required=True)


class NoteMention(_Payload):
    case_id = fields.Integer(required=True)
    note_id = fields.Integer(required=True)
    by = fields.String(required=True)


class Wallboard(_Payload):
    """The supervisors' wallboard (inbox.services.supervision.wallboard)."""

    computed_at = fields.String(required=True)
    sequence = fields.Integer(required=True)  # one per computation, rising
    queues = fields.List(fields.Dict(), required=True)
    agents = fields.List(fields.Dict(), required=True)
    at_risk = fields.List(fields.Dict(), required=True)
    breached = fields.List(fields.Dict(), required=True)
    approvals = fields.Dict()  # public replies awaiting approval: {"waiting", "overdue"}


class CrisisAlertPayload(_Payload):
    """A crisis alert raised or cleared (inbox.services.listening.crisis)."""

    id = fields.Integer(required=True)
    subject_kind = fields.String(required=True)  # term | channel | negative_burst
    subject = fields.String(required=True)
    observed = fields.Integer(required=True)
    baseline = fields.Float(required=True)
    raised_at = fields.String(required=True)
    cleared_at = fields.String(allow_none=True)
    actions = fields.Dict()


CATALOGUE: dict[str, Schema] = {
    "case.created": CaseSummary(),
    "case.updated": CaseUpdated(),
    "message.created": MessageCreated(),
    "message.updated": MessageUpdated(),
    "approval.changed": ApprovalChanged(),
    "sla.warning": SlaAlert(),
    "sla.breached": SlaAlert(),
    "agent.presence": AgentPresence(),
    "queue.stats": QueueStats(),
    "case.viewing": CaseViewing(),
    "case.offered": CaseOffered(),
    "note.mention": NoteMention(),
    "wallboard.updated": Wallboard(),
    "crisis.alert": CrisisAlertPayload(),
    "crisis.cleared": CrisisAlertPayload(),
}

# The events an integrator may subscribe to (outbound event webhooks,
# docs/event-webhooks.md): each is published through inbox.realtime.publish like any
# other, and a subscription turns it into a delivery in the same transaction.
WEBHOOK_EVENTS: tuple[str, ...] = ("case.created", "case.updated", "message.created",
                                   "sla.warning", "sla.breached", "crisis.alert")
