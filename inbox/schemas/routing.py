"""Routing rules, queues and agents' presence: API shapes."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from inbox.models import PRESENCE


class RuleIn(Schema):
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    position = fields.Integer()
    enabled = fields.Boolean(load_default=True)
    conditions = fields.Dict(load_default=dict)
    actions = fields.List(fields.Raw(), load_default=list)
    stop_processing = fields.Boolean(load_default=True)


class RulePatch(Schema):
    name = fields.String(validate=validate.Length(min=1, max=200))
    position = fields.Integer()
    enabled = fields.Boolean()
    conditions = fields.Dict()
    actions = fields.List(fields.Raw())
    stop_processing = fields.Boolean()
    version = fields.Integer(metadata={"description": "the version you edited; 409 if stale"})


class RuleOut(Schema):
    id = fields.Integer()
    name = fields.String()
    position = fields.Integer()
    enabled = fields.Boolean()
    conditions = fields.Dict()
    actions = fields.List(fields.Raw())
    stop_processing = fields.Boolean()
    version = fields.Integer()
    created_at = fields.AwareDateTime()
    updated_at = fields.AwareDateTime()


class RuleRevisionOut(Schema):
    version = fields.Integer()
    changed_by_id = fields.Integer(allow_none=True)
    snapshot = fields.Dict()
    created_at = fields.AwareDateTime()


class SampleAuthor(Schema):
    followers = fields.Integer(validate=validate.Range(min=0))
    following = fields.Integer(validate=validate.Range(min=0))
    verified = fields.Boolean()
    location = fields.String(validate=validate.Length(max=200))  # where, as the profile says
    email = fields.String(validate=validate.Length(max=254))
    phone = fields.String(validate=validate.Length(max=40))


class SampleMessage(Schema):
    text = fields.String(required=True)
    channel_kind = fields.String(load_default="generic")
    channel_id = fields.Integer()
    visibility = fields.String(load_default="public",
                               validate=validate.OneOf(["public", "private"]))
    kind = fields.String(load_default="comment")
    language = fields.String()
    rating = fields.Integer(validate=validate.Range(1, 5))
    contact_tags = fields.List(fields.String())
    in_business_hours = fields.Boolean(load_default=True)
    author = fields.Nested(SampleAuthor, load_default=dict)


class DryRunIn(Schema):
    message = fields.Nested(SampleMessage, required=True)
    rule = fields.Nested(RuleIn, metadata={"description": "an unsaved rule, tried first"})


class RecentDryRunIn(Schema):
    rule = fields.Nested(RuleIn, metadata={"description": "an unsaved rule, tried first"})
    limit = fields.Integer(load_default=20, validate=validate.Range(1, 100),
                           metadata={"description": "how many of the latest cases"})


class RecentDryRunOut(Schema):
    case_id = fields.Integer()
    subject = fields.String()
    matched = fields.List(fields.Dict())
    draft_matches = fields.Boolean()
    queue_id = fields.Integer(allow_none=True)
    priority = fields.Integer(allow_none=True)
    tags = fields.List(fields.String())
    required_skills = fields.List(fields.String())
    monitor_only = fields.Boolean()


class DryRunOut(Schema):
    matched = fields.List(fields.Dict())
    decision = fields.Dict()
    facts = fields.Dict()


class QueueStatsOut(Schema):
    id = fields.Integer()
    name = fields.String()
    mode = fields.String()
    waiting = fields.Integer()
    oldest_wait_seconds = fields.Integer(allow_none=True)
    at_risk = fields.Integer()
    breached = fields.Integer()
    agents_online = fields.Integer()


class PresenceIn(Schema):
    presence = fields.String(required=True, validate=validate.OneOf(PRESENCE))


class CalendarIn(Schema):
    name = fields.String(required=True, validate=validate.Length(min=1, max=120))
    timezone = fields.String(load_default="UTC")
    weekly_hours = fields.Dict(load_default=dict)
    holidays = fields.List(fields.String(), load_default=list)


class CalendarPatch(Schema):
    name = fields.String(validate=validate.Length(min=1, max=120))
    timezone = fields.String()
    weekly_hours = fields.Dict()
    holidays = fields.List(fields.String())


class CalendarOut(CalendarIn):
    id = fields.Integer()


class PolicyIn(Schema):
    name = fields.String(required=True, validate=validate.Length(min=1, max=120))
    calendar_id = fields.Integer(allow_none=True, load_default=None)
    targets = fields.Dict(load_default=dict)
    warn_ratio = fields.Float(load_default=0.75)
    breach_actions = fields.List(fields.Dict(), load_default=list)


class PolicyPatch(Schema):
    name = fields.String(validate=validate.Length(min=1, max=120))
    calendar_id = fields.Integer(allow_none=True)
    targets = fields.Dict()
    warn_ratio = fields.Float()
    breach_actions = fields.List(fields.Dict())


class PolicyOut(Schema):
    id = fields.Integer()
    name = fields.String()
    calendar_id = fields.Integer(allow_none=True)
    targets = fields.Dict()
    warn_ratio = fields.Float()
    breach_actions = fields.List(fields.Dict())
    recomputed_cases = fields.Integer()


class OfferOut(Schema):
    id = fields.Integer()
    case_id = fields.Integer()
    state = fields.String()
    offered_at = fields.AwareDateTime()
    expires_at = fields.AwareDateTime()
