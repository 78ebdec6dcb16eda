"""Socket.IO server: authentication at connect, room membership, presence in a case.

Clients only listen to rooms the server puts them in; which rooms is decided
here from what the user may see (inbox.services.access).
"""

from __future__ import annotations

from typing import Any

from flask import Flask, current_app, request
from flask_login import current_user
from flask_socketio import ConnectionRefusedError, SocketIO, join_room, leave_room

from inbox.green import greenlets_share_the_thread
from inbox.models import User
from inbox.realtime.connections import connections
from inbox.realtime.publish import SOCKETIO_CHANNEL
from inbox.realtime.reach import AccessAwareRedisManager
from inbox.realtime.rooms import SUPERVISORS, agent_room, case_room, queue_room
from inbox.services import unit_of_work
from inbox.services.access import visible_queue_ids
from inbox.services.admin.users import active_token
from inbox.services.cases.presence import agent_connected, do_set_presence, last_socket_closed
from inbox.services.cases.viewing import do_close_case, do_open_case, do_set_typing
from inbox.services.errors import NotFound, ServiceError

socketio = SocketIO()


def _authenticate(auth: Any) -> tuple[User, int | None] | None:
    """The user, and the id of the token that vouched for them (None for a session)."""
    token = auth.get("token") if isinstance(auth, dict) else None
    if token:
        with unit_of_work() as session:
            row = active_token(session, str(token))
            return (row.user, row.id) if row is not None else None
    if current_user.is_authenticated:
        return current_user._get_current_object(), None  # type: ignore[attr-defined]
    return None


def _user_of(sid: str) -> User | None:
    connection = connections.get(sid)
    return connection.user if connection is not None else None


@socketio.on("connect")
def on_connect(auth: Any = None) -> bool:
    if len(connections) >= current_app.config["INBOX_SETTINGS"].max_sockets:
        # Full: refused at once, so open desks cannot starve HTTP; the desk backs off.
        raise ConnectionRefusedError("server busy: too many open connections, retry later")
    found = _authenticate(auth)
    if found is None:
        return False  # the client gets a connect_error
    user, token_id = found
    connections.add(request.sid, user, token_id)  # type: ignore[attr-defined]
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
    connection = connections.remove(request.sid)  # type: ignore[attr-defined]
    if connection is not None:
        for case_id in sorted(connection.viewing):
            with unit_of_work() as session:
                do_close_case(session, connection.user, case_id, request.sid)  # type: ignore[attr-defined]
        if last_socket_closed(connection.user.id):
            with unit_of_work() as session:
                do_set_presence(session, connection.user.id, "offline")


def init_app(app: Flask, redis_url: str) -> None:
    # The manager is built here rather than from message_queue= because Flask-SocketIO
    # only recognises redis:// URLs, and the embedded Redis is a unix:// socket.
    manager = AccessAwareRedisManager(redis_url, channel=SOCKETIO_CHANNEL)
    socketio.init_app(app, client_manager=manager, async_mode=_async_mode())
    app.wsgi_app = _without_websocket_compression(app.wsgi_app)  # type: ignore[method-assign]


def _without_websocket_compression(wsgi_app: Any) -> Any:
    """Open WebSockets without per-message deflate. Its zlib state is about 300 KB per
    connection (most of what an open desk costs the web process), and compressing each
    event once per socket is CPU spent on every fan-out, for JSON events of a few hundred
    bytes. The WebSocket server accepts the extension whenever a client offers it, so
    the offer is dropped before the handshake."""

    def app(environ: dict[str, Any], start_response: Any) -> Any:
        environ.pop("HTTP_SEC_WEBSOCKET_EXTENSIONS", None)
        return wsgi_app(environ, start_response)

    return app


def _async_mode() -> str:
    """gevent in the web process, threads anywhere else (tests' in-process app, scripts)."""
    return "gevent" if greenlets_share_the_thread() else "threading"


def _case_id_of(data: Any) -> int | None:
    case_id = data.get("case_id") if isinstance(data, dict) else None
    return case_id if isinstance(case_id, int) and not isinstance(case_id, bool) else None


def _caller_and_case(data: Any) -> tuple[Any, int] | None:
    """Who sent a case message and the case it names; None when either is missing."""
    user = _user_of(request.sid)  # type: ignore[attr-defined]
    case_id = _case_id_of(data)
    return (user, case_id) if user is not None and case_id is not None else None


@socketio.on("case.view")
def on_case_view(data: Any) -> dict[str, Any]:
    """Open a case: join its room, tell the others, learn who is already there."""
    if (named := _caller_and_case(data)) is None:
        return {"ok": False, "error": "send {case_id: <int>}"}
    user, case_id = named
    try:
        with unit_of_work() as session:
            others = do_open_case(session, user, case_id, request.sid)  # type: ignore[attr-defined]
    except NotFound:
        return {"ok": False, "error": f"case {case_id} not found"}
    join_room(case_room(case_id))
    connection = connections.get(request.sid)  # type: ignore[attr-defined]
    if connection is not None:
        connection.viewing.add(case_id)
    return {"ok": True, "viewers": others}


@socketio.on("case.typing")
def on_case_typing(data: Any) -> dict[str, Any]:
    named = _caller_and_case(data)
    typing = data.get("typing") if isinstance(data, dict) else None
    if named is None or not isinstance(typing, bool):
        return {"ok": False, "error": "send {case_id: <int>, typing: <bool>}"}
    user, case_id = named
    try:
        with unit_of_work() as session:
            do_set_typing(session, user, case_id, request.sid, typing)  # type: ignore[attr-defined]
    except ServiceError as exc:
        return {"ok": False, "error": exc.message}
    return {"ok": True}


@socketio.on("case.leave")
def on_case_leave(data: Any) -> dict[str, Any]:
    """Close a case: leave its room; the others see 'left' once no tab of ours has it."""
    if (named := _caller_and_case(data)) is None:
        return {"ok": False, "error": "send {case_id: <int>}"}
    user, case_id = named
    leave_room(case_room(case_id))
    connection = connections.get(request.sid)  # type: ignore[attr-defined]
    if connection is not None:
        connection.viewing.discard(case_id)
    with unit_of_work() as session:
        do_close_case(session, user, case_id, request.sid)  # type: ignore[attr-defined]
    return {"ok": True}


# The older names of the same two events, kept for clients written against them.
socketio.on("case.watch")(on_case_view)
socketio.on("case.unwatch")(on_case_leave)
