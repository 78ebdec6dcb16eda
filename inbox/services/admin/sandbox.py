"""Connecting the demo workspace's channels to a sandbox (docs/sandbox.md): each gets the
credentials and settings its sender needs, pointing at the sandbox's URL. Run by the
sandbox when it starts, so a sandbox on a new port is connected again."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from inbox.models import Channel
from inbox.sandbox.credentials import connection
from inbox.services.admin.channels import do_edit_channel
from inbox.services.admin.workspace import DEMO_CHANNELS


def demo_channels(session: Session) -> list[Channel]:
    """The channels the demo workspace created, as long as they keep their demo identity
    (kind and external id; the generic source, which has none, by kind and name)."""
    wanted = {(kind, external_id if external_id is not None else name)
              for kind, name, external_id in DEMO_CHANNELS}
    channels = session.scalars(select(Channel).order_by(Channel.id)).all()
    return [c for c in channels
            if (c.kind, c.external_id if c.external_id is not None else c.name) in wanted]


def do_connect_demo_channels(session: Session, sandbox_url: str) -> list[Channel]:
    """Point every demo channel's replies at the sandbox, as an admin edit (validated and
    recorded, with no actor); returns the channels changed. The sandbox's own address
    must be allowed as an outbound destination (INBOX_OUTBOUND_ALLOW) for the reply URL."""
    changed = []
    for channel in demo_channels(session):
        credentials, settings = connection(channel.kind, channel.id, sandbox_url)
        changes: dict[str, Any] = {}
        if any((channel.secrets or {}).get(k) != v for k, v in credentials.items()):
            changes["credentials"] = credentials
        if any((channel.settings or {}).get(k) != v for k, v in settings.items()):
            changes["settings"] = settings
        if changes:
            changed.append(do_edit_channel(session, channel.id, changes))
    session.flush()
    return changed
