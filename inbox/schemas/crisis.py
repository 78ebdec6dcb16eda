"""Crisis alerts and the crisis settings: API shapes."""

from __future__ import annotations

from marshmallow import Schema, fields, validate


class CrisisAlertOut(Schema):
    id = fields.Integer()
    subject_kind = fields.String()
    subject = fields.String()
    observed = fields.Integer()
    baseline = fields.Float()
    raised_at = fields.DateTime()
    cleared_at = fields.DateTime(allow_none=True)
    cleared_by_id = fields.Integer(allow_none=True)
    actions = fields.Dict()
    cases_changed = fields.Integer()


class CrisisAlertArgs(Schema):
    active = fields.Boolean(load_default=False)
    limit = fields.Integer(load_default=50, validate=validate.Range(1, 200))


class CrisisSettingsSchema(Schema):
    multiple = fields.Float(validate=validate.Range(1.0, 1000.0))
    window_minutes = fields.Integer(validate=validate.Range(1, 240))
    baseline_hours = fields.Integer(validate=validate.Range(1, 24 * 14))
    min_volume = fields.Integer(validate=validate.Range(1, 100_000))
    burst_count = fields.Integer(validate=validate.Range(1, 100_000))
    burst_sentiment = fields.Float(validate=validate.Range(-1.0, 0.0))
    burst_influence = fields.Integer(validate=validate.Range(0, 100))
    priority = fields.Integer(allow_none=True, validate=validate.Range(1, 4))
    queue_id = fields.Integer(allow_none=True)
    notify = fields.Boolean()
