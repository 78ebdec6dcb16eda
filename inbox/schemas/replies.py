"""Replies, internal notes and canned responses: API input and output shapes."""

from __future__ import annotations

from marshmallow import Schema, ValidationError, fields, validate

MAX_REPLY_LENGTH = 100_000  # platform limits are checked by the service, per channel


def _not_blank(value: str) -> None:
    if not value.strip():
        raise ValidationError("must not be blank")


class ReplyIn(Schema):
    text = fields.String(required=True,
                         validate=[validate.Length(max=MAX_REPLY_LENGTH), _not_blank])
    visibility = fields.String(load_default=None, allow_none=True,
                               validate=validate.OneOf(["public", "private"]),
                               metadata={"description": "default: the conversation's own"})
    confirm_public_contact_details = fields.Boolean(load_default=False)


class NoteIn(Schema):
    text = fields.String(required=True, validate=[validate.Length(max=10_000), _not_blank])


class NoteOut(Schema):
    id = fields.Integer()
    case_id = fields.Integer()
    text = fields.String()
    author_id = fields.Integer(allow_none=True)
    mentions = fields.List(fields.Integer())
    created_at = fields.AwareDateTime()


class CannedArgs(Schema):
    q = fields.String(load_default=None, validate=validate.Length(max=200))


class CannedIn(Schema):
    title = fields.String(required=True, validate=[validate.Length(max=200), _not_blank])
    body = fields.String(required=True, validate=[validate.Length(max=10_000), _not_blank])
    tags = fields.List(fields.String(validate=validate.Length(max=50)), load_default=list,
                       validate=validate.Length(max=20))


class CannedPatch(Schema):
    title = fields.String(validate=[validate.Length(max=200), _not_blank])
    body = fields.String(validate=[validate.Length(max=10_000), _not_blank])
    tags = fields.List(fields.String(validate=validate.Length(max=50)),
                       validate=validate.Length(max=20))


class CannedOut(Schema):
    id = fields.Integer()
    title = fields.String()
    body = fields.String()
    tags = fields.List(fields.String())
