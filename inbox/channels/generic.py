"""The generic signed source: reviews, forums, blogs, listening tools (our own JSON format).

Body: one item, or ``{"items": [...]}``. An item::

    {"id": "...", "type": "review|post|comment|mention|message", "text": "...",
     "author": {"id", "handle", "name", "followers", "verified", "url"},
     "url", "created_at": "<ISO 8601>", "in_reply_to", "thread_id",
     "public": true, "rating": 1-5, "language", "metadata": {}}

``id`` and ``text`` are required; ``type`` defaults to ``message`` (something sent to us,
so nothing is silently treated as mere listening). Unknown fields are ignored (the raw
delivery keeps them). ``id``, ``in_reply_to``, ``thread_id`` and ``author.id`` may be JSON
strings or integers; integers are read as their decimal string.

Field problems are named by their path in the body: ``text`` for a single item,
``items.3.text`` in a batch, ``author.followers`` / ``items.0.author.followers`` nested.

Signature (shared with the raw email endpoint): ``X-Inbox-Timestamp`` (Unix seconds) and
``X-Inbox-Signature: sha256=<hex HMAC-SHA256(channel secret, "<timestamp>." + raw body)>``.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from marshmallow import EXCLUDE, Schema, ValidationError, fields, validate

from inbox.channels.base import Author, NormalizedMessage, ParseFailed, ParseResult
from inbox.channels.inbound import InboundRequest, ProviderSecrets, VerificationFailed
from inbox.channels.mime import clean
from inbox.channels.signatures import hmac_sha256_hex, same

REPLAY_WINDOW_SECONDS = 300
MAX_ITEMS = 1000
MAX_ID_LENGTH = 255
MAX_METADATA_DEPTH = 16
MAX_COUNT = 2**31 - 1  # what the database's integer columns hold
EARLIEST = datetime(1990, 1, 1, tzinfo=UTC)  # before any review site or forum we read
FUTURE_SKEW_SECONDS = 86_400  # a source's clock may run a day ahead, not more
ITEM_TYPES = ("review", "post", "comment", "mention", "message")


class GenericItemInvalid(ParseFailed):
    """The body is readable but breaks the item schema; `fields` maps path -> problem."""

    def __init__(self, fields: dict[str, str]) -> None:
        self.fields = dict(fields)
        shown = "; ".join(f"{k}: {v}" for k, v in list(self.fields.items())[:5])
        more = f" (+{len(self.fields) - 5} more)" if len(self.fields) > 5 else ""
        super().__init__(f"invalid generic body: {shown}{more}")


# ---------------------------------------------------------------- signature (shared)


def sign(secret: str, timestamp: str, body: bytes) -> str:
    """The hex HMAC-SHA256 of "<timestamp>.<raw body>" with the channel secret."""
    return hmac_sha256_hex(secret, timestamp.encode("utf-8") + b"." + body)


def signed_headers(body: bytes, secret: str, timestamp: int | None = None) -> dict[str, str]:
    """X-Inbox-Timestamp / X-Inbox-Signature for `body`, signed now unless told when: what
    the generic source and raw email check, and what our outbound webhooks carry."""
    stamp = str(int(time.time()) if timestamp is None else timestamp)
    return {"X-Inbox-Timestamp": stamp, "X-Inbox-Signature": f"sha256={sign(secret, stamp, body)}"}


def verify_inbox_signature(
    request: InboundRequest, secret: str, *, now: float, key_prefix: str
) -> str:
    """Check X-Inbox-Timestamp / X-Inbox-Signature; return a replay key.

    The replay key is the signature itself: it is bound to (timestamp, body, secret), so
    within the 300 s window a byte-identical replay is the only way to reuse it, and the
    caller can refuse it before storing anything. Business dedup stays on item ids.
    """
    if not secret:
        raise VerificationFailed("channel secret is not configured", status=401)
    headers = {k.lower(): v for k, v in request.headers.items()}
    timestamp = (headers.get("x-inbox-timestamp") or "").strip()
    signature = (headers.get("x-inbox-signature") or "").strip()
    if not timestamp:
        raise VerificationFailed("missing X-Inbox-Timestamp header", status=401)
    if not signature:
        raise VerificationFailed("missing X-Inbox-Signature header", status=401)
    if not re.fullmatch(r"[0-9]{1,12}", timestamp):
        raise VerificationFailed("X-Inbox-Timestamp is not Unix seconds", status=401)
    scheme, _, given = signature.partition("=")
    if scheme.strip().lower() != "sha256" or not given.strip():
        raise VerificationFailed("X-Inbox-Signature must be sha256=<hex>", status=401)
    expected = sign(secret, timestamp, request.body)
    if not same(expected, given.strip().lower()):
        raise VerificationFailed("signature mismatch", status=401)
    if abs(now - int(timestamp)) > REPLAY_WINDOW_SECONDS:
        raise VerificationFailed(
            "stale timestamp: more than 300 s from server time (replay?)", status=403
        )
    return f"{key_prefix}:{expected}"


# ---------------------------------------------------------------- the item schema


class _Id(fields.Field):
    """A non-blank string, or an integer read as its decimal string."""

    default_error_messages = {
        "required": "required",
        "null": "required",
        "invalid": "must be a string or an integer",
        "blank": "required",
        "too_long": f"too long (max {MAX_ID_LENGTH} characters)",
    }

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str:
        if isinstance(value, int) and not isinstance(value, bool):
            value = str(value)
        if not isinstance(value, str):
            raise self.make_error("invalid")
        value = (clean(value) or "").strip()
        if not value:
            raise self.make_error("blank")
        if len(value) > MAX_ID_LENGTH:
            raise self.make_error("too_long")
        return value


class _Str(fields.String):
    default_error_messages = {
        "required": "required",
        "null": "must not be null",
        "invalid": "must be a string",
        "invalid_utf8": "must be valid UTF-8",
    }

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str:
        return clean(super()._deserialize(value, attr, data, **kwargs)) or ""


class _Bool(fields.Field):
    """JSON true/false only: "yes", 1 or "false" are errors, not guesses."""

    default_error_messages = {"invalid": "must be true or false", "null": "must not be null"}

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> bool:
        if not isinstance(value, bool):
            raise self.make_error("invalid")
        return value


def _plausible_moment(value: datetime) -> None:
    """A time the item could have been written: from 1990 to a day from now, in UTC."""
    try:
        moment = value.astimezone(UTC) if value.tzinfo else value.replace(tzinfo=UTC)
    except OverflowError:  # beyond year 9999 once in UTC
        raise ValidationError("must be a date-time between 1990 and now")
    if not EARLIEST.timestamp() <= moment.timestamp() <= time.time() + FUTURE_SKEW_SECONDS:
        raise ValidationError("must be a date-time between 1990 and now")


def _not_blank(value: str) -> None:
    if not value.strip():
        raise ValidationError("required")


def _shallow(value: dict[str, Any]) -> None:
    # Iterative depth check: metadata is stored as JSON and walked by later code.
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        node, depth = stack.pop()
        if depth > MAX_METADATA_DEPTH:
            raise ValidationError(f"nested too deeply (max {MAX_METADATA_DEPTH} levels)")
        children = node.values() if isinstance(node, dict) else node
        if isinstance(node, dict | list):
            stack.extend((child, depth + 1) for child in children)


_INT_ERRORS: dict[str, Any] = {"invalid": "must be an integer", "null": "must not be null"}


class AuthorSchema(Schema):
    class Meta:
        unknown = EXCLUDE

    error_messages = {"type": "must be an object"}

    id = _Id(allow_none=True)
    handle = _Str(allow_none=True)
    name = _Str(allow_none=True)
    followers = fields.Integer(
        strict=True,
        allow_none=True,
        validate=validate.Range(min=0, max=MAX_COUNT, error=f"must be 0 to {MAX_COUNT}"),
        error_messages=_INT_ERRORS,
    )
    verified = _Bool(allow_none=True)
    url = _Str(allow_none=True)
    location = _Str(allow_none=True)  # the profile's "where", as written (docs/geography.md)


class ItemSchema(Schema):
    class Meta:
        unknown = EXCLUDE

    error_messages = {"type": "must be an object"}

    id = _Id(required=True)
    type = _Str(
        load_default="message",
        validate=validate.OneOf(ITEM_TYPES, error="must be one of " + ", ".join(ITEM_TYPES)),
    )
    text = _Str(required=True, validate=_not_blank, error_messages={"null": "required"})
    author = fields.Nested(AuthorSchema, allow_none=True)
    url = _Str(allow_none=True)
    created_at = fields.DateTime(
        allow_none=True, validate=_plausible_moment,
        error_messages={"invalid": "must be an ISO 8601 date-time"},
    )
    in_reply_to = _Id(allow_none=True)
    thread_id = _Id(allow_none=True)
    public = _Bool(load_default=True)
    rating = fields.Integer(
        strict=True,
        allow_none=True,
        validate=validate.Range(min=1, max=5, error="must be between 1 and 5"),
        error_messages=_INT_ERRORS,
    )
    language = _Str(allow_none=True)
    metadata = fields.Dict(
        keys=fields.String(),
        allow_none=True,
        validate=_shallow,
        error_messages={"invalid": "must be an object", "null": "must not be null"},
    )


_ITEM_SCHEMA = ItemSchema()


def _flatten(messages: Any, prefix: str, out: dict[str, str]) -> None:
    """marshmallow's nested error dict -> {"items.3.author.followers": "must be ..."}."""
    if isinstance(messages, dict):
        for key, value in messages.items():
            path = prefix if key == "_schema" else (f"{prefix}.{key}" if prefix else str(key))
            _flatten(value, path, out)
    elif isinstance(messages, list) and messages:
        _flatten(messages[0], prefix, out)  # one problem per field is enough to act on
    elif isinstance(messages, str):
        out.setdefault(prefix or "body", messages)


