"""The watch list and the monitored stream: API shapes."""

from __future__ import annotations

from marshmallow import Schema, fields, validate


class WatchTermIn(Schema):
    term = fields.String(required=True, validate=validate.Length(min=2, max=200))


class WatchTermOut(WatchTermIn):
    id = fields.Integer()
    # A hashtag is a term written with its '#': the listening match treats both alike.
    kind = fields.Function(lambda t: "hashtag" if t.term.startswith("#") else "term")


class MonitoredArgs(Schema):
    q = fields.String(validate=validate.Length(max=200))
    before = fields.Integer()
    limit = fields.Integer(load_default=50, validate=validate.Range(1, 200))
