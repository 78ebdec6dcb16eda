"""The contact panel's shape, merging one contact into another, and erasing one."""

from __future__ import annotations

from marshmallow import Schema, fields, validate


class ContactOut(Schema):
    id = fields.Integer()
    display_name = fields.String()
    email = fields.String(allow_none=True)
    phone = fields.String(allow_none=True)
    followers = fields.Integer()
    verified = fields.Boolean()
    location = fields.String(allow_none=True)
    country = fields.String(allow_none=True, metadata={"description": "ISO 3166-1 alpha-2"})
    country_name = fields.String(allow_none=True)
    region = fields.String(allow_none=True)
    subdivision = fields.String(allow_none=True, metadata={"description": "ISO 3166-2"})
    location_source = fields.String(allow_none=True, metadata={
        "description": "agent, profile, phone, email or language (docs/geography.md)"})
    influence_score = fields.Integer()
    tags = fields.List(fields.String())
    identities = fields.List(fields.Dict())
    cases = fields.List(fields.Dict())
    timeline = fields.List(fields.Dict())
    sentiment_trend = fields.List(fields.Dict())


class ErasureIn(Schema):
    confirm = fields.String(required=True, validate=validate.Equal(
        "erase", error="must be 'erase': the erasure cannot be undone"))


class ErasureOut(Schema):
    messages = fields.Integer()
    notes = fields.Integer()
    cases = fields.Integer()
    identities = fields.Integer()


class ContactMergeIn(Schema):
    into_contact_id = fields.Integer(required=True, metadata={
        "description": "the contact that takes this one's identities and cases"})


class PlaceIn(Schema):
    country = fields.String(required=True, allow_none=True, metadata={
        "description": "ISO 3166-1 alpha-2; null goes back to guessing"})
    subdivision = fields.String(load_default=None, allow_none=True,
                                metadata={"description": "ISO 3166-2, of that country"})


class GeographyOut(Schema):
    countries = fields.List(fields.Dict(), metadata={"description": "code, name, region"})
    regions = fields.List(fields.Dict(), metadata={"description": "name, countries"})
