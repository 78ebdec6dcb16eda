"""Admin resources: channels (secrets never dumped) and deliveries."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from inbox.models import CHANNEL_KINDS, DELIVERY_STATES


class ChannelIn(Schema):
    kind = fields.String(required=True, validate=validate.OneOf(CHANNEL_KINDS))
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    external_id = fields.String(load_default=None, validate=validate.Length(max=255))
    secret = fields.String(load_default=None, load_only=True,
                           validate=validate.Length(min=16, max=200),
                           metadata={"description": "signing secret (generic, raw email); "
                                                    "generated and shown once if omitted"})
    settings = fields.Dict(keys=fields.String(), load_default=dict,
                           metadata={"description": "per kind, e.g. reply_url (generic), "
                                                    "sms_enabled (voice)"})
    credentials = fields.Dict(keys=fields.String(), load_default=dict, load_only=True,
                              metadata={"description": "write-only, per kind, e.g. "
                                                       "access_token (facebook)"})


class ChannelPatch(Schema):
    name = fields.String(validate=validate.Length(min=1, max=200))
    external_id = fields.String(allow_none=True, validate=validate.Length(max=255))
    settings = fields.Dict(keys=fields.String(),
                           metadata={"description": "merged; a null value removes a setting"})
    credentials = fields.Dict(keys=fields.String(), load_only=True,
                              metadata={"description": "write-only, merged; null removes"})
    is_active = fields.Boolean(metadata={"description": "false: webhooks are refused"})


class ChannelOut(Schema):
    id = fields.Integer()
    kind = fields.String()
    name = fields.String()
    external_id = fields.String(allow_none=True)
    is_active = fields.Boolean()
    settings = fields.Dict()
    credentials_set = fields.List(fields.String(),
                                  metadata={"description": "names only, never values"})
    missing_to_send = fields.List(fields.String())
    can_send = fields.Boolean()
    rotation_grace_until = fields.String(allow_none=True)
    webhook_url = fields.String()
    created_at = fields.AwareDateTime()
    signing_secret = fields.String(
        metadata={"description": "only in the answer that generated it"})


class RotateSecretIn(Schema):
    grace_hours = fields.Float(load_default=24.0, validate=validate.Range(0, 168),
                               metadata={"description": "how long the old secret still works"})


class RotateSecretOut(Schema):
    signing_secret = fields.String()
    rotation_grace_until = fields.String(allow_none=True)


class DeliveryListArgs(Schema):
    state = fields.String(validate=validate.OneOf(DELIVERY_STATES))
    before = fields.Integer(metadata={"description": "cursor: deliveries with a smaller id"})
    limit = fields.Integer(load_default=50, validate=validate.Range(1, 200))


class DeliveryOut(Schema):
    id = fields.Integer()
    provider = fields.String()
    channel_id = fields.Integer(allow_none=True)
    received_at = fields.AwareDateTime()
    state = fields.String()
    error = fields.String(allow_none=True)
    attempts = fields.Integer()
    processed_at = fields.AwareDateTime(allow_none=True)
    outcome = fields.Dict()
    content_type = fields.String()
    size = fields.Function(lambda d: len(d.body or b""))


class DeliveryDetailOut(DeliveryOut):
    headers = fields.Dict()
    body = fields.Function(lambda d: (d.body or b"").decode("utf-8", errors="replace"))


class ReplayIn(Schema):
    ids = fields.List(fields.Integer(validate=validate.Range(1, 2**31 - 1)), load_default=list,
                      validate=validate.Length(max=10_000))
    failed = fields.Boolean(load_default=False)


class ReplayOut(Schema):
    replayed = fields.List(fields.Integer())
