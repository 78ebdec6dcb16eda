"""Who is calling, kept per process until access changes.

Every API request needs its caller: the token's row, its user, the user's teams and
skills, and the queues those teams work — four statements before the request does
anything. A web process keeps that as a snapshot and hands each request a fresh
detached copy of the user, so a request touches the database only for its own work.

A snapshot is trusted only while the **access version** in Redis is the one it was
taken at. Any commit that writes users, teams, tokens, sign-ins or queues sets a new version
right after it commits (before the service returns), so a revoked token, a
deactivated user, a new team or a new queue is seen by the next request in every
process. Unreachable Redis means no snapshot is trusted; snapshots also expire after
`SNAPSHOT_SECONDS`, for changes made outside the services.
"""

from __future__ import annotations

import hashlib
import logging
import time
import weakref
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session, make_transient_to_detached
from sqlalchemy.orm.attributes import set_committed_value

from inbox.models import ApiToken, Skill, Team, User, utcnow
from inbox.services.shared_versions import WatchedTables

log = logging.getLogger(__name__)

VERSION_KEY = "inbox:access-version"
SNAPSHOT_SECONDS = 30.0
MAX_SNAPSHOTS = 20_000  # beyond this the process starts again from empty
# Rows whose change can change who a caller is or what they may see (a change of
# membership or skills makes its user dirty, so the link tables are seen too).
_ACCESS_TABLES = frozenset({"users", "teams", "api_tokens", "sign_ins", "queues", "skills",
                            "user_teams", "queue_teams", "user_skills"})


@dataclass(frozen=True)
class _Snapshot:
    version: bytes
    taken: float
    user: dict[str, Any]
    teams: tuple[dict[str, Any], ...]
    skills: tuple[dict[str, Any], ...]
    token_id: int | None
    queue_ids: tuple[int, ...]


_snapshots: dict[str, _Snapshot] = {}
# The queues each request's copy of a user could see when it was made.
_queue_ids: weakref.WeakKeyDictionary[User, tuple[int, ...]] = weakref.WeakKeyDictionary()


# --- the version --------------------------------------------------------------------

_ACCESS = WatchedTables(VERSION_KEY, _ACCESS_TABLES, forget=_snapshots.clear)


def access_version() -> bytes | None:
    """The current access version; None when Redis cannot say (then nothing is trusted)."""
    return _ACCESS.version()


def new_access_version() -> None:
    """Retire every snapshot in every process (after a commit that changed access)."""
    _ACCESS.new_version()


# --- snapshots ----------------------------------------------------------------------


def _columns(obj: Any) -> dict[str, Any]:
    return {attr.key: getattr(obj, attr.key) for attr in obj.__mapper__.column_attrs}


def _detached(model: type[Any], values: dict[str, Any]) -> Any:
    obj = model(**values)
    make_transient_to_detached(obj)  # as if just loaded, with no pending changes
    return obj


def _copy(snapshot: _Snapshot) -> User:
    """A fresh detached User for one request: requests never share an ORM object."""
    user = _detached(User, snapshot.user)
    set_committed_value(user, "teams", [_detached(Team, t) for t in snapshot.teams])
    set_committed_value(user, "skills", [_detached(Skill, s) for s in snapshot.skills])
    _queue_ids[user] = snapshot.queue_ids
    return user


def _take(version: bytes, user: User, token_id: int | None,
          queue_ids: list[int]) -> _Snapshot:
    return _Snapshot(version, time.monotonic(), _columns(user),
                     tuple(_columns(t) for t in user.teams),
                     tuple(_columns(s) for s in user.skills), token_id, tuple(queue_ids))


def _cached(key: str, version: bytes | None) -> _Snapshot | None:
    snapshot = _snapshots.get(key)
    if snapshot is None or version is None:
        return None
    if snapshot.version != version or time.monotonic() - snapshot.taken > SNAPSHOT_SECONDS:
        _snapshots.pop(key, None)
        return None
    return snapshot


def _remember(key: str, snapshot: _Snapshot) -> None:
    if len(_snapshots) >= MAX_SNAPSHOTS:
        _snapshots.clear()
    _snapshots[key] = snapshot


def _snapshot_of(key: str, load: Callable[[Session], tuple[User, int | None] | None]
                 ) -> User | None:
    from inbox.runtime import unit_of_work
    from inbox.services.access import visible_queue_ids

    version = access_version()
    snapshot = _cached(key, version)
    if snapshot is None:
        with unit_of_work(read_only=True) as session:
            found = load(session)
            if found is None:
                return None
            user, token_id = found
            snapshot = _take(version or b"", user, token_id, visible_queue_ids(session, user))
        if version is not None:
            _remember(key, snapshot)
        if token_id is not None:
            _note_token_use(token_id)
    return _copy(snapshot)


def user_for_token(token: str) -> User | None:
    """The active user behind an API token, or None (unknown, revoked, deactivated)."""
    from inbox.services.admin.users import active_token

    def load(session: Session) -> tuple[User, int | None] | None:
        row = active_token(session, token)
        return (row.user, row.id) if row is not None else None

    return _snapshot_of("token:" + hashlib.sha256(token.encode()).hexdigest(), load)


def _note_token_use(token_id: int) -> None:
    """last_used_at, written when a process takes a snapshot of the token (so at most
    about once per SNAPSHOT_SECONDS per process), outside any request's transaction."""
    from sqlalchemy import update
    from sqlalchemy.exc import SQLAlchemyError

    from inbox.runtime import current

    try:
        with current().db.autocommit.begin() as connection:
            connection.execute(update(ApiToken).where(ApiToken.id == token_id)
                               .values(last_used_at=utcnow()))
    except SQLAlchemyError as exc:  # best effort: SQLite busy with a writer, say
        log.debug("last_used_at of token %s not written: %s", token_id, exc)


def user_for_sign_in(sign_in_id: int, user_id: int) -> User | None:
    """The user a browser session names, while its sign-in is open and the user active."""
    from inbox.services.admin.sign_ins import active_sign_in

    def load(session: Session) -> tuple[User, int | None] | None:
        row = active_sign_in(session, sign_in_id, user_id)
        return (row.user, None) if row is not None else None

    return _snapshot_of(f"sign-in:{sign_in_id}:{user_id}", load)


def snapshot_queue_ids(user: User) -> list[int] | None:
    """The queues `user` could see when this copy was made; None for a user loaded
    from the database (then ask the database)."""
    known = _queue_ids.get(user)
    return list(known) if known is not None else None


def forget_snapshots() -> None:
    """Drop this process's snapshots (tests that empty the database)."""
    _snapshots.clear()
