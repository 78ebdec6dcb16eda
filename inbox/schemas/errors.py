"""The error envelope every API error answers with (inbox.api.errors), as documented."""

from __future__ import annotations

from marshmallow import Schema, fields


class ErrorDetail(Schema):
    code = fields.String(metadata={"description": "what went wrong, e.g. validation_failed"})
    message = fields.String(metadata={"description": "the same, in words"})
    fields_ = fields.Dict(data_key="fields", metadata={
        "description": "the fields at fault and why (validation errors)"})


class ErrorEnvelope(Schema):
    error = fields.Nested(ErrorDetail)
