"""Refusing deliveries for disabled channels whose provider names them in the body.

Meta, X, Twilio and Mailgun call one URL for every channel; the body says which page,
account, number or mailbox a delivery is for. A disabled channel's webhooks must be
refused with nothing stored, so at accept time the body is read for its addresses —
but only while some channel of the provider's kinds is disabled: with none (the usual
case) accepting stays parse-free.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError

from inbox.channels.inbound import InboundRequest
from inbox.channels.registry import adapter_for
from inbox.models import Channel
from inbox.runtime import unit_of_work
from inbox.services.admin.channel_profiles import normalize_external_id
from inbox.services.errors import Forbidden

log = logging.getLogger(__name__)

# The channel kinds each body-addressed provider feeds.
PROVIDER_KINDS: dict[str, tuple[str, ...]] = {
    "meta": ("facebook", "instagram"),
    "x": ("x",),
    "mailgun": ("email",),
    "voice": ("voice",),
}

# How long this process trusts its list of disabled channels; a change made in this
# process is seen at once (forget_disabled_channels runs after its commit).
DISABLED_TTL_SECONDS = 5.0


@dataclass(frozen=True)
class _Disabled:
    addresses: frozenset[tuple[str, str]]  # (kind, external id), normalized
    read_at: float


_disabled: _Disabled | None = None


def forget_disabled_channels() -> None:
    global _disabled
    _disabled = None


def _disabled_addresses() -> frozenset[tuple[str, str]]:
    global _disabled
    now = time.monotonic()
    if _disabled is not None and now - _disabled.read_at < DISABLED_TTL_SECONDS:
        return _disabled.addresses
    try:
        with unit_of_work(read_only=True) as session:
            rows = session.execute(select(Channel.kind, Channel.external_id).where(
                Channel.is_active.is_(False), Channel.external_id.is_not(None))).all()
    except SQLAlchemyError as exc:
        # Storing is the safe side: take-in leaves a disabled channel's messages unmatched.
        log.warning("could not read the disabled channels: %s", type(exc).__name__)
        return frozenset()
    _disabled = _Disabled(frozenset((kind, str(external_id)) for kind, external_id in rows), now)
    return _disabled.addresses


def _addresses(provider: str, inbound: InboundRequest) -> set[tuple[str | None, str]]:
    """The (kind, external id) pairs the body is for — kind None where only the account is
    named (a body of ignored events) — and empty when the body cannot be read: it is then
    stored, and take-in records why it failed."""
    try:
        result = adapter_for(provider).parse(inbound.body, dict(inbound.headers))
    except Exception:  # any unreadable body is take-in's to judge and record
        return set()
    found: set[tuple[str | None, str]] = set()
    for message in result.messages:
        external_id = normalize_external_id(message.channel_kind, message.channel_external_id)
        if external_id is not None:
            found.add((message.channel_kind, external_id))
    if not result.messages:
        found |= {(None, external_id) for raw in result.channel_external_ids
                  if (external_id := normalize_external_id(PROVIDER_KINDS[provider][0], raw))}
    return found


def refuse_if_for_disabled_channels(provider: str, inbound: InboundRequest) -> None:
    """Raise Forbidden when the delivery names channels and every one is disabled. One for
    an enabled channel as well is stored: take-in leaves the disabled one's part unmatched."""
    kinds = PROVIDER_KINDS.get(provider)
    if kinds is None:
        return
    disabled = {address for address in _disabled_addresses() if address[0] in kinds}
    if not disabled:
        return
    addresses = _addresses(provider, inbound)
    disabled_ids = {external_id for _, external_id in disabled}
    if not addresses or not all(
            (kind, external_id) in disabled if kind is not None else external_id in disabled_ids
            for kind, external_id in addresses):
        return
    named = ", ".join(sorted(f"{kind or provider} {external_id}"
                             for kind, external_id in addresses))
    raise Forbidden(f"the channel for {named} is disabled; nothing was stored")