def _load(body: bytes) -> tuple[list[dict[str, Any]], dict[str, str]]:
    """(valid items, field problems); problems make the whole body invalid."""
    try:
        data = json.loads(body)
    except RecursionError:
        return [], {"body": "nested too deeply"}
    except (ValueError, TypeError):  # includes UnicodeDecodeError and truncated JSON
        return [], {"body": "not valid JSON (UTF-8)"}

    if isinstance(data, dict) and "items" in data:
        raw_items = data["items"]
        if not isinstance(raw_items, list):
            return [], {"items": "must be a list"}
        if len(raw_items) > MAX_ITEMS:
            return [], {"items": f"at most {MAX_ITEMS} items per delivery"}
        prefixes = [f"items.{i}" for i in range(len(raw_items))]
    elif isinstance(data, dict):
        raw_items, prefixes = [data], [""]
    else:
        return [], {"body": 'must be an item object or {"items": [...]}'}

    items: list[dict[str, Any]] = []
    problems: dict[str, str] = {}
    for raw, prefix in zip(raw_items, prefixes, strict=True):
        try:
            items.append(_ITEM_SCHEMA.load(raw))
        except ValidationError as exc:
            _flatten(exc.messages, prefix, problems)
        except RecursionError:
            problems[prefix or "body"] = "nested too deeply"
    return items, problems


