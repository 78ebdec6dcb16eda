"""Replies to a generic source: a signed JSON POST to the channel's `settings["reply_url"]`.

Signed like the generic inbound webhook: `X-Inbox-Timestamp` (Unix seconds) and
`X-Inbox-Signature: sha256=<hex HMAC-SHA256(channel secret, "<timestamp>." + body)>`.
Body: `{"id", "in_reply_to", "text", "public", "case_id"}`. The source may answer
`{"id": "<its id for the reply>"}`; without one our own id ("inbox:<message id>") is kept.
`settings["reply_visibilities"]` (default both) limits what the source accepts.
"""

from __future__ import annotations

import json

from inbox.channels.generic import signed_headers
from inbox.channels.senders import Sender, SendFailed, SendSettings, http
from inbox.models import Channel, Message


def _refusal(channel: Channel, visibility: str, parent: Message | None) -> str | None:
    settings = channel.settings or {}
    if not settings.get("reply_url"):
        return "this source has no reply URL; answer the customer on the source itself"
    if visibility not in settings.get("reply_visibilities", ("public", "private")):
        return f"this source does not take {visibility} replies"
    if parent is None:
        return "there is no customer message on this case to answer"
    return None


def signature_headers(secret: str, body: bytes, timestamp: int | None = None) -> dict[str, str]:
    """Our outbound webhook is signed the way the generic source's inbound one is checked."""
    return {**signed_headers(body, secret, timestamp), "Content-Type": "application/json"}


def _send(channel: Channel, message: Message, parent: Message | None,
          settings: SendSettings) -> str:
    url = (channel.settings or {}).get("reply_url")
    secret = (channel.secrets or {}).get("signing_secret")
    if not url:
        raise SendFailed("this source has no reply URL", permanent=True)
    if not secret:
        raise SendFailed("the channel has no signing secret", permanent=True)
    ours = f"inbox:{message.id}"
    body = json.dumps({
        "id": ours, "in_reply_to": parent.external_id if parent else None,
        "text": message.text, "public": message.visibility == "public",
        "case_id": message.case_id,
    }, separators=(",", ":")).encode("utf-8")
    response = http.request("POST", url, data=body, timeout=settings.timeout,
                            headers=signature_headers(secret, body), admin_given=True,
                            production=settings.production)
    http.check(response)
    theirs = http.json_object(response).get("id")
    return http.need_id(theirs, "reply") if theirs is not None else ours


sender = Sender(refusal=_refusal, send=_send)
