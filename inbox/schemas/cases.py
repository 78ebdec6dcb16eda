"""Case input and output shapes."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from inbox.schemas.fast_dump import FastDumpSchema


class CaseEventOut(FastDumpSchema):
    id = fields.Integer()
    kind = fields.String()
    actor_id = fields.Integer(allow_none=True)
    from_status = fields.String(allow_none=True)
    to_status = fields.String(allow_none=True)
    data = fields.Dict()
    created_at = fields.AwareDateTime()


class MessageOut(FastDumpSchema):
    id = fields.Integer()
    channel_id = fields.Integer()
    external_id = fields.String()
    direction = fields.String()
    visibility = fields.String()
    kind = fields.String()
    text = fields.String()
    html = fields.String(allow_none=True)  # raw; the desk sanitizes it (DOMPurify) to show
    subject = fields.String(allow_none=True)
    url = fields.String(allow_none=True)
    parent_external_id = fields.String(allow_none=True)
    author_id = fields.Integer(allow_none=True)
    contact_id = fields.Integer(allow_none=True)
    sent_at = fields.AwareDateTime()
    sentiment = fields.Float(allow_none=True)
    language = fields.String(allow_none=True)
    intent = fields.String(allow_none=True)
    facts = fields.Dict()
    send_status = fields.String(allow_none=True)
    send_error = fields.String(allow_none=True)


class CaseOut(FastDumpSchema):
    id = fields.Integer()
    subject = fields.String()
    status = fields.String()
    priority = fields.Integer()
    queue_id = fields.Integer(allow_none=True)
    channel_id = fields.Integer(allow_none=True)
    contact_id = fields.Integer(allow_none=True)
    assignee_id = fields.Integer(allow_none=True)
    escalation_level = fields.Integer()
    tags = fields.List(fields.String())
    version = fields.Integer()
    first_response_due_at = fields.AwareDateTime(allow_none=True)
    next_response_due_at = fields.AwareDateTime(allow_none=True)
    resolution_due_at = fields.AwareDateTime(allow_none=True)
    sla_due_at = fields.AwareDateTime(allow_none=True)
    sla_warn_at = fields.AwareDateTime(allow_none=True)
    first_responded_at = fields.AwareDateTime(allow_none=True)
    resolved_at = fields.AwareDateTime(allow_none=True)
    disposition = fields.String(allow_none=True)
    linked_case_id = fields.Integer(allow_none=True)
    last_message_at = fields.AwareDateTime(allow_none=True)
    created_at = fields.AwareDateTime()
    updated_at = fields.AwareDateTime()


class CaseDetailOut(CaseOut):
    messages = fields.List(fields.Nested(MessageOut), metadata={
        "description": "the newest page of the case's messages, oldest first"})
    messages_before = fields.Integer(allow_none=True, metadata={
        "description": "older messages exist: ask GET /cases/<id>/messages?before=<this>; "
                       "null when `messages` starts at the first one"})
    events = fields.List(fields.Nested(CaseEventOut))
    contact = fields.Dict(allow_none=True)


class CaseListArgs(Schema):
    status = fields.String(validate=validate.OneOf(
        ["new", "queued", "assigned", "pending", "resolved", "closed", "open"]))
    queue = fields.Integer()
    channel = fields.Integer()
    assignee = fields.String(metadata={"description": "a user id, 'me' or 'none'"})
    priority = fields.Integer(validate=validate.Range(1, 4))
    contact = fields.Integer()
    q = fields.String(validate=validate.Length(max=200), metadata={
        "description": "a case id (42 or #42), or text in the subject, the messages, the "
                       "customer's name or handle (@name)"})
    order = fields.String(validate=validate.OneOf(["urgency", "newest"]), metadata={
        "description": "urgency (priority, SLA due, age: the queue's order, what next takes) "
                       "or newest; by default urgency, newest for resolved and closed"})
    cursor = fields.String()
    limit = fields.Integer(load_default=50, validate=validate.Range(1, 200))


class CasePage(FastDumpSchema):
    items = fields.List(fields.Nested(CaseOut))
    total = fields.Integer(metadata={"description": "cases matching, over every page"})
    order = fields.String()
    next_cursor = fields.String(allow_none=True)


class ReasonIn(Schema):
    reason = fields.String(required=True, validate=validate.Length(min=1, max=2000))


class EscalateIn(ReasonIn):
    queue_id = fields.Integer(allow_none=True)


class TransferIn(Schema):
    queue_id = fields.Integer()
    agent_id = fields.Integer()


class PriorityIn(Schema):
    priority = fields.Integer(required=True, validate=validate.Range(1, 4),
                              metadata={"description": "1 (most urgent) to 4"})


class ResolveIn(Schema):
    disposition = fields.String(required=True, validate=validate.Length(min=1, max=80))


class MergeIn(Schema):
    into_case_id = fields.Integer(required=True, metadata={
        "description": "the open case of the same customer that takes this case's work"})


class ReopenIn(Schema):
    reason = fields.String(load_default="reopened by an agent", validate=validate.Length(max=2000))


class MessagePageArgs(Schema):
    before = fields.Integer(metadata={
        "description": "a message id: the messages older than it (messages_before, or this "
                       "answer's own `before`)"})
    limit = fields.Integer(load_default=50, validate=validate.Range(1, 200))


class MessagePage(FastDumpSchema):
    items = fields.List(fields.Nested(MessageOut), metadata={"description": "oldest first"})
    before = fields.Integer(allow_none=True, metadata={
        "description": "the cursor for the page older than this one; null at the first message"})
