"""Agents' presence: online, away, on a call, offline."""

from __future__ import annotations

from sqlalchemy.orm import Session

from inbox.models import PRESENCE, User, utcnow
from inbox.realtime.publish import publish
from inbox.realtime.rooms import SUPERVISORS, agent_room
from inbox.services.errors import NotFound, ValidationFailed


def do_set_presence(session: Session, user_id: int, presence: str) -> User:
    if presence not in PRESENCE:
        raise ValidationFailed("unknown presence", fields={"presence": f"one of {PRESENCE}"})
    user = session.get(User, user_id)
    if user is None:
        raise NotFound(f"user {user_id} not found")
    if user.presence != presence:
        user.presence = presence
        user.presence_changed_at = utcnow()
        publish(session, "agent.presence", {"user_id": user.id, "presence": presence},
                [SUPERVISORS, agent_room(user.id)])
    return user
