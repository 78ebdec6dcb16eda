"""Outbound adapters: how a reply leaves through each channel kind (docs/sending.md).

A sender module exposes `sender = Sender(refusal=..., send=...)`:

* `refusal(channel, visibility, parent)` says why this channel cannot send a reply of that
  visibility (checked before anything is stored), or None;
* `send(channel, message, parent, settings)` calls the platform and returns the platform's
  id for the message, or raises SendFailed.

Senders are pure with respect to the database: what they need beyond the channel and the
two messages (recipient ids, email threading headers) is worked out when the reply is
stored and kept in `message.facts["send"]`.
"""

from __future__ import annotations

import importlib
import os
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from inbox.models import Channel, Message

# channel kind -> module holding `sender`
SENDERS: dict[str, str] = {
    "facebook": "inbox.channels.senders.meta",
    "instagram": "inbox.channels.senders.meta",
    "x": "inbox.channels.senders.x",
    "email": "inbox.channels.senders.email",
    "generic": "inbox.channels.senders.generic",
    "voice": "inbox.channels.senders.sms",
}


class SendFailed(Exception):
    """The platform did not take the message.

    `permanent` failures (a 4xx other than 429, a missing token) are not retried;
    the others are, after `retry_after` seconds when the platform said how long to wait.
    """

    def __init__(self, reason: str, retry_after: float | None = None,
                 permanent: bool = False) -> None:
        super().__init__(reason)
        self.reason = reason
        self.retry_after = retry_after
        self.permanent = permanent


@dataclass(frozen=True)
class SendSettings:
    """Where the platforms are and how to reach them; read from the environment per send,
    so tests (and operators) can point them elsewhere without a restart."""

    meta_api_url: str = "https://graph.facebook.com/v21.0"
    x_api_url: str = "https://api.x.com"
    twilio_api_url: str = "https://api.twilio.com"
    twilio_auth_token: str = ""
    smtp_host: str = "localhost"
    smtp_port: int = 25
    smtp_username: str = ""
    smtp_password: str = ""
    smtp_starttls: bool = False
    timeout: float = 20.0
    production: bool = False  # admin-given URLs must then be https

    @classmethod
    def from_env(cls, *, twilio_auth_token: str = "", production: bool = False
                 ) -> SendSettings:
        env = os.environ
        return cls(
            meta_api_url=(env.get("INBOX_META_API_URL") or cls.meta_api_url).rstrip("/"),
            x_api_url=(env.get("INBOX_X_API_URL") or cls.x_api_url).rstrip("/"),
            twilio_api_url=(env.get("INBOX_TWILIO_API_URL") or cls.twilio_api_url).rstrip("/"),
            twilio_auth_token=twilio_auth_token,
            smtp_host=env.get("INBOX_SMTP_HOST") or cls.smtp_host,
            smtp_port=int(env.get("INBOX_SMTP_PORT") or cls.smtp_port),
            smtp_username=env.get("INBOX_SMTP_USERNAME", ""),
            smtp_password=env.get("INBOX_SMTP_PASSWORD", ""),
            smtp_starttls=env.get("INBOX_SMTP_STARTTLS", "").lower() in ("1", "true", "yes"),
            timeout=float(env.get("INBOX_SEND_TIMEOUT") or cls.timeout),
            production=production,
        )


Refusal = Callable[["Channel", str, "Message | None"], "str | None"]
Send = Callable[["Channel", "Message", "Message | None", SendSettings], str]


@dataclass(frozen=True)
class Sender:
    refusal: Refusal
    send: Send


def _cannot_send(channel: Channel, visibility: str, parent: Message | None) -> str | None:
    return f"{channel.kind} channels cannot send replies"


def _never(channel: Channel, message: Message, parent: Message | None,
           settings: SendSettings) -> str:
    raise SendFailed(f"{channel.kind} channels cannot send replies", permanent=True)


NO_SENDER = Sender(refusal=_cannot_send, send=_never)


def sender_for(kind: str) -> Sender:
    module_name = SENDERS.get(kind)
    if module_name is None:
        return NO_SENDER
    return importlib.import_module(module_name).sender  # type: ignore[no-any-return]
