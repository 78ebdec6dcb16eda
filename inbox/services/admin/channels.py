"""Connecting channels: one account on one provider, with its secrets."""

from __future__ import annotations

import secrets as secrets_module

from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import flag_modified

from inbox.models import CHANNEL_KINDS, Channel
from inbox.services.errors import Conflict, ValidationFailed

# Where each kind's provider calls us (README.md, the webhook list).
_WEBHOOK_PATHS = {
    "facebook": "/webhooks/meta",
    "instagram": "/webhooks/meta",
    "x": "/webhooks/x",
    "email": "/webhooks/email/mailgun",
    "voice": "/webhooks/voice",
    "generic": "/webhooks/generic/{id}",
}


def webhook_url(channel: Channel, public_url: str) -> str:
    return public_url.rstrip("/") + _WEBHOOK_PATHS[channel.kind].format(id=channel.id)


def normalize_external_id(kind: str, external_id: str | None) -> str | None:
    if external_id is None or not external_id.strip():
        return None
    value = external_id.strip()
    return value.lower() if kind == "email" else value


def do_add_channel(
    session: Session,
    kind: str,
    name: str,
    *,
    external_id: str | None = None,
    secret: str | None = None,
    settings: dict[str, object] | None = None,
) -> Channel:
    if kind not in CHANNEL_KINDS:
        raise ValidationFailed(f"unknown channel kind {kind!r}",
                               fields={"kind": f"one of {', '.join(CHANNEL_KINDS)}"})
    if not name.strip():
        raise ValidationFailed("a channel needs a name", fields={"name": "required"})
    external_id = normalize_external_id(kind, external_id)
    if kind not in ("generic",) and external_id is None:
        raise ValidationFailed(
            f"a {kind} channel needs the id its provider names it by",
            fields={"external_id": "required for this kind"},
        )
    if external_id is not None and session.scalar(
        select(Channel.id).where(Channel.kind == kind, Channel.external_id == external_id)
    ):
        raise Conflict(f"a {kind} channel with external id {external_id} exists",
                       fields={"external_id": "taken"})
    channel = Channel(
        kind=kind, name=name.strip(), external_id=external_id,
        secrets={"signing_secret": secret or secrets_module.token_hex(24)},
        settings=dict(settings or {}),
    )
    session.add(channel)
    session.flush()
    return channel


def channel_for(session: Session, kind: str | tuple[str, ...], external_id: str) -> Channel | None:
    kinds = (kind,) if isinstance(kind, str) else kind
    return session.scalar(
        select(Channel).where(
            Channel.kind.in_(kinds),
            Channel.external_id == normalize_external_id(kinds[0], external_id),
            Channel.is_active.is_(True),
        )
    )


def do_reseal_secrets(session: Session) -> int:
    """Seal every channel's secrets again with the newest key (after a new key was put
    first in INBOX_SECRETS_KEY), so the old key can be retired. Returns how many."""
    channels = list(session.scalars(select(Channel).order_by(Channel.id)))
    for channel in channels:
        channel.secrets = dict(channel.secrets)  # read with any key, written with the newest
        flag_modified(channel, "secrets")
    return len(channels)
