"""Users, teams, queues, API tokens and the record of admin changes."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from inbox.models import ROLES

_NAMES = fields.List(fields.String(validate=validate.Length(min=1, max=120)))


class UserIn(Schema):
    email = fields.String(required=True, validate=validate.Length(max=254))
    role = fields.String(required=True, validate=validate.OneOf(ROLES))
    name = fields.String(validate=validate.Length(min=1, max=200))
    password = fields.String(load_only=True, validate=validate.Length(min=8, max=200))
    teams = _NAMES
    skills = _NAMES
    capacity = fields.Dict(keys=fields.String(), values=fields.Raw())
    approve_public_replies = fields.Boolean(metadata={
        "description": "this agent's public replies wait for a supervisor's approval"})


class UserPatch(Schema):
    name = fields.String(validate=validate.Length(min=1, max=200))
    role = fields.String(validate=validate.OneOf(ROLES))
    teams = _NAMES
    skills = _NAMES
    capacity = fields.Dict(keys=fields.String(), values=fields.Raw())
    is_active = fields.Boolean(metadata={"description": "false ends sessions, tokens, sockets"})
    approve_public_replies = fields.Boolean(metadata={
        "description": "this agent's public replies wait for a supervisor's approval"})
    password = fields.String(load_only=True, validate=validate.Length(min=8, max=200), metadata={
        "description": "a new password (admins): every sign-in of the user ends"})


class UserOut(Schema):
    id = fields.Integer()
    email = fields.String()
    name = fields.String()
    role = fields.String()
    is_active = fields.Boolean()
    presence = fields.String()
    teams = fields.List(fields.String())
    skills = fields.List(fields.String())
    capacity = fields.Dict()
    approve_public_replies = fields.Boolean()
    created_at = fields.AwareDateTime()


class TeamIn(Schema):
    name = fields.String(required=True, validate=validate.Length(min=1, max=120))


class TeamOut(Schema):
    id = fields.Integer()
    name = fields.String()
    is_default = fields.Boolean()
    members = fields.Integer()


class QueueIn(Schema):
    name = fields.String(required=True, validate=validate.Length(min=1, max=120))
    description = fields.String(validate=validate.Length(max=2000))
    mode = fields.String(validate=validate.OneOf(["pull", "push"]))
    offer_timeout_seconds = fields.Integer(validate=validate.Range(5, 600))
    approve_public_replies = fields.Boolean(metadata={
        "description": "agents' public replies here wait for a supervisor's approval"})
    approval_minutes = fields.Integer(validate=validate.Range(1, 1440), metadata={
        "description": "the approval's target, in minutes (default 15)"})
    teams = _NAMES


class QueuePatch(QueueIn):
    name = fields.String(validate=validate.Length(min=1, max=120))


class QueueOut(Schema):
    id = fields.Integer()
    name = fields.String()
    description = fields.String()
    mode = fields.String()
    offer_timeout_seconds = fields.Integer()
    approve_public_replies = fields.Boolean()
    approval_minutes = fields.Integer()
    teams = fields.List(fields.String())


class TokenListArgs(Schema):
    """Tokens or sign-ins: the caller's own, or with all=true everyone's (admins)."""

    all = fields.Boolean(load_default=False,
                         metadata={"description": "every user's, not only yours (admins)"})


class TokenIn(Schema):
    name = fields.String(required=True, validate=validate.Length(min=1, max=120))
    user_id = fields.Integer(metadata={"description": "another user's token (admins)"})


class TokenOut(Schema):
    id = fields.Integer()
    name = fields.String()
    prefix = fields.String(allow_none=True)
    user_id = fields.Integer()
    user_email = fields.String()
    created_at = fields.AwareDateTime()
    last_used_at = fields.AwareDateTime(allow_none=True)
    revoked_at = fields.AwareDateTime(allow_none=True)
    token = fields.String(metadata={"description": "only in the answer that created it"})


class SignInOut(Schema):
    id = fields.Integer()
    user_id = fields.Integer()
    user_email = fields.String()
    user_agent = fields.String()
    address = fields.String()
    created_at = fields.AwareDateTime()
    last_seen_at = fields.AwareDateTime()
    expires_at = fields.AwareDateTime()
    remembered = fields.Boolean(metadata={"description": "kept signed in across restarts"})
    current = fields.Boolean(metadata={"description": "the browser asking"})


class AdminChangeArgs(Schema):
    actor = fields.String(validate=validate.Length(max=254),
                          metadata={"description": "part of who: an email, 'command line'"})
    action = fields.String(validate=validate.Length(max=60),
                           metadata={"description": "an action, or its family: 'channel'"})
    target_kind = fields.String(validate=validate.OneOf(
        ["channel", "user", "team", "queue", "token", "contact", "watch_term", "rule",
         "sla_policy", "calendar", "canned_response", "event_subscription",
         "event_delivery", "crisis_alert", "crisis_settings"]))
    target_id = fields.Integer()
    since = fields.AwareDateTime(metadata={"description": "changes from this moment"})
    until = fields.AwareDateTime(metadata={"description": "changes before this moment"})
    before = fields.Integer(metadata={"description": "changes older than this id (paging)"})
    limit = fields.Integer(load_default=100, validate=validate.Range(1, 500))


class AdminChangeOut(Schema):
    id = fields.Integer()
    actor = fields.String()
    actor_id = fields.Integer(allow_none=True)
    action = fields.String()
    target_kind = fields.String()
    target_id = fields.Integer(allow_none=True)
    changes = fields.Dict()
    created_at = fields.AwareDateTime()
    origin = fields.String(allow_none=True, metadata={"description": "the caller's address"})
