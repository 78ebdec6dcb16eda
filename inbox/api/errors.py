"""One JSON error envelope for every API error: {"error": {"code", "message", "fields"}}."""

from __future__ import annotations

from typing import Any

from flask import Flask, Response, jsonify, request
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import DataError, OperationalError
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.exceptions import HTTPException

from inbox.db import LOCK_NOT_AVAILABLE, sqlstate
from inbox.services.errors import ServiceError


def error_response(
    status: int, code: str, message: str, fields: dict[str, Any] | None = None, **details: Any
) -> Response:
    body: dict[str, Any] = {"code": code, "message": message, "fields": fields or {}}
    body.update(details)
    response = jsonify({"error": body})
    response.status_code = status
    return response


def _wants_json() -> bool:
    return request.path.startswith(("/api/", "/webhooks/", "/healthz", "/readyz")) or (
        request.accept_mimetypes.best == "application/json"
    )


def _http_code(exc: HTTPException) -> str:
    return (exc.name or "error").lower().replace(" ", "_").replace("'", "")


def handle_http_exception(exc: HTTPException) -> Response | HTTPException:
    if not _wants_json():
        return exc
    status = exc.code or 500
    data = getattr(exc, "data", None) or {}
    messages = data.get("messages") if isinstance(data, dict) else None
    if messages:  # webargs/marshmallow validation: name the fields at fault
        fields: dict[str, Any] = {}
        for location_errors in messages.values():
            fields.update(location_errors if isinstance(location_errors, dict) else {})
        return error_response(status, "validation_failed", "the request is not valid", fields)
    message = data.get("message") if isinstance(data, dict) else None
    return error_response(status, _http_code(exc), message or exc.description or exc.name)


def handle_service_error(exc: ServiceError) -> Response:
    return error_response(exc.status, exc.code, exc.message, exc.fields, **exc.details)


def handle_stale(exc: StaleDataError) -> Response:
    return error_response(
        409, "conflict", "the case was changed by someone else at the same moment; reload it"
    )


def handle_out_of_range(exc: Exception) -> Response:
    """A number or value the database cannot hold that no schema caught: the caller's
    mistake, a 422 — never a 500 (the schemas name the field where they can)."""
    return error_response(422, "validation_failed",
                          "a value in the request is out of range or not storable")


def handle_database_unavailable(exc: OperationalError) -> Response:
    """The database went away (restart, failover) or a row stayed locked past the lock
    timeout: a clear 503, never a 500."""
    if sqlstate(exc) == LOCK_NOT_AVAILABLE:
        return error_response(503, "database_busy",
                              "what this needs is locked by other work; retry shortly")
    return error_response(503, "database_unavailable",
                          "the database is not reachable right now; retry shortly")


def handle_csrf(exc: CSRFError) -> Response | HTTPException:
    if not _wants_json():
        return exc
    return error_response(400, "csrf_failed", exc.description)


def register(app: Flask) -> None:
    app.register_error_handler(ServiceError, handle_service_error)
    app.register_error_handler(StaleDataError, handle_stale)
    app.register_error_handler(CSRFError, handle_csrf)
    app.register_error_handler(OperationalError, handle_database_unavailable)
    app.register_error_handler(DataError, handle_out_of_range)
    app.register_error_handler(OverflowError, handle_out_of_range)
    app.register_error_handler(HTTPException, handle_http_exception)
