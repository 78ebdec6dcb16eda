"""Errors the service layer raises; every edge maps them to one 4xx envelope."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

Row = TypeVar("Row")


class ServiceError(Exception):
    status = 400
    code = "bad_request"

    def __init__(self, message: str, *, fields: dict[str, Any] | None = None, **details: Any):
        super().__init__(message)
        self.message = message
        self.fields = fields or {}
        self.details = details


class NotFound(ServiceError):
    status = 404
    code = "not_found"


class Forbidden(ServiceError):
    status = 403
    code = "forbidden"


class Conflict(ServiceError):
    status = 409
    code = "conflict"


class IllegalTransition(Conflict):
    code = "illegal_transition"


class ValidationFailed(ServiceError):
    status = 422
    code = "validation_failed"


def found(session: Session, model: type[Row], row_id: int, what: str) -> Row:
    """`model`'s row `row_id`, or NotFound saying "<what> <row_id> not found"."""
    row = session.get(model, row_id)
    if row is None:
        raise NotFound(f"{what} {row_id} not found")
    return row
