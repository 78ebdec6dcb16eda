"""Replies on X through API v2.

Public: `POST /2/tweets` with `reply.in_reply_to_tweet_id`. Private:
`POST /2/dm_conversations/with/{participant_id}/messages`. Both need a user-context OAuth 2
token of the brand account: the channel's `secrets["bearer_token"]` (or "access_token").
"""

from __future__ import annotations

import time

import requests

from inbox.channels.senders import Sender, SendFailed, SendSettings, http
from inbox.models import Channel, Message


def _refusal(channel: Channel, visibility: str, parent: Message | None) -> str | None:
    if parent is None:
        return "there is no customer message on this case to answer"
    if visibility == "public" and parent.visibility == "private":
        return "a direct message conversation cannot be answered in public"
    return None


def _check(response: requests.Response) -> None:
    if response.status_code == 429 and not response.headers.get("Retry-After"):
        # X says when the window resets (epoch seconds) rather than how long to wait.
        reset = response.headers.get("x-rate-limit-reset", "")
        if reset.isdigit():
            wait = max(float(reset) - time.time(), 1.0)
            raise SendFailed(http.platform_error(response),
                             retry_after=min(wait, http.MAX_RETRY_AFTER))
    http.check(response)


def _send(channel: Channel, message: Message, parent: Message | None,
          settings: SendSettings) -> str:
    secrets = channel.secrets or {}
    token = secrets.get("bearer_token") or secrets.get("access_token")
    if not token:
        raise SendFailed("the channel has no X access token; an admin must connect it",
                         permanent=True)
    if parent is None:
        raise SendFailed("the customer message this answers is gone", permanent=True)
    headers = {"Authorization": f"Bearer {token}"}
    if message.visibility == "public":
        url = f"{settings.x_api_url}/2/tweets"
        body: dict[str, object] = {"text": message.text,
                                   "reply": {"in_reply_to_tweet_id": parent.external_id}}
        key = "id"
    else:
        participant = ((message.facts or {}).get("send") or {}).get("recipient")
        if not participant:
            raise SendFailed("the customer's X user id is unknown", permanent=True)
        url = f"{settings.x_api_url}/2/dm_conversations/with/{participant}/messages"
        body, key = {"text": message.text}, "dm_event_id"
    response = http.request("POST", url, json=body, headers=headers, timeout=settings.timeout)
    _check(response)
    data = http.json_object(response).get("data")
    return http.need_id(data.get(key) if isinstance(data, dict) else None, "post")


sender = Sender(refusal=_refusal, send=_send)
