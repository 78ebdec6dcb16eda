"""Voice channels answer in writing only by SMS, and only when `settings["sms_enabled"]`.

Twilio's Messages API: `POST /2010-04-01/Accounts/{AccountSid}/Messages.json` (form: From,
To, Body) with HTTP basic auth (Account SID, auth token). The SID is the channel's
`secrets["account_sid"]`; the token its `secrets["auth_token"]`, else TWILIO_AUTH_TOKEN.
From is `settings["sms_from"]`, else the channel's own number.
"""

from __future__ import annotations

from inbox.channels.senders import Sender, SendFailed, SendSettings, http
from inbox.models import Channel, Message

CANNOT_SEND = "this channel cannot send replies; call the customer back"


def _refusal(channel: Channel, visibility: str, parent: Message | None) -> str | None:
    if not (channel.settings or {}).get("sms_enabled"):
        return CANNOT_SEND
    if visibility != "private":
        return "a phone channel answers by private text message (SMS) only"
    if parent is None or not (parent.thread_key or "").startswith("voice:+"):
        return "the caller's number is unknown or withheld; there is no one to text"
    return None


def _send(channel: Channel, message: Message, parent: Message | None,
          settings: SendSettings) -> str:
    secrets = channel.secrets or {}
    sid = secrets.get("account_sid")
    token = secrets.get("auth_token") or settings.twilio_auth_token
    if not sid or not token:
        raise SendFailed("the channel has no Twilio account SID or auth token", permanent=True)
    to = ((message.facts or {}).get("send") or {}).get("recipient")
    sender_number = (channel.settings or {}).get("sms_from") or channel.external_id
    if not to or not sender_number:
        raise SendFailed("the caller's number or ours is unknown", permanent=True)
    url = f"{settings.twilio_api_url}/2010-04-01/Accounts/{sid}/Messages.json"
    response = http.request("POST", url, auth=(sid, token), timeout=settings.timeout,
                            data={"From": sender_number, "To": to, "Body": message.text})
    http.check(response)
    return http.need_id(http.json_object(response).get("sid"), "text message")


sender = Sender(refusal=_refusal, send=_send)
