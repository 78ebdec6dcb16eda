"""Four-eyes public replies: the supervisors' list and their decisions."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from inbox.schemas.replies import MAX_REPLY_LENGTH


class ApproveIn(Schema):
    text = fields.String(load_default=None, allow_none=True,
                         validate=validate.Length(max=MAX_REPLY_LENGTH),
                         metadata={"description": "the edited reply; default: as written"})


class SendBackIn(Schema):
    comment = fields.String(required=True, validate=validate.Length(max=2000),
                            metadata={"description": "what the agent should change"})


class ApprovalOut(Schema):
    message_id = fields.Integer()
    case_id = fields.Integer()
    case_subject = fields.String()
    case_priority = fields.Integer()
    queue = fields.String(allow_none=True)
    channel = fields.String(allow_none=True)
    channel_kind = fields.String(allow_none=True)
    contact = fields.String(allow_none=True)
    customer_text = fields.String(allow_none=True, metadata={
        "description": "the customer's message the reply answers"})
    text = fields.String()
    visibility = fields.String()
    author_id = fields.Integer(allow_none=True)
    requested_by = fields.String(allow_none=True)
    requested_at = fields.String(allow_none=True)
    due_at = fields.String(allow_none=True)
    overdue = fields.Boolean()