def validate_body(body: bytes) -> dict[str, str]:
    """Field problems of a generic body ({} when valid), for the edge to answer 422."""
    return _load(body)[1]


# ---------------------------------------------------------------- normalization


def _clean_tree(value: Any) -> Any:
    # Depth is bounded by the schema's metadata check, so recursion is safe here.
    if isinstance(value, str):
        return clean(value)
    if isinstance(value, dict):
        return {clean(str(k)): _clean_tree(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_clean_tree(v) for v in value]
    return value


def addressed_to_us(item_type: str, metadata: dict[str, Any]) -> bool:
    """Whether the item was sent to the brand, as opposed to found by listening.

    Reviews, messages and comments are addressed to us (they sit on our listing, inbox or
    content). Posts and mentions usually come from listening tools that find the brand
    named elsewhere: they count as addressed to us only when ``metadata.addressed_to_us``
    is JSON ``true`` (e.g. a forum post in our own support board).
    """
    if item_type in ("review", "message", "comment"):
        return True
    return metadata.get("addressed_to_us") is True


def _message(item: dict[str, Any], now: datetime) -> NormalizedMessage:
    item_id: str = item["id"]
    item_type: str = item["type"]
    public: bool = item["public"]
    metadata = _clean_tree(item.get("metadata") or {})
    author_data = item.get("author") or {}
    identity = next(
        (v.strip() for k in ("id", "handle", "name") if (v := author_data.get(k)) and v.strip()),
        None,
    )
    author = Author(
        identity_kind="generic",  # the ingest service qualifies it as generic:<channel id>
        # No author at all: one contact per item rather than one shared anonymous contact.
        external_id=identity or f"anonymous:{item_id}",
        handle=author_data.get("handle"),
        name=author_data.get("name"),
        followers=author_data.get("followers"),
        verified=author_data.get("verified"),
        url=author_data.get("url"),
        location=author_data.get("location"),
    )
    in_reply_to = item.get("in_reply_to")
    if item.get("thread_id"):
        thread_key = f"generic:{item['thread_id']}"
    else:  # the parent's thread is unknown here; the parent id names the conversation
        thread_key = f"generic:item:{in_reply_to or item_id}"
    created = item.get("created_at")
    if created is not None and created.tzinfo is None:
        created = created.replace(tzinfo=UTC)
    rating = item.get("rating")
    facts = dict(metadata)
    if rating is not None:
        facts["rating"] = rating
    return NormalizedMessage(
        external_id=item_id,
        channel_kind="generic",
        channel_external_id=None,  # the webhook URL names the channel
        kind="dm" if item_type == "message" and not public else item_type,
        visibility="public" if public else "private",
        text=item["text"],
        author=author,
        sent_at=created.astimezone(UTC) if created else now,
        parent_external_id=in_reply_to,
        thread_key=thread_key,
        url=item.get("url"),
        addressed_to_us=addressed_to_us(item_type, metadata),
        rating=rating,
        language=item.get("language"),
        facts=facts,
    )


class GenericAdapter:
    provider = "generic"

    def __init__(self, clock: Callable[[], float] = time.time) -> None:
        self.clock = clock

    def verify(self, request: InboundRequest, secrets: ProviderSecrets) -> str | None:
        return verify_inbox_signature(
            request, secrets.channel_secret, now=self.clock(), key_prefix="generic"
        )

    def parse(self, body: bytes, headers: dict[str, str]) -> ParseResult:
        items, problems = _load(body)
        if problems:
            raise GenericItemInvalid(problems)
        now = datetime.fromtimestamp(self.clock(), UTC)
        return ParseResult(messages=[_message(item, now) for item in items])


adapter = GenericAdapter()
