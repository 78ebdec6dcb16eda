"""Recording admin changes: who, what, before and after, with secrets masked."""

from __future__ import annotations

from contextvars import ContextVar
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from inbox.models import AdminChange, User

COMMAND_LINE = "command line"
MASKED = "set"

# From where the change comes: the HTTP edge names the caller's address for the request
# (inbox.api.base), so the record says it without the services knowing of requests.
change_origin: ContextVar[str | None] = ContextVar("change_origin", default=None)


def masked(values: dict[str, Any]) -> dict[str, str]:
    """Credentials and secrets as an audit shows them: that they are set, never what."""
    return {name: (MASKED if value else "removed") for name, value in values.items()}


def record_change(session: Session, actor: User | None, action: str, target_kind: str,
                  target_id: int | None, changes: dict[str, Any] | None = None) -> None:
    """Record an admin change in the same transaction as the change itself. `changes`
    maps a field to [before, after]; mask secrets before passing them."""
    session.add(AdminChange(actor_id=actor.id if actor is not None else None,
                            actor=actor.email if actor is not None else COMMAND_LINE,
                            action=action, target_kind=target_kind, target_id=target_id,
                            changes=changes or {}, origin=change_origin.get()))


def differences(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    return {key: [before.get(key), after.get(key)] for key in sorted(set(before) | set(after))
            if before.get(key) != after.get(key)}


def audit_trail(session: Session, filters: dict[str, Any]) -> list[AdminChange]:
    """Recorded admin changes, newest first: by who (part of an email, or "command
    line"), action (e.g. "channel" for every channel.*), kind and id of what changed,
    and when; `before` an id to page on."""
    stmt = select(AdminChange).order_by(AdminChange.id.desc()).limit(filters.get("limit", 100))
    if filters.get("actor"):
        stmt = stmt.where(AdminChange.actor.ilike(f"%{filters['actor']}%"))
    if filters.get("action"):
        action = str(filters["action"])
        stmt = stmt.where((AdminChange.action == action)
                          | AdminChange.action.startswith(action.rstrip(".") + ".",
                                                          autoescape=True))
    for name, column in (("target_kind", AdminChange.target_kind),
                         ("target_id", AdminChange.target_id)):
        if filters.get(name) is not None:
            stmt = stmt.where(column == filters[name])
    if filters.get("since") is not None:
        stmt = stmt.where(AdminChange.created_at >= filters["since"])
    if filters.get("until") is not None:
        stmt = stmt.where(AdminChange.created_at < filters["until"])
    if filters.get("before") is not None:
        stmt = stmt.where(AdminChange.id < filters["before"])
    return list(session.scalars(stmt))
