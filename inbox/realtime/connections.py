"""This process's Socket.IO connections: who is behind each, by what token, watching what.

Rooms live in the Socket.IO server; this registry holds what the server does not know
and access re-checks need (inbox.realtime.reach).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from inbox.models import User


@dataclass
class Connection:
    user: User
    token_id: int | None  # None: the browser session authenticated it
    viewing: set[int] = field(default_factory=set)  # ids of the cases it has open


class LocalConnections:
    def __init__(self) -> None:
        self._by_sid: dict[str, Connection] = {}

    def __len__(self) -> int:
        return len(self._by_sid)

    def supervisors(self) -> int:
        """Sockets of supervisors (and admins): those who hear the wallboard."""
        return sum(1 for c in list(self._by_sid.values()) if c.user.is_supervisor)

    def add(self, sid: str, user: User, token_id: int | None) -> Connection:
        connection = self._by_sid[sid] = Connection(user, token_id)
        return connection

    def get(self, sid: str) -> Connection | None:
        return self._by_sid.get(sid)

    def remove(self, sid: str) -> Connection | None:
        return self._by_sid.pop(sid, None)

    def of_user(self, user_id: int) -> list[str]:
        return [sid for sid, c in list(self._by_sid.items()) if c.user.id == user_id]

    def of_token(self, token_id: int) -> list[str]:
        return [sid for sid, c in list(self._by_sid.items()) if c.token_id == token_id]


connections = LocalConnections()
