"""The credentials and settings that connect a channel to the sandbox.

Tokens name the channel kind (`sandbox-facebook-3`), so a Graph call to `/me/messages`,
which does not say whether it is Messenger or Instagram, is still shown under the
right channel on the sandbox's page.
"""

from __future__ import annotations

import hashlib
from typing import Any

# Not secrets: the sandbox takes any token; these only say which channel called.
TOKEN_PREFIX = "sandbox-"  # noqa: S105
AUTH_TOKEN = "sandbox-auth-token"  # noqa: S105 - Twilio's, one for every sandbox account


def account_sid(channel_id: int) -> str:
    return "AC" + hashlib.sha256(f"sandbox:{channel_id}".encode()).hexdigest()[:32]


def generic_reply_url(sandbox_url: str, channel_id: int) -> str:
    return f"{sandbox_url.rstrip('/')}/generic/{channel_id}"


def connection(kind: str, channel_id: int, sandbox_url: str) -> tuple[dict[str, Any],
                                                                      dict[str, Any]]:
    """(secrets, settings) a channel of this kind needs to send its replies to the sandbox;
    the secrets are merged with the channel's own (its signing secret stays)."""
    token = f"{TOKEN_PREFIX}{kind}-{channel_id}"
    if kind in ("facebook", "instagram"):
        return {"access_token": token}, {}
    if kind == "x":
        return {"bearer_token": token}, {}
    if kind == "voice":
        return ({"account_sid": account_sid(channel_id), "auth_token": AUTH_TOKEN},
                {"sms_enabled": True})
    if kind == "generic":
        return {}, {"reply_url": generic_reply_url(sandbox_url, channel_id)}
    return {}, {}  # email: the SMTP host and port are the environment's


def kind_of_token(authorization: str) -> str | None:
    """"Bearer sandbox-instagram-2" -> "instagram"; None for any other token."""
    token = authorization.removeprefix("Bearer ").strip()
    if not token.startswith(TOKEN_PREFIX):
        return None
    kind = token[len(TOKEN_PREFIX):].rpartition("-")[0]
    return kind or None
