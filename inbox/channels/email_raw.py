"""One raw RFC 5322 message (message/rfc822) per request, signed like the generic source.

POST /webhooks/email/raw/<channel id> with headers X-Inbox-Timestamp and
X-Inbox-Signature (see generic.py). The body is the message exactly as received by the MTA.
Malformed MIME degrades: the message is kept as long as it has a Message-ID or a sender.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime

from inbox.channels.base import ParseFailed, ParseResult
from inbox.channels.generic import verify_inbox_signature
from inbox.channels.inbound import InboundRequest, ProviderSecrets
from inbox.channels.mime import addresses, build_email, read_message

# Envelope recipient headers added by the receiving MTA are more accurate than To
# (a Bcc to the support mailbox leaves it out of To altogether).
_RECIPIENT_HEADERS = ("x-original-to", "delivered-to", "envelope-to", "to", "cc")


class RawEmailAdapter:
    provider = "email_raw"

    def __init__(self, clock: Callable[[], float] = time.time) -> None:
        self.clock = clock

    def verify(self, request: InboundRequest, secrets: ProviderSecrets) -> str | None:
        return verify_inbox_signature(
            request, secrets.channel_secret, now=self.clock(), key_prefix="email_raw"
        )

    def parse(self, body: bytes, headers: dict[str, str]) -> ParseResult:
        if not body.strip():
            raise ParseFailed("empty message")
        content = read_message(body)
        recipient = next(
            (
                addrs[0][1]
                for name in _RECIPIENT_HEADERS
                for value in content.headers.all(name)
                if (addrs := addresses(value))
            ),
            None,
        )
        facts: dict[str, object] = {}
        if content.attachments:
            facts["attachments"] = content.attachments
        if content.defects:
            facts["mime_defects"] = True  # degraded parse: agents may want the raw delivery
        message = build_email(
            headers=content.headers,
            from_value=content.headers.first("from"),
            recipients=[recipient] if recipient else [],
            plain=content.plain,
            html=content.html,
            fallback_material=body,
            facts=facts,
            now=datetime.fromtimestamp(self.clock(), UTC),
        )
        if message is None:
            raise ParseFailed("no Message-ID and no sender: not an email")
        return ParseResult(
            messages=[message],
            channel_external_ids=[recipient.lower()] if recipient else [],
        )


adapter = RawEmailAdapter()
