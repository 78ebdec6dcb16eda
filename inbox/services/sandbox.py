"""Connecting the demo workspace's channels to a sandbox (docs/sandbox.md): each gets the
credentials and settings its sender needs, pointing at the sandbox's URL. Run by the
sandbox when it starts, so a sandbox on a new port is connected again."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from inbox.models import Channel
from inbox.sandbox.credentials import connection
from inbox.services.workspace import DEMO_CHANNELS


def demo_channels(session: Session) -> list[Channel]:
    """The channels the demo workspace created, as long as they keep their demo identity
    (kind and external id; the generic source, which has none, by kind and name)."""
    wanted = {(kind, external_id if external_id is not None else name)
              for kind, name, external_id in DEMO_CHANNELS}
    channels = session.scalars(select(Channel).order_by(Channel.id)).all()
    return [c for c in channels
            if (c.kind, c.external_id if c.external_id is not None else c.name) in wanted]


def do_connect_demo_channels(session: Session, sandbox_url: str) -> list[Channel]:
    """Point every demo channel's replies at the sandbox; returns the channels changed."""
    changed = []
    for channel in demo_channels(session):
        secrets, settings = connection(channel.kind, channel.id, sandbox_url)
        # New dicts: the sealed JSON column notices assignment, not mutation in place.
        new_secrets = {**(channel.secrets or {}), **secrets}
        new_settings = {**(channel.settings or {}), **settings}
        if new_secrets != (channel.secrets or {}) or new_settings != (channel.settings or {}):
            channel.secrets, channel.settings = new_secrets, new_settings
            changed.append(channel)
    session.flush()
    return changed
