"""Connecting channels: one account on one provider, with its secrets."""

from __future__ import annotations

import secrets as secrets_module
from datetime import timedelta
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import flag_modified

from inbox.channels.senders.destinations import UnsafeDestination, check_destination
from inbox.jobs import after_commit
from inbox.models import CHANNEL_KINDS, Case, Channel, Delivery, Message, User, utcnow
from inbox.runtime import current
from inbox.services.admin.audit import MASKED, differences, masked, record_change
from inbox.services.admin.channel_profiles import (
    channel_credentials,
    channel_missing_to_send,
    check_values,
    normalize_external_id,
    profile,
    signing_secrets,
)
from inbox.services.errors import Conflict, NotFound, ValidationFailed
from inbox.services.ingest.deliveries import forget_channel_keys

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


def raw_email_url(channel: Channel, public_url: str) -> str:
    """Where a mail server posts an email channel's messages as raw MIME (not Mailgun)."""
    return public_url.rstrip("/") + f"/webhooks/email/raw/{channel.id}"


def _checked_external_id(session: Session, kind: str, external_id: str | None,
                         channel_id: int | None = None) -> str | None:
    shape = profile(kind)
    external_id = normalize_external_id(kind, external_id)
    if external_id is None:
        if shape.external_id is not None:
            raise ValidationFailed(f"{shape.named} needs {shape.external_id}",
                                   fields={"external_id": "required for this kind"})
        return None
    if shape.external_id_check is not None and (problem := shape.external_id_check(
            external_id)) is not None:
        raise ValidationFailed(f"{shape.named} is named by {shape.external_id}",
                               fields={"external_id": problem})
    taken = session.scalar(select(Channel.id).where(
        Channel.kind == kind, Channel.external_id == external_id))
    if taken is not None and taken != channel_id:
        raise Conflict(f"{shape.named} with external id {external_id} exists",
                       fields={"external_id": "taken"})
    return external_id


def check_reply_url(settings: dict[str, Any]) -> None:
    """A reply URL must be one the service may call (outbound destination policy)."""
    url = settings.get("reply_url")
    if not url:
        return
    try:
        check_destination(url, production=current().settings.production)
    except UnsafeDestination as exc:
        raise ValidationFailed("the reply URL is not one the service may call",
                               fields={"settings.reply_url": str(exc)})


def _checked_secret(secret: str | None) -> str:
    if secret is None:
        return secrets_module.token_hex(24)
    if not 16 <= len(secret) <= 200:
        raise ValidationFailed("a signing secret is 16 to 200 characters",
                               fields={"secret": "16 to 200 characters"})
    return secret


def do_add_channel(
    session: Session,
    kind: str,
    name: str,
    *,
    external_id: str | None = None,
    secret: str | None = None,
    settings: dict[str, Any] | None = None,
    credentials: dict[str, Any] | None = None,
    actor: User | None = None,
) -> Channel:
    """Connect a channel. A signing secret not given is generated: read it from
    `channel.secrets` right after, the only time it is shown."""
    if kind not in CHANNEL_KINDS:
        raise ValidationFailed(f"unknown channel kind {kind!r}",
                               fields={"kind": f"one of {', '.join(CHANNEL_KINDS)}"})
    if not name.strip():
        raise ValidationFailed("a channel needs a name", fields={"name": "required"})
    external_id = _checked_external_id(session, kind, external_id)
    settings = _present(check_values(kind, "settings", dict(settings or {})))
    credentials = _present(check_values(kind, "credentials", dict(credentials or {})))
    check_reply_url(settings)
    channel = Channel(
        kind=kind, name=name.strip(), external_id=external_id,
        secrets={**credentials, "signing_secret": _checked_secret(secret)},
        settings=settings,
    )
    session.add(channel)
    session.flush()
    record_change(session, actor, "channel.create", "channel", channel.id, {
        "kind": [None, kind], "name": [None, channel.name],
        "external_id": [None, external_id], "settings": [None, settings],
        "credentials": [None, masked({**credentials, "signing_secret": "set"})]})
    return channel


def _present(values: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in values.items() if v is not None}


def get_channel(session: Session, channel_id: int) -> Channel:
    channel = session.get(Channel, channel_id)
    if channel is None:
        raise NotFound(f"channel {channel_id} not found")
    return channel


