"""Inbound email through Mailgun routes: forward("https://.../webhooks/email/mailgun").

The body is application/x-www-form-urlencoded, or multipart/form-data when the mail has
attachments. Fields used: recipient, sender, from, subject, body-plain, body-html,
stripped-text, Message-Id, In-Reply-To, References, Date, message-headers (a JSON list of
[name, value] pairs) and, for routes ending in "mime", body-mime (the raw message).
Signature: hex HMAC-SHA256(signing key, timestamp + token), with a 300 s window.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from inbox.channels.base import ParseFailed, ParseResult
from inbox.channels.inbound import InboundRequest, ProviderSecrets, VerificationFailed
from inbox.channels.mime import Headers, addresses, build_email, read_form, read_message
from inbox.channels.signatures import hmac_sha256_hex, same

REPLAY_WINDOW_SECONDS = 300
MAX_TOKEN_LENGTH = 256

# Headers Mailgun also posts as top-level fields; used when message-headers lacks them.
_HEADER_FIELDS = (
    "Message-Id",
    "In-Reply-To",
    "References",
    "Date",
    "Subject",
    "From",
    "To",
    "Auto-Submitted",
    "Precedence",
    "X-Inbox-Outbound",
)


def _fields(pairs: list[tuple[str, str]]) -> dict[str, str]:
    """Lower-cased field names; the first value of a repeated field wins."""
    out: dict[str, str] = {}
    for name, value in pairs:
        out.setdefault(name.lower(), value)
    return out


def _message_headers(value: str | None) -> Headers:
    headers = Headers()
    if not value:
        return headers
    try:
        pairs = json.loads(value)
    except (ValueError, RecursionError):
        return headers  # degrade: top-level fields still carry the essentials
    if not isinstance(pairs, list):
        return headers
    for pair in pairs:
        if (
            isinstance(pair, list | tuple)
            and len(pair) == 2
            and all(isinstance(p, str) for p in pair)
        ):
            headers.add(pair[0], pair[1])
    return headers


def sign(signing_key: str, timestamp: str, token: str) -> str:
    """The route's `signature` field: hex HMAC-SHA256 of timestamp + token."""
    return hmac_sha256_hex(signing_key, (timestamp + token).encode("utf-8"))


class MailgunAdapter:
    provider = "mailgun"

    def __init__(self, clock: Callable[[], float] = time.time) -> None:
        self.clock = clock

    def verify(self, request: InboundRequest, secrets: ProviderSecrets) -> str | None:
        """Check the route's signature and timestamp; the replay key is the one-time token."""
        if not secrets.mailgun_signing_key:
            raise VerificationFailed("Mailgun signing key is not configured", status=401)
        form = {k.lower(): v for k, v in request.form.items()}
        if not form and request.body:
            try:
                form = _fields(read_form(request.body, request.headers.get("content-type"))[0])
            except ParseFailed:
                form = {}
        timestamp = (form.get("timestamp") or "").strip()
        token = (form.get("token") or "").strip()
        signature = (form.get("signature") or "").strip().lower()
        if not (timestamp and token and signature):
            raise VerificationFailed("missing timestamp, token or signature field", status=401)
        if not re.fullmatch(r"[0-9]{1,12}", timestamp):
            raise VerificationFailed("timestamp is not Unix seconds", status=401)
        if len(token) > MAX_TOKEN_LENGTH:
            raise VerificationFailed("token is too long", status=401)
        if not same(sign(secrets.mailgun_signing_key, timestamp, token), signature):
            raise VerificationFailed("signature mismatch", status=401)
        if abs(self.clock() - int(timestamp)) > REPLAY_WINDOW_SECONDS:
            raise VerificationFailed(
                "stale timestamp: more than 300 s from server time (replay?)", status=403
            )
        return f"mailgun:{token}"

    def parse(self, body: bytes, headers: dict[str, str]) -> ParseResult:
        pairs, files = read_form(body, headers.get("content-type"))
        form = _fields(pairs)
        now = datetime.fromtimestamp(self.clock(), UTC)

        recipients = [addr for _, addr in addresses(form.get("recipient"))]
        facts: dict[str, Any] = {}
        if files:
            facts["attachments"] = files

        if form.get("body-mime"):
            # Raw-MIME routes: the message itself, with the envelope from the form.
            content = read_message(form["body-mime"].encode("utf-8", "surrogateescape"))
            msg_headers, plain, html = content.headers, content.plain, content.html
            from_value = msg_headers.first("from") or form.get("from")
            if content.attachments:
                facts["attachments"] = content.attachments
        else:
            msg_headers = _message_headers(form.get("message-headers"))
            for name in _HEADER_FIELDS:
                if name not in msg_headers and form.get(name.lower()):
                    msg_headers.add(name, form[name.lower()])
            from_value = form.get("from") or msg_headers.first("from")
            plain, html = form.get("body-plain"), form.get("body-html")
            if form.get("stripped-text"):
                facts["stripped_text"] = form["stripped-text"]  # quoted history removed

        if not recipients:
            recipients = [addr for _, addr in addresses(msg_headers.first("to"))]
        # Without a Message-ID, hash what a redelivery repeats (not timestamp/token/signature).
        material = json.dumps(
            [from_value, form.get("subject"), msg_headers.first("date"), plain, html],
            ensure_ascii=True,
        ).encode("ascii")
        message = build_email(
            headers=msg_headers,
            from_value=from_value,
            recipients=recipients,
            plain=plain,
            html=html,
            fallback_material=material,
            envelope_sender=form.get("sender"),
            facts=facts,
            now=now,
        )
        if message is None:
            raise ParseFailed("no Message-Id and no sender in the Mailgun form")
        return ParseResult(messages=[message], channel_external_ids=[r.lower() for r in recipients])


adapter = MailgunAdapter()
