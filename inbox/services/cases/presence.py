"""Agents' presence: online, away, on a call, offline."""

from __future__ import annotations

from sqlalchemy.orm import Session

from inbox.models import PRESENCE, User, utcnow
from inbox.realtime.publish import publish
from inbox.realtime.rooms import SUPERVISORS, agent_room
from inbox.runtime import current
from inbox.services.cases.offer_trigger import request_dispatch
from inbox.services.cases.offers import do_withdraw_offers
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
        if presence in ("away", "offline"):
            do_withdraw_offers(session, user.id)  # never leave work with someone not there
        else:
            request_dispatch(session)
    return user


SOCKETS_KEY = "inbox:realtime:sockets"


def agent_connected(user_id: int) -> None:
    current().redis.hincrby(SOCKETS_KEY, str(user_id), 1)


def last_socket_closed(user_id: int) -> bool:
    """One of the agent's sockets closed; True when it was their last one anywhere (their
    offers return and they go offline: `do_set_presence(..., "offline")`)."""
    if current().redis.hincrby(SOCKETS_KEY, str(user_id), -1) > 0:
        return False
    current().redis.hdel(SOCKETS_KEY, str(user_id))
    return True
