"""Who is looking at or typing in a case, live (the desk's "Bob is typing…").

State lives in Redis so every web process sees it: one hash per case, one field
per Socket.IO connection (an agent may have the case open in two tabs). Each
change is announced to the case's room as the catalogued `case.viewing` event.
Desks say again that they are there every FRESH_FOR / 3 seconds; an entry not
renewed for FRESH_FOR (its web process died before it could say "left") no longer
counts, and a case's hash expires after VIEWING_TTL without any change. See
docs/desk.md.
"""

from __future__ import annotations

import json
import time
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from inbox.models import Channel, Queue, User
from inbox.realtime.publish import publish
from inbox.realtime.rooms import case_room
from inbox.runtime import current
from inbox.services.access import access_case, visible_queue_ids
from inbox.services.admin.channel_profiles import channel_missing_to_send
from inbox.services.errors import ValidationFailed

VIEWING_TTL = 3600  # seconds a case's viewer list survives without any change
FRESH_FOR = 120  # seconds an entry counts without being renewed
STATES = ("viewing", "typing", "left")


def _key(case_id: int) -> str:
    return f"inbox:viewing:case:{case_id}"


def _entries(case_id: int) -> dict[str, dict[str, Any]]:
    raw = current().redis.hgetall(_key(case_id))
    entries: dict[str, dict[str, Any]] = {}
    for sid, value in raw.items():
        try:
            entries[sid.decode() if isinstance(sid, bytes) else str(sid)] = json.loads(value)
        except ValueError:
            continue
    return entries


def viewers(case_id: int) -> list[dict[str, Any]]:
    """Everyone with the case open, one entry per user; typing wins over viewing."""
    by_user: dict[int, dict[str, Any]] = {}
    oldest = time.time() - FRESH_FOR
    for entry in _entries(case_id).values():
        if entry.get("at", 0) < oldest:
            continue
        seen = by_user.get(entry["user_id"])
        if seen is None or entry["state"] == "typing":
            by_user[entry["user_id"]] = {"case_id": case_id, "user_id": entry["user_id"],
                                         "name": entry["name"], "state": entry["state"]}
    return sorted(by_user.values(), key=lambda v: v["user_id"])


def _announce(session: Session, case_id: int, user: User, state: str) -> None:
    publish(session, "case.viewing",
            {"case_id": case_id, "user_id": user.id, "name": user.name, "state": state},
            [case_room(case_id)])


def _store(case_id: int, sid: str, user: User, state: str) -> None:
    redis = current().redis
    value = json.dumps({"user_id": user.id, "name": user.name, "state": state,
                        "at": time.time()})
    redis.hset(_key(case_id), sid, value)
    redis.expire(_key(case_id), VIEWING_TTL)


def do_open_case(session: Session, user: User, case_id: int, sid: str) -> list[dict[str, Any]]:
    """`user` has the case open on connection `sid` (again: a renewal): announce it when
    it is news, and return the others there."""
    access_case(session, user, case_id)  # the same 404 as a missing case
    previous = _entries(case_id).get(sid)
    state = previous["state"] if previous else "viewing"
    _store(case_id, sid, user, state)
    if previous is None:
        _announce(session, case_id, user, state)
    return [v for v in viewers(case_id) if v["user_id"] != user.id]


def do_set_typing(session: Session, user: User, case_id: int, sid: str, typing: bool) -> None:
    """Typing (or stopped typing) in a case this connection has open."""
    if sid not in _entries(case_id):
        raise ValidationFailed("open the case first (case.view)", fields={"case_id": "not open"})
    state = "typing" if typing else "viewing"
    _store(case_id, sid, user, state)
    _announce(session, case_id, user, state)


def do_close_case(session: Session, user: User, case_id: int, sid: str) -> None:
    """The connection closed the case (or went away). 'left' once the user's last one did."""
    if not current().redis.hdel(_key(case_id), sid):
        return
    still_there = [v for v in viewers(case_id) if v["user_id"] == user.id]
    _announce(session, case_id, user, still_there[0]["state"] if still_there else "left")


def desk_directory(session: Session, user: User) -> dict[str, Any]:
    """What the desk needs to name things: colleagues, channels and queues (no secrets)."""
    users = session.scalars(select(User).where(User.is_active.is_(True)).order_by(User.name))
    channels = session.scalars(select(Channel).order_by(Channel.id))
    queues = session.scalars(select(Queue).order_by(Queue.id))
    mine = set(visible_queue_ids(session, user))
    return {
        "me": {"id": user.id, "name": user.name, "role": user.role, "presence": user.presence,
               "is_supervisor": user.is_supervisor},
        "users": [{"id": u.id, "name": u.name, "role": u.role} for u in users],
        "channels": [{"id": c.id, "kind": c.kind, "name": c.name,
                      "missing_to_send": channel_missing_to_send(c)} for c in channels],
        "queues": [{"id": q.id, "name": q.name, "mine": q.id in mine} for q in queues],
    }