def do_edit_channel(session: Session, channel_id: int, changes: dict[str, Any],
                    actor: User | None = None) -> Channel:
    """Change a channel's name, external id, settings or credentials (merged: a None value
    removes one), or enable and disable it. A disabled channel's webhooks are refused."""
    channel = get_channel(session, channel_id)
    before = {"name": channel.name, "external_id": channel.external_id,
              "settings": dict(channel.settings or {}), "is_active": channel.is_active}
    if "name" in changes:
        if not str(changes["name"] or "").strip():
            raise ValidationFailed("a channel needs a name", fields={"name": "required"})
        channel.name = str(changes["name"]).strip()
    if "external_id" in changes:
        channel.external_id = _checked_external_id(session, channel.kind,
                                                   changes["external_id"], channel.id)
    if "settings" in changes:
        given = check_values(channel.kind, "settings", dict(changes["settings"] or {}))
        merged = _present({**(channel.settings or {}), **given})
        check_reply_url(merged)
        channel.settings = merged
    credentials_changed: dict[str, Any] = {}
    if "credentials" in changes:
        credentials_changed = check_values(channel.kind, "credentials",
                                           dict(changes["credentials"] or {}))
        channel.secrets = _present({**channel.secrets, **credentials_changed})
    if "is_active" in changes:
        channel.is_active = bool(changes["is_active"])
    after = {"name": channel.name, "external_id": channel.external_id,
             "settings": dict(channel.settings or {}), "is_active": channel.is_active}
    diff: dict[str, Any] = differences(before, after)
    if credentials_changed:
        diff["credentials"] = masked(credentials_changed)
    if diff:
        action = ("channel.disable" if diff.keys() == {"is_active"} and not channel.is_active
                  else "channel.enable" if diff.keys() == {"is_active"} else "channel.edit")
        record_change(session, actor, action, "channel", channel.id, diff)
    after_commit(session, forget_channel_keys)
    return channel


def do_delete_channel(session: Session, channel_id: int, actor: User | None = None) -> None:
    """Remove a channel nothing refers to; one with cases or messages can only be disabled."""
    channel = get_channel(session, channel_id)
    used = session.scalar(select(func.count()).select_from(Case)
                          .where(Case.channel_id == channel_id)) or session.scalar(
        select(func.count()).select_from(Message).where(Message.channel_id == channel_id))
    if used:
        raise Conflict(f"channel {channel_id} has cases and messages; disable it instead",
                       fields={"channel": "in use"})
    record_change(session, actor, "channel.delete", "channel", channel.id,
                  {"name": [channel.name, None], "kind": [channel.kind, None]})
    session.delete(channel)
    session.flush()
    # Its deliveries stay, kept for replay, naming no channel. Said here, not only by the
    # foreign key: on the embedded default they are in a database file of their own
    # (written after the main one, the order every writer of both keeps).
    session.execute(update(Delivery).where(Delivery.channel_id == channel_id)
                    .values(channel_id=None))
    after_commit(session, forget_channel_keys)


# How long a rotated-out signing secret is still accepted, so the source can switch over.
DEFAULT_SECRET_GRACE = timedelta(hours=24)
MAX_SECRET_GRACE = timedelta(days=7)


def do_rotate_secret(session: Session, channel_id: int,
                     grace: timedelta = DEFAULT_SECRET_GRACE,
                     actor: User | None = None) -> str:
    """A new signing secret, returned once; the old one is accepted for `grace`."""
    channel = get_channel(session, channel_id)
    if not profile(channel.kind).signed_by_channel:
        raise ValidationFailed(f"{profile(channel.kind).named} is not signed with its own "
                               "secret (its provider's app secret signs it)",
                               fields={"channel": "has no signing secret"})
    if not timedelta(0) <= grace <= MAX_SECRET_GRACE:
        raise ValidationFailed("the grace period is 0 to 7 days",
                               fields={"grace_hours": "0 to 168"})
    new = secrets_module.token_hex(24)
    kept = {k: v for k, v in channel.secrets.items()
            if k not in ("previous_signing_secret", "previous_valid_until")}
    if grace and kept.get("signing_secret"):
        kept["previous_signing_secret"] = kept["signing_secret"]
        kept["previous_valid_until"] = (utcnow() + grace).isoformat()
    channel.secrets = {**kept, "signing_secret": new}
    record_change(session, actor, "channel.rotate_secret", "channel", channel.id,
                  {"signing_secret": MASKED, "grace_hours": grace.total_seconds() / 3600})
    after_commit(session, forget_channel_keys)
    return new


def channel_view(channel: Channel, public_url: str) -> dict[str, Any]:
    """A channel as admins see it: everything but the values of its secrets."""
    credentials = channel_credentials(channel)
    missing = channel_missing_to_send(channel)
    until = (channel.secrets or {}).get("previous_valid_until")
    return {
        "id": channel.id, "kind": channel.kind, "name": channel.name,
        "external_id": channel.external_id, "is_active": channel.is_active,
        "settings": dict(channel.settings or {}),
        "credentials_set": sorted(k for k, v in credentials.items() if v),
        "missing_to_send": missing, "can_send": not missing,
        "rotation_grace_until": until if len(signing_secrets(channel)) > 1 else None,
        "webhook_url": webhook_url(channel, public_url), "created_at": channel.created_at,
    }


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
