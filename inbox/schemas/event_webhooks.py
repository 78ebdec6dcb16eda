"""Event subscriptions (the secret write-never, shown once) and their delivery log."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from inbox.models import EVENT_DELIVERY_STATUSES
from inbox.realtime.events import WEBHOOK_EVENTS


def _events(required: bool = False) -> fields.List:
    return fields.List(fields.String(validate=validate.OneOf(WEBHOOK_EVENTS)),
                       validate=validate.Length(min=1),
                       metadata={"description": "event types: " + ", ".join(WEBHOOK_EVENTS)},
                       required=required)


class SubscriptionIn(Schema):
    url = fields.String(required=True, validate=validate.Length(min=1, max=2000))
    events = _events(required=True)
    description = fields.String(load_default="", validate=validate.Length(max=500))
    enabled = fields.Boolean(load_default=True)


class SubscriptionPatch(Schema):
    url = fields.String(validate=validate.Length(min=1, max=2000))
    events = _events()
    description = fields.String(validate=validate.Length(max=500))
    enabled = fields.Boolean()


class SubscriptionOut(Schema):
    id = fields.Integer()
    url = fields.String()
    events = fields.List(fields.String())
    enabled = fields.Boolean()
    description = fields.String()
    created_by_id = fields.Integer(allow_none=True)
    created_at = fields.AwareDateTime()
    secret = fields.String(metadata={"description": "only in the answer to create"})


class SecretOut(Schema):
    secret = fields.String()


class EventDeliveryListArgs(Schema):
    subscription_id = fields.Integer()
    status = fields.String(validate=validate.OneOf(EVENT_DELIVERY_STATUSES))
    event = fields.String(validate=validate.Length(max=60))
    before = fields.Integer(metadata={"description": "cursor: deliveries with a smaller id"})
    limit = fields.Integer(load_default=50, validate=validate.Range(1, 200))


class EventDeliveryOut(Schema):
    id = fields.Integer()
    delivery_id = fields.String()
    subscription_id = fields.Integer()
    event = fields.String()
    status = fields.String()
    attempts = fields.Integer()
    next_attempt_at = fields.AwareDateTime(allow_none=True)
    first_attempt_at = fields.AwareDateTime(allow_none=True)
    last_status_code = fields.Integer(allow_none=True)
    last_error = fields.String(allow_none=True)
    created_at = fields.AwareDateTime()
    updated_at = fields.AwareDateTime()
    delivered_at = fields.AwareDateTime(allow_none=True)


class EventDeliveryDetailOut(EventDeliveryOut):
    payload = fields.Dict()
