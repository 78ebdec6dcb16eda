"""Which adapter reads which provider's deliveries, and which channel kinds it feeds."""

from __future__ import annotations

import importlib

from inbox.channels.base import ChannelAdapter

# provider (as stored on a delivery) -> module in inbox.channels holding `adapter`
PROVIDERS: dict[str, str] = {
    "meta": "inbox.channels.meta",
    "x": "inbox.channels.x",
    "mailgun": "inbox.channels.mailgun",
    "email_raw": "inbox.channels.email_raw",
    "voice": "inbox.channels.voice",
    "generic": "inbox.channels.generic",
}

# Providers whose webhook URL names the channel (they are signed with its secret).
CHANNEL_ADDRESSED = {"generic": "generic", "email_raw": "email"}


def adapter_for(provider: str) -> ChannelAdapter:
    try:
        module = importlib.import_module(PROVIDERS[provider])
    except KeyError:
        raise KeyError(f"no adapter for provider {provider!r}")
    return module.adapter  # type: ignore[no-any-return]
