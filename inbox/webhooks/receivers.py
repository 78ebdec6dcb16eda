"""POST /webhooks/<provider>: thin. The raw bytes go to the service; nothing is parsed here."""

from __future__ import annotations

from collections.abc import Callable
from io import BytesIO

from flask import Blueprint, Response, current_app, jsonify, request
from werkzeug.formparser import FormDataParser

from inbox.api.errors import error_response
from inbox.channels.inbound import InboundRequest, VerificationFailed
from inbox.runtime import current
from inbox.services.ingest.deliveries import do_accept_delivery
from inbox.webhooks.intake import RETRY_AFTER, NoRoom, body_slot, read_body

blp = Blueprint("webhooks", __name__, url_prefix="/webhooks")

FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def _inbound() -> InboundRequest:
    body = read_body(request.environ, request.content_length,
                     current_app.config["MAX_CONTENT_LENGTH"])
    form: dict[str, str] = {}
    if request.mimetype in FORM_TYPES:
        # Parsed from our own copy of the bytes, so the raw body stays intact.
        _, parsed, _ = FormDataParser(max_content_length=current_app.config["MAX_CONTENT_LENGTH"]
                                      ).parse(BytesIO(body), request.mimetype, len(body),
                                              request.mimetype_params)
        form = {key: parsed.get(key, "") for key in parsed}
    return InboundRequest(
        method=request.method,
        url=_public_url(),
        headers={k.lower(): v for k, v in request.headers.items()},
        body=body,
        query={k: v for k, v in request.args.items()},
        form=form,
    )


def _public_url() -> str:
    """The URL the provider called (Twilio signs it), as configured, not as proxied."""
    base = current().settings.public_url
    query = request.query_string.decode("latin-1")
    return f"{base}{request.path}" + (f"?{query}" if query else "")


def _accepted(delivery_id: int) -> Response:
    # The answer to nearly every request of this process, so formatted directly: the same
    # bytes and headers jsonify gives (sorted keys, compact, trailing newline), a third of
    # the CPU.
    return current_app.response_class(
        b'{"delivery_id":%d,"status":"accepted"}\n' % delivery_id, mimetype="application/json")


def _receive(provider: str, channel_id: int | None = None,
             precheck: Callable[[InboundRequest], dict[str, str]] | None = None) -> Response:
    """Read the body (at most MAX_CONTENT_LENGTH, a large one only when there is room for
    it: inbox.webhooks.intake) and hand it to the service."""
    try:
        with body_slot(request.content_length):
            inbound = _inbound()
            check = (lambda: precheck(inbound)) if precheck is not None else None
            return _accepted(do_accept_delivery(provider, inbound, channel_id, precheck=check))
    except NoRoom as exc:
        response = error_response(503, "busy", str(exc))
        response.headers["Retry-After"] = str(RETRY_AFTER)
        return response


@blp.get("/meta")
def meta_subscribe() -> Response | tuple[str, int, dict[str, str]]:
    from inbox.channels.meta import verify_subscription

    try:
        challenge = verify_subscription(dict(request.args), current().settings.meta_verify_token)
    except VerificationFailed as exc:
        return error_response(exc.status, "verification_failed", exc.reason)
    return challenge, 200, {"Content-Type": "text/plain"}


@blp.post("/meta")
def meta_event() -> Response:
    return _receive("meta")


@blp.get("/x")
def x_crc() -> Response:
    from inbox.channels.x import crc_response

    token = request.args.get("crc_token", "")
    if not token:
        return error_response(400, "bad_request", "crc_token query parameter is required")
    secret = current().settings.x_consumer_secret
    if not secret:
        return error_response(503, "not_configured", "X_CONSUMER_SECRET is not set")
    return jsonify(crc_response(token, secret))


@blp.post("/x")
def x_event() -> Response:
    return _receive("x")


@blp.post("/email/mailgun")
def mailgun_email() -> Response:
    return _receive("mailgun")


@blp.post("/email/raw/<int:channel_id>")
def raw_email(channel_id: int) -> Response:
    return _receive("email_raw", channel_id)


@blp.post("/voice")
def voice() -> Response:
    _receive("voice")
    # Twilio reads TwiML from a voice URL; an empty response ends our part of the call.
    return Response('<?xml version="1.0" encoding="UTF-8"?><Response/>',
                    mimetype="text/xml")


@blp.post("/generic/<int:channel_id>")
def generic(channel_id: int) -> Response:
    from inbox.channels.generic import validate_body

    return _receive("generic", channel_id, precheck=lambda inbound: validate_body(inbound.body))
