"""The watch list and the monitored stream: API shapes."""

from __future__ import annotations

from marshmallow import Schema, fields, validate


class WatchTermIn(Schema):
    term = fields.String(required=True, validate=validate.Length(min=2, max=200))


class WatchTermOut(WatchTermIn):
    id = fields.Integer()
    # A hashtag is a term written with its '#': the listening match treats both alike.
    kind = fields.Function(lambda t: "hashtag" if t.term.startswith("#") else "term")


SENTIMENTS = ("negative", "neutral", "positive")


class MonitoredArgs(Schema):
    q = fields.String(validate=validate.Length(max=200))
    term = fields.String(validate=validate.Length(min=2, max=200))  # a watch term it names
    sentiment = fields.String(validate=validate.OneOf(SENTIMENTS))
    influence_min = fields.Integer(validate=validate.Range(0, 100))
    language = fields.String(validate=validate.Length(min=2, max=12))
    channel_id = fields.Integer()
    before = fields.Integer()
    limit = fields.Integer(load_default=50, validate=validate.Range(1, 200))


class TrendsArgs(Schema):
    hours = fields.Integer(load_default=6, validate=validate.Range(1, 48))
