"""The adapter contract every provider module fulfils, and what parsing yields: the
normalized message (what verification takes is in inbound.py).

An adapter is pure: it verifies a raw request and parses a raw body into
normalized messages. It never touches the database; the ingest service does
(docs/ingestion.md).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

from inbox.channels.inbound import InboundRequest, ProviderSecrets


class ParseFailed(Exception):
    """A verified body that cannot be read; the delivery is kept, marked failed."""


@dataclass
class Author:
    """Who wrote an inbound message, as the platform describes them."""

    identity_kind: str  # x | facebook | instagram | email | phone | generic:<channel id>
    external_id: str
    handle: str | None = None
    name: str | None = None
    followers: int | None = None
    following: int | None = None
    verified: bool | None = None
    url: str | None = None
    location: str | None = None
    email: str | None = None
    phone: str | None = None


@dataclass
class NormalizedMessage:
    external_id: str  # unique within the channel; the dedup key
    channel_kind: str  # facebook | instagram | x | email | voice | generic
    channel_external_id: str | None  # page id, X user id, mailbox, called number
    kind: str  # post comment reply mention quote dm email review call voicemail ...
    visibility: str  # public | private
    text: str
    author: Author
    sent_at: datetime
    parent_external_id: str | None = None
    # Messages with the same thread_key belong to one conversation (a post's comments,
    # an X conversation, a DM pair, a caller's calls).
    thread_key: str | None = None
    subject: str | None = None
    html: str | None = None
    url: str | None = None
    references: list[str] = field(default_factory=list)  # email In-Reply-To + References
    is_echo: bool = False  # our own outbound coming back: never a customer case
    addressed_to_us: bool = True  # False: found by listening, not sent to the brand
    rating: int | None = None
    language: str | None = None
    facts: dict[str, Any] = field(default_factory=dict)


@dataclass
class ParseResult:
    messages: list[NormalizedMessage] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)  # event types recorded, not errors
    channel_external_ids: list[str] = field(default_factory=list)


class ChannelAdapter(Protocol):
    provider: str

    def verify(self, request: InboundRequest, secrets: ProviderSecrets) -> str | None:
        """Raise VerificationFailed, or return a replay key (None where there is none)."""

    def parse(self, body: bytes, headers: dict[str, str]) -> ParseResult:
        """Raise ParseFailed for a body that cannot be read."""
