"""The platform APIs the senders call, as far as replies go, answered the way each platform
does: Meta's Graph API, X API v2, Twilio's Messages API and a generic source's reply URL.

`answer(request)` gives the platform's reply and the summary line for the ledger, or
None for a path no platform has (the server answers 404). Ids look like the platform's
own, so whatever the service records is what a real platform would have returned.
"""

from __future__ import annotations

import base64
import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from inbox.sandbox.credentials import kind_of_token
from inbox.sandbox.records import Recorded, Reply


@dataclass(frozen=True)
class Answer:
    reply: Reply
    summary: dict[str, Any] | None = None  # the ledger's fields; None when nothing was taken


_GRAPH = re.compile(
    r"^/v\d+(?:\.\d+)?/(?P<target>[^/]+)/(?P<edge>comments|replies|mentions|messages)$")
_TWEETS = re.compile(r"^/2/tweets$")
_X_DM = re.compile(r"^/2/dm_conversations/with/(?P<user>[^/]+)/messages$")
_TWILIO = re.compile(r"^/2010-04-01/Accounts/(?P<sid>[^/]+)/Messages\.json$")
_GENERIC = re.compile(r"^/generic/(?P<channel>\d+)$")


def _digits(count: int) -> str:
    return str(secrets.randbelow(9 * 10 ** (count - 1)) + 10 ** (count - 1))


def _body(request: Recorded) -> dict[str, Any]:
    try:
        body = request.json
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}


def _object(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _graph(request: Recorded, target: str, edge: str) -> Answer:
    if not request.headers.get("authorization", "").startswith("Bearer "):
        return Answer(Reply(400, {"error": {
            "message": "An active access token must be used to query information.",
            "type": "OAuthException", "code": 2500}}))
    body = _body(request)
    token_kind = kind_of_token(request.headers["authorization"])
    if target == "me" and edge == "messages":
        recipient, message = _object(body.get("recipient")), _object(body.get("message"))
        person = _text(recipient.get("id"))
        mid = "m_" + secrets.token_urlsafe(30)
        summary = {"channel": token_kind or "meta", "platform_id": mid,
                   "what": "direct message" if person else "private reply",
                   "to": person, "text": _text(message.get("text")),
                   "answers": _text(recipient.get("comment_id") or recipient.get("post_id"))}
        return Answer(Reply(200, {"recipient_id": person or _digits(16), "message_id": mid}),
                      summary)
    if edge == "comments":  # Facebook: a comment under a post or a top-level comment
        new_id = f"{target.split('_')[0]}_{_digits(16)}"
        channel = token_kind or "facebook"
    else:  # Instagram: a reply to a comment, or a comment answering a mention
        new_id = "179" + _digits(15)
        channel = token_kind or "instagram"
    summary = {"channel": channel, "platform_id": new_id, "what": "public reply",
               "answers": target, "text": _text(body.get("message"))}
    return Answer(Reply(200, {"id": new_id}), summary)


def _bearer_missing() -> Answer:
    return Answer(Reply(401, {"title": "Unauthorized", "type": "about:blank",
                              "status": 401, "detail": "Unauthorized"}))


def _tweet(request: Recorded) -> Answer:
    if not request.headers.get("authorization", "").startswith("Bearer "):
        return _bearer_missing()
    body = _body(request)
    reply = _object(body.get("reply"))
    tweet_id = "19" + _digits(17)
    text = _text(body.get("text"))
    summary = {"channel": "x", "platform_id": tweet_id, "what": "public reply", "text": text,
               "answers": _text(reply.get("in_reply_to_tweet_id"))}
    return Answer(Reply(201, {"data": {"id": tweet_id, "text": text,
                                       "edit_history_tweet_ids": [tweet_id]}}), summary)


def _x_dm(request: Recorded, user: str) -> Answer:
    if not request.headers.get("authorization", "").startswith("Bearer "):
        return _bearer_missing()
    event_id = "1" + _digits(18)
    summary = {"channel": "x", "platform_id": event_id, "what": "direct message", "to": user,
               "text": _text(_body(request).get("text"))}
    return Answer(Reply(201, {"data": {"dm_conversation_id": f"{user}-sandbox",
                                       "dm_event_id": event_id}}), summary)


def _basic_user(request: Recorded) -> str | None:
    scheme, _, encoded = request.headers.get("authorization", "").partition(" ")
    if scheme != "Basic":
        return None
    try:
        user, _, password = base64.b64decode(encoded).decode().partition(":")
    except ValueError:
        return None
    return user if password else None


def _sms(request: Recorded, sid: str) -> Answer:
    if _basic_user(request) != sid:
        return Answer(Reply(401, {"code": 20003, "message": "Authenticate", "status": 401}))
    form = request.form
    message_sid = "SM" + secrets.token_hex(16)
    summary = {"channel": "voice", "platform_id": message_sid, "what": "text message (SMS)",
               "to": form.get("To", ""), "text": form.get("Body", "")}
    return Answer(Reply(201, {"sid": message_sid, "account_sid": sid, "status": "queued",
                              "to": form.get("To"), "from": form.get("From"),
                              "body": form.get("Body")}), summary)


def _generic(request: Recorded, channel: str) -> Answer:
    if not request.headers.get("x-inbox-signature", "").startswith("sha256="):
        return Answer(Reply(401, {"error": "unsigned request"}))
    body = _body(request)
    item_id = "sandbox-" + secrets.token_hex(8)
    summary = {"channel": "generic", "platform_id": item_id,
               "what": "public reply" if body.get("public", True) else "private reply",
               "answers": _text(body.get("in_reply_to")), "text": _text(body.get("text"))}
    return Answer(Reply(200, {"id": item_id}), summary)


_ROUTES: tuple[tuple[re.Pattern[str], Callable[..., Answer]], ...] = (
    (_GRAPH, _graph), (_TWEETS, _tweet), (_X_DM, _x_dm), (_TWILIO, _sms),
    (_GENERIC, _generic),
)


def answer(request: Recorded) -> Answer | None:
    if request.method != "POST":
        return None
    for pattern, handler in _ROUTES:
        if match := pattern.match(request.path):
            return handler(request, **match.groupdict())
    return None
