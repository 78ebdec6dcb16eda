"""Agents' presence: online, away, on a call, offline."""

from __future__ import annotations

from sqlalchemy.orm import Session

from inbox.models import PRESENCE, User, utcnow
from inbox.realtime.publish import publish
from inbox.realtime.rooms import SUPERVISORS, agent_room
from inbox.runtime import current, unit_of_work
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


def agent_disconnected(user_id: int) -> None:
    """The agent's last socket anywhere closed: offers return, presence goes offline."""
    if current().redis.hincrby(SOCKETS_KEY, str(user_id), -1) > 0:
        return
    current().redis.hdel(SOCKETS_KEY, str(user_id))
    with unit_of_work() as session:
        do_set_presence(session, user_id, "offline")
