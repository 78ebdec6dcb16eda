"""X (Twitter) Account Activity API webhooks: tweets, mentions, replies, quotes and DMs.

Pure adapter (docs/ingestion.md, "Accepting a delivery"). `verify` checks
x-twitter-webhooks-signature over the raw body (`sign` makes it); `crc_response` answers
the CRC GET; `parse` normalizes tweet_create_events and direct_message_events and lists
every other event as ignored.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

from inbox.channels.base import Author, NormalizedMessage, ParseFailed, ParseResult
from inbox.channels.inbound import InboundRequest, ProviderSecrets, VerificationFailed
from inbox.channels.jsonbody import as_object, as_text, load_json_object, printable
from inbox.channels.signatures import BodySignature, hmac_sha256_base64

SIGNATURE_HEADER = "x-twitter-webhooks-signature"
# base64 of a 32-byte SHA-256 digest is always 43 characters plus one "=".
_SIGNATURE_RE = re.compile(r"sha256=([A-Za-z0-9+/]{43}=)")
_SCREEN_NAME_RE = re.compile(r"[A-Za-z0-9_]{1,50}")
_MONTHS = {
    "Jan": 1, "Feb": 2, "Mar": 3, "Apr": 4, "May": 5, "Jun": 6,
    "Jul": 7, "Aug": 8, "Sep": 9, "Oct": 10, "Nov": 11, "Dec": 12,
}
# Envelope keys that describe the delivery rather than being events themselves.
_ENVELOPE_KEYS = frozenset({"for_user_id", "user_has_blocked", "is_blocked_by", "users", "apps"})


# --- small defensive readers: hostile JSON may put any type anywhere -------------------------


def _dicts(value: Any) -> list[dict[str, Any]]:
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []


def _int(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _bool(value: Any) -> bool | None:
    # X documents some flags as the strings "true"/"false" (user_has_blocked); accept both.
    if isinstance(value, bool):
        return value
    return {"true": True, "false": False}.get(value) if isinstance(value, str) else None


def _from_ms(value: Any) -> datetime | None:
    text = as_text(value)
    if not text or not text.isascii() or not text.isdigit() or len(text) > 16:
        return None
    try:
        return datetime.fromtimestamp(int(text) / 1000, tz=UTC)
    except (OverflowError, OSError, ValueError):
        return None


def _from_created_at(value: Any) -> datetime | None:
    """Parse v1.1 "Thu Jan 01 12:01:00 +0000 2026" without depending on the process locale."""
    parts = value.split() if isinstance(value, str) else []
    if len(parts) != 6 or parts[1] not in _MONTHS:
        return None
    _, month, day, clock, offset, year = parts
    try:
        parsed = datetime.strptime(
            f"{year}-{_MONTHS[month]:02d}-{day} {clock} {offset}", "%Y-%m-%d %H:%M:%S %z"
        )
    except ValueError:
        return None
    return parsed.astimezone(UTC)


def sign(message: bytes, consumer_secret: str) -> str:
    """`sha256=` and the base64 HMAC-SHA256 with the consumer secret: the webhook
    signature over the raw body, and the CRC response over the token."""
    return "sha256=" + hmac_sha256_base64(consumer_secret, message)


def signed_headers(body: bytes, consumer_secret: str) -> dict[str, str]:
    return {"X-Twitter-Webhooks-Signature": sign(body, consumer_secret)}


# --- CRC and signature ------------------------------------------------------------------------


def crc_response(crc_token: str, consumer_secret: str) -> dict[str, str]:
    """Body for the CRC GET (X's challenge-response check): `sign` over the crc_token.

    Raises VerificationFailed when the secret is unconfigured (answering with an empty key
    would look valid but fail X's check) or the token is missing.
    """
    if not consumer_secret:
        raise VerificationFailed("x consumer secret is not configured", status=401)
    if not crc_token:
        raise VerificationFailed("missing crc_token", status=403)
    return {"response_token": sign(crc_token.encode("utf-8"), consumer_secret)}


BODY_SIGNATURE = BodySignature(
    header="x-twitter-webhooks-signature", setting="x consumer secret",
    shape=_SIGNATURE_RE, shape_text="sha256=<base64>", sign=sign)


class XAdapter:
    provider = "x"

    def verify(self, request: InboundRequest, secrets: ProviderSecrets) -> str | None:
        BODY_SIGNATURE.check(request, secrets.x_consumer_secret)
        return None  # nothing time-bound is signed; dedup by tweet/DM id downstream

    def parse(self, body: bytes, headers: dict[str, str]) -> ParseResult:
        data = load_json_object(body)
        raw_brand = data.get("for_user_id")
        brand = as_text(raw_brand)
        if raw_brand is not None and not brand:
            raise ParseFailed("for_user_id is not a string")
        users = data.get("users", {})
        if not isinstance(users, dict):
            raise ParseFailed("users is not an object")
        result = ParseResult()
        if brand:  # absent on user_event (app revoked): nothing channel-specific then
            result.channel_external_ids.append(brand)
        for key, value in data.items():
            if key in _ENVELOPE_KEYS:
                continue
            if key in ("tweet_create_events", "direct_message_events"):
                if not isinstance(value, list) or not all(isinstance(e, dict) for e in value):
                    raise ParseFailed(f"{key} is not a list of objects")
                for event in value:
                    if key == "tweet_create_events":
                        _tweet(event, brand, data, result)
                    else:
                        _direct_message(event, brand, users, result)
            elif isinstance(value, list):  # favorite/follow/block/typing/read/delete events...
                for event in value:
                    kind = as_text(as_object(event).get("type"))
                    suffix = f" type={kind[:40]}" if kind else ""
                    result.ignored.append(f"x {printable(key)}{suffix}")
            else:
                result.ignored.append(f"x {printable(key)}")
        return result


adapter = XAdapter()


# --- normalization ------------------------------------------------------------------------------


def _author(user_id: str, user: dict[str, Any]) -> Author:
    handle = as_text(user.get("screen_name"))
    return Author(
        identity_kind="x", external_id=user_id, handle=handle, name=as_text(user.get("name")),
        followers=_int(user.get("followers_count")), following=_int(user.get("friends_count")),
        verified=_bool(user.get("verified")), location=as_text(user.get("location")),
        url=f"https://x.com/{handle}" if handle and _SCREEN_NAME_RE.fullmatch(handle) else None,
    )


def _tweet(
    tweet: dict[str, Any], brand: str | None, data: dict[str, Any], out: ParseResult
) -> None:
    """One tweet into `out`, or the reason it is ignored. Long because it walks the v1.1
    tweet's fields in order (retweet, author, text, reply, quote, mentions, engagement)."""
    tweet_id = as_text(tweet.get("id_str")) or as_text(tweet.get("id"))
    if "retweeted_status" in tweet:  # a retweet adds no words of its own
        out.ignored.append(f"x tweet retweet id={printable(tweet_id)}")
        return
    user = as_object(tweet.get("user"))
    user_id = as_text(user.get("id_str")) or as_text(user.get("id"))
    if not tweet_id or not user_id:
        out.ignored.append("x tweet without id_str/user.id_str")
        return
    extended = as_object(tweet.get("extended_tweet"))
    if tweet.get("truncated") is True and as_text(extended.get("full_text")):
        text = as_text(extended.get("full_text")) or ""
        entities = as_object(extended.get("entities")) or as_object(tweet.get("entities"))
    else:
        text = as_text(tweet.get("full_text")) or as_text(tweet.get("text")) or ""
        entities = as_object(tweet.get("entities"))
    reply_to = (as_text(tweet.get("in_reply_to_status_id_str"))
                or as_text(tweet.get("in_reply_to_status_id")))
    reply_user = (as_text(tweet.get("in_reply_to_user_id_str"))
                  or as_text(tweet.get("in_reply_to_user_id")))
    quoted = as_object(tweet.get("quoted_status"))
    quoted_id = as_text(tweet.get("quoted_status_id_str")) or as_text(quoted.get("id_str"))
    mentions = _dicts(entities.get("user_mentions"))
    mention_ids = {as_text(m.get("id_str")) or as_text(m.get("id")) for m in mentions}
    echo = brand is not None and user_id == brand
    # A reply is threaded under its parent even when it also quotes something.
    if reply_to:
        kind = "reply"
    elif tweet.get("is_quote_status") is True or quoted:
        kind = "quote"
    else:  # our own original tweets are posts; anyone else's arrive because they mention us
        kind = "post" if echo else "mention"
    # v1.1 payloads carry no conversation id and the reply chain above the parent is unknown,
    # so: conversation_id when present (v2), else the parent for replies, else the tweet itself.
    # Deeper replies therefore key on their direct parent; the ingest service can merge threads
    # by looking up the parent's thread.
    conversation = (as_text(tweet.get("conversation_id_str"))
                    or as_text(tweet.get("conversation_id")))
    handle = as_text(user.get("screen_name"))
    path = handle if handle and _SCREEN_NAME_RE.fullmatch(handle) else "i/web"
    facts: dict[str, Any] = {
        "hashtags": [t for h in _dicts(entities.get("hashtags")) if (t := as_text(h.get("text")))],
        "user_mentions": [n for m in mentions if (n := as_text(m.get("screen_name")))],
        "retweet_count": _int(tweet.get("retweet_count")),
        "favorite_count": _int(tweet.get("favorite_count")),
        "quoted_tweet_id": quoted_id,
        "in_reply_to_user_id": reply_user,
    }
    facts["user_has_blocked"] = _bool(data.get("user_has_blocked"))
    facts = {k: v for k, v in facts.items() if v is not None}
    lang = as_text(tweet.get("lang"))
    out.messages.append(NormalizedMessage(
        external_id=tweet_id, channel_kind="x", channel_external_id=brand, kind=kind,
        visibility="public", text=text, author=_author(user_id, user),
        sent_at=_from_ms(tweet.get("timestamp_ms"))
        or _from_created_at(tweet.get("created_at"))
        or datetime.now(UTC),  # only for a tweet missing both timestamps
        parent_external_id=reply_to, thread_key=f"x:conv:{conversation or reply_to or tweet_id}",
        url=f"https://x.com/{path}/status/{tweet_id}", is_echo=echo,
        addressed_to_us=brand is not None and (brand in mention_ids or reply_user == brand),
        language=lang if lang and lang != "und" else None, facts=facts,
    ))


def _direct_message(
    event: dict[str, Any], brand: str | None, users: dict[str, Any], out: ParseResult
) -> None:
    event_type = as_text(event.get("type"))
    if event_type != "message_create":
        out.ignored.append(f"x direct_message type={printable(event_type)}")
        return
    create = as_object(event.get("message_create"))
    message_id, sender = as_text(event.get("id")), as_text(create.get("sender_id"))
    recipient = as_text(as_object(create.get("target")).get("recipient_id"))
    if not message_id or not sender:
        out.ignored.append("x direct_message without id/sender_id")
        return
    echo = brand is not None and sender == brand
    other = recipient if echo else sender  # the customer side of the pair
    owner = brand or recipient
    if not other or not owner:
        out.ignored.append("x direct_message without recipient_id")
        return
    body = as_object(create.get("message_data"))
    facts: dict[str, Any] = {}
    attachment = as_object(body.get("attachment"))
    if media := as_object(attachment.get("media")):
        facts["attachments"] = [{
            k: v for k, v in {
                "type": as_text(media.get("type")) or as_text(attachment.get("type")),
                "url": as_text(media.get("media_url_https")) or as_text(media.get("url")),
            }.items() if v
        }]
    if quick := as_text(as_object(body.get("quick_reply_response")).get("metadata")):
        facts["quick_reply_metadata"] = quick
    urls = _dicts(as_object(body.get("entities")).get("urls"))
    if expanded := [u for item in urls if (u := as_text(item.get("expanded_url")))]:
        facts["urls"] = expanded
    if app := as_text(create.get("source_app_id")):
        facts["source_app_id"] = app
    out.messages.append(NormalizedMessage(
        external_id=message_id, channel_kind="x", channel_external_id=brand, kind="dm",
        visibility="private", text=as_text(body.get("text")) or "",
        author=_author(sender, as_object(users.get(sender))),
        sent_at=_from_ms(event.get("created_timestamp")) or datetime.now(UTC),
        thread_key=f"x:dm:{owner}:{other}", is_echo=echo, facts=facts,
    ))
