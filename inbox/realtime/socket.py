"""Socket.IO server: authentication at connect, room membership, presence in a case.

Clients only listen to rooms the server puts them in; which rooms is decided
here from what the user may see (inbox.services.access).
"""

from __future__ import annotations

from typing import Any

import socketio as python_socketio
from flask import Flask, request
from flask_login import current_user
from flask_socketio import SocketIO, join_room, leave_room

from inbox.models import User
from inbox.realtime.publish import SOCKETIO_CHANNEL
from inbox.realtime.rooms import SUPERVISORS, agent_room, case_room, queue_room
from inbox.services import unit_of_work
from inbox.services.access import visible_queue_ids
from inbox.services.errors import NotFound, ServiceError
from inbox.services.presence import agent_connected, agent_disconnected
from inbox.services.users import user_for_token
from inbox.services.viewing import do_close_case, do_open_case, do_set_typing

socketio = SocketIO()

# sid -> user, for this process's connections
_connected: dict[str, User] = {}


def _authenticate(auth: Any) -> User | None:
    token = auth.get("token") if isinstance(auth, dict) else None
    if token:
        with unit_of_work() as session:
            return user_for_token(session, str(token))
    if current_user.is_authenticated:
        return current_user._get_current_object()  # type: ignore[attr-defined,no-any-return]
    return None


@socketio.on("connect")
def on_connect(auth: Any = None) -> bool:
    user = _authenticate(auth)
    if user is None:
        return False  # the client gets a connect_error
    _connected[request.sid] = user  # type: ignore[attr-defined]
    agent_connected(user.id)
    join_room(agent_room(user.id))
    if user.is_supervisor:
        join_room(SUPERVISORS)
    with unit_of_work() as session:
        for queue_id in visible_queue_ids(session, user):
            join_room(queue_room(queue_id))
    return True


@socketio.on("disconnect")
def on_disconnect(reason: Any = None) -> None:
    user = _connected.pop(request.sid, None)  # type: ignore[attr-defined]
    if user is not None:
        _close_viewed_cases(user, request.sid)  # type: ignore[attr-defined]
        agent_disconnected(user.id)


def init_app(app: Flask, redis_url: str) -> None:
    # The manager is built here rather than from message_queue= because Flask-SocketIO
    # only recognises redis:// URLs, and the embedded Redis is a unix:// socket.
    manager = python_socketio.RedisManager(redis_url, channel=SOCKETIO_CHANNEL)
    socketio.init_app(app, client_manager=manager, async_mode="threading")


# sid -> ids of the cases that connection has open (case.view), for clean-up on disconnect
_viewing: dict[str, set[int]] = {}


def _case_id_of(data: Any) -> int | None:
    case_id = data.get("case_id") if isinstance(data, dict) else None
    return case_id if isinstance(case_id, int) and not isinstance(case_id, bool) else None


@socketio.on("case.view")
def on_case_view(data: Any) -> dict[str, Any]:
    """Open a case: join its room, tell the others, learn who is already there."""
    user = _connected.get(request.sid)  # type: ignore[attr-defined]
    case_id = _case_id_of(data)
    if user is None or case_id is None:
        return {"ok": False, "error": "send {case_id: <int>}"}
    try:
        with unit_of_work() as session:
            others = do_open_case(session, user, case_id, request.sid)  # type: ignore[attr-defined]
    except NotFound:
        return {"ok": False, "error": f"case {case_id} not found"}
    join_room(case_room(case_id))
    _viewing.setdefault(request.sid, set()).add(case_id)  # type: ignore[attr-defined]
    return {"ok": True, "viewers": others}


@socketio.on("case.typing")
def on_case_typing(data: Any) -> dict[str, Any]:
    user = _connected.get(request.sid)  # type: ignore[attr-defined]
    case_id = _case_id_of(data)
    typing = data.get("typing") if isinstance(data, dict) else None
    if user is None or case_id is None or not isinstance(typing, bool):
        return {"ok": False, "error": "send {case_id: <int>, typing: <bool>}"}
    try:
        with unit_of_work() as session:
            do_set_typing(session, user, case_id, request.sid, typing)  # type: ignore[attr-defined]
    except ServiceError as exc:
        return {"ok": False, "error": exc.message}
    return {"ok": True}


@socketio.on("case.leave")
def on_case_leave(data: Any) -> dict[str, Any]:
    """Close a case: leave its room; the others see 'left' once no tab of ours has it."""
    user = _connected.get(request.sid)  # type: ignore[attr-defined]
    case_id = _case_id_of(data)
    if user is None or case_id is None:
        return {"ok": False, "error": "send {case_id: <int>}"}
    leave_room(case_room(case_id))
    _viewing.get(request.sid, set()).discard(case_id)  # type: ignore[attr-defined]
    with unit_of_work() as session:
        do_close_case(session, user, case_id, request.sid)  # type: ignore[attr-defined]
    return {"ok": True}


# The older names of the same two events, kept for clients written against them.
socketio.on("case.watch")(on_case_view)
socketio.on("case.unwatch")(on_case_leave)


def _close_viewed_cases(user: User, sid: str) -> None:
    for case_id in sorted(_viewing.pop(sid, set())):
        with unit_of_work() as session:
            do_close_case(session, user, case_id, sid)
