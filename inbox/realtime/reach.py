"""Re-checking who may hear what, when access changes after a socket connected.

A case transferred to another team's queue, a user's teams or role changed, a user
deactivated or a token revoked: the service that commits the change publishes an access
order (publish.publish_access_change). It travels on the Socket.IO Redis channel ahead of
the commit's events, and each web process applies it here, in the listener that then
delivers those events, so no socket hears of a case after it lost sight of it.
"""

from __future__ import annotations

import logging
from typing import Any

import socketio as python_socketio

from inbox.models import Case, User
from inbox.realtime import wallboard_ticker
from inbox.realtime.connections import connections
from inbox.realtime.publish import ACCESS_CHANGE
from inbox.realtime.rooms import SUPERVISORS, agent_room, case_room, queue_room
from inbox.services import unit_of_work
from inbox.services.access import can_see_case, visible_queue_ids
from inbox.services.cases.viewing import do_close_case

log = logging.getLogger(__name__)
NAMESPACE = "/"


class AccessAwareRedisManager(python_socketio.RedisManager):  # type: ignore[misc]
    """The web process's Socket.IO manager: access orders are applied, not emitted."""

    def _handle_emit(self, message: dict[str, Any]) -> None:
        wallboard_ticker.notice(message.get("event"))
        if message.get("event") == ACCESS_CHANGE:
            data = message.get("data")
            order = data[0] if isinstance(data, list) and data else data  # emits wrap args
            try:
                apply_access_change(self.server, order if isinstance(order, dict) else {})
            except Exception:  # the listener must live on; the next order re-checks
                log.exception("could not apply an access change")
            return
        super()._handle_emit(message)


def apply_access_change(server: Any, order: dict[str, Any]) -> None:
    for token_id in order.get("disconnect_tokens", []):
        for sid in connections.of_token(token_id):
            server.disconnect(sid, namespace=NAMESPACE, ignore_queue=True)
    for user_id in order.get("disconnect_users", []):
        for sid in connections.of_user(user_id):
            server.disconnect(sid, namespace=NAMESPACE, ignore_queue=True)
    affected: set[str] = set()
    for user_id in order.get("users", []):
        affected.update(connections.of_user(user_id))
    for case_id in order.get("cases", []):
        affected.update(sid for sid, _ in server.manager.get_participants(
            NAMESPACE, case_room(case_id)))
    if not affected:
        return
    with unit_of_work() as session:
        for sid in sorted(affected):
            _recheck(server, session, sid)


def _recheck(server: Any, session: Any, sid: str) -> None:
    """Leave the rooms the user may no longer hear, join those newly theirs."""
    connection = connections.get(sid)
    if connection is None:
        return
    user = session.get(User, connection.user.id)
    if user is None or not user.is_active:
        server.disconnect(sid, namespace=NAMESPACE, ignore_queue=True)
        return
    connection.user = user
    wanted = {agent_room(user.id), *(queue_room(q) for q in visible_queue_ids(session, user))}
    if user.is_supervisor:
        wanted.add(SUPERVISORS)
    current = set(server.rooms(sid, namespace=NAMESPACE))
    for room in current - wanted:
        if room == SUPERVISORS or room.startswith(("queue:", "agent:")):
            server.leave_room(sid, room, namespace=NAMESPACE)
        elif room.startswith("case:"):
            _recheck_case(server, session, sid, user, int(room.split(":", 1)[1]))
    for room in wanted - current:
        server.enter_room(sid, room, namespace=NAMESPACE)


def _recheck_case(server: Any, session: Any, sid: str, user: User, case_id: int) -> None:
    case = session.get(Case, case_id)
    if case is not None and can_see_case(session, user, case):
        return
    server.leave_room(sid, case_room(case_id), namespace=NAMESPACE)
    connection = connections.get(sid)
    if connection is not None and case_id in connection.viewing:
        connection.viewing.discard(case_id)
        do_close_case(session, user, case_id, sid)
