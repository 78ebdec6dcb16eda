"""Replies through the Graph API: Facebook comments and Messenger, Instagram comments and DMs.

Graph API. Public: `POST /{comment-id}/comments` (Facebook) or
`POST /{ig-comment-id}/replies` (Instagram; `/{ig-user-id}/mentions` for a mention).
Private: `POST /me/messages` with the page access token, to the customer's page-scoped id
(a DM conversation) or as a private reply to their comment (`recipient.comment_id`).
The token is the channel's `secrets["access_token"]`, sent as a Bearer header.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import requests

from inbox.channels.senders import Sender, SendFailed, SendSettings, http
from inbox.models import Channel, Message

# Graph error codes that mean "later", whatever the HTTP status (rate limits come as 400s).
_TRANSIENT_CODES = frozenset({1, 2, 4, 17, 32, 341, 613}) | frozenset(range(80001, 80010))
_STANDARD_WINDOW = timedelta(hours=24)
_PRIVATE_FROM = frozenset({"comment", "reply", "post", "mention"})


def _refusal(channel: Channel, visibility: str, parent: Message | None) -> str | None:
    if parent is None:
        return "there is no customer message on this case to answer"
    if visibility == "public" and parent.visibility == "private":
        return "a direct message conversation cannot be answered in public"
    if visibility == "private" and parent.visibility == "public" and (
            parent.kind not in _PRIVATE_FROM or _private_reply_target(channel, parent) is None):
        return f"this {channel.kind} {parent.kind} cannot be answered privately"
    return None


def _private_reply_target(channel: Channel, parent: Message) -> dict[str, str] | None:
    """Recipient of a private reply to a public comment (or a visitor post)."""
    if channel.kind == "instagram":
        comment = parent.external_id if parent.kind != "mention" else (
            parent.facts or {}).get("comment_id")
        return {"comment_id": comment} if comment else None
    if parent.kind == "post":
        return {"post_id": parent.external_id}
    return {"comment_id": parent.external_id}


def _check_graph(response: requests.Response) -> None:
    if response.status_code < 400:
        return
    error = http.json_object(response).get("error")
    code = error.get("code") if isinstance(error, dict) else None
    transient = isinstance(error, dict) and (
        error.get("is_transient") is True or code in _TRANSIENT_CODES)
    http.check(response, transient=transient)


def _public(channel: Channel, message: Message, parent: Message,
            settings: SendSettings) -> tuple[str, dict[str, Any]]:
    base = settings.meta_api_url
    facts = parent.facts or {}
    # Replies to a reply go to its top-level comment: Instagram requires it, and it keeps
    # Facebook's two-level threads tidy.
    target = parent.parent_external_id if parent.kind == "reply" and (
        parent.parent_external_id) else parent.external_id
    if channel.kind == "instagram":
        if parent.kind == "mention":
            body: dict[str, Any] = {"media_id": facts.get("media_id"), "message": message.text}
            if facts.get("comment_id"):
                body["comment_id"] = facts["comment_id"]
            return f"{base}/{channel.external_id}/mentions", body
        return f"{base}/{target}/replies", {"message": message.text}
    return f"{base}/{target}/comments", {"message": message.text}


def _private(channel: Channel, message: Message, parent: Message,
             settings: SendSettings) -> tuple[str, dict[str, Any]]:
    url = f"{settings.meta_api_url}/me/messages"
    text = {"text": message.text}
    if parent.visibility == "public":
        target = _private_reply_target(channel, parent)
        if target is None:
            raise SendFailed("this comment cannot be answered privately", permanent=True)
        return url, {"recipient": target, "message": text}
    recipient = ((message.facts or {}).get("send") or {}).get("recipient")
    if not recipient:
        raise SendFailed("the customer's page-scoped id is unknown", permanent=True)
    body: dict[str, Any] = {"recipient": {"id": recipient}, "message": text}
    if datetime.now(UTC) - parent.sent_at <= _STANDARD_WINDOW:
        body["messaging_type"] = "RESPONSE"
    else:  # outside the 24 h window only a human agent may answer, for up to 7 days
        body.update(messaging_type="MESSAGE_TAG", tag="HUMAN_AGENT")
    return url, body


def _send(channel: Channel, message: Message, parent: Message | None,
          settings: SendSettings) -> str:
    token = (channel.secrets or {}).get("access_token")
    if not token:
        raise SendFailed("the channel has no page access token; an admin must connect it",
                         permanent=True)
    if parent is None:
        raise SendFailed("the customer message this answers is gone", permanent=True)
    build = _public if message.visibility == "public" else _private
    url, body = build(channel, message, parent, settings)
    response = http.request("POST", url, json=body, timeout=settings.timeout,
                            headers={"Authorization": f"Bearer {token}"})
    _check_graph(response)
    answer = http.json_object(response)
    return http.need_id(answer.get("message_id") or answer.get("id"), "message")


sender = Sender(refusal=_refusal, send=_send)
