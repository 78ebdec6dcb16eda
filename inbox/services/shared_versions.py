"""Versions kept in Redis that tell every process when what it cached is stale: a
process keeps a snapshot with the version it read, and trusts it only while Redis still
holds that version (access snapshots, event subscriptions, ingestion's rules)."""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from typing import Any, Generic, TypeVar

from redis.exceptions import RedisError
from sqlalchemy import event as sa_event
from sqlalchemy.orm import ORMExecuteState, Session

T = TypeVar("T")


def _redis() -> Any:
    from inbox.runtime import current

    return current().redis


def shared_version(key: str) -> bytes | None:
    """The version under `key`; None when Redis cannot say (then nothing is trusted).
    A Redis that lost the key (restarted, flushed) gets a new one: an old snapshot can
    never match it."""
    try:
        redis = _redis()
        version = redis.get(key)
        if version is None:
            redis.set(key, uuid.uuid4().hex, nx=True)
            version = redis.get(key)
        return version  # type: ignore[no-any-return]
    except (RedisError, OSError):
        return None


def new_shared_version(key: str) -> None:
    """Retire every process's snapshot kept under `key` (raises if Redis cannot be told)."""
    _redis().set(key, uuid.uuid4().hex)


class WatchedTables:
    """A shared version that moves on after every commit writing one of `tables` through
    the ORM: a flushed object of theirs, or an INSERT, UPDATE or DELETE executed on them.
    `forget` (this process's snapshots) runs first, so this process never waits on Redis
    to see its own change."""

    def __init__(self, key: str, tables: frozenset[str], forget: Callable[[], None]) -> None:
        self.key = key
        self.tables = tables
        self._forget = forget
        self._mark = f"inbox.changed:{key}"
        _WATCHES.append(self)

    def version(self) -> bytes | None:
        return shared_version(self.key)

    def new_version(self) -> None:
        """Retire every process's snapshot (raises if Redis cannot be told)."""
        self._forget()
        new_shared_version(self.key)

    def note_written(self, session: Session, tables: set[str]) -> None:
        """A new version once `session` commits, if it wrote one of ours (once however
        much it writes)."""
        from inbox.jobs import after_commit

        if not session.info.get(self._mark) and not self.tables.isdisjoint(tables):
            session.info[self._mark] = True
            after_commit(session, self.new_version)

    def unmark(self, session: Session) -> None:
        session.info.pop(self._mark, None)


# Every watch of this process, behind one set of session hooks: a flush's objects are
# looked at once, however many caches watch tables.
_WATCHES: list[WatchedTables] = []


@sa_event.listens_for(Session, "after_flush")
def _note_flushed_rows(session: Session, _context: Any) -> None:
    tables = {name for obj in (*session.new, *session.dirty, *session.deleted)
              if (name := getattr(obj, "__tablename__", None)) is not None}
    if tables:
        for watch in _WATCHES:
            watch.note_written(session, tables)


@sa_event.listens_for(Session, "do_orm_execute")
def _note_statement(state: ORMExecuteState) -> None:
    if not (state.is_insert or state.is_update or state.is_delete):
        return
    name = getattr(getattr(state.statement, "table", None), "name", None)
    if name is not None:
        for watch in _WATCHES:
            watch.note_written(state.session, {name})


@sa_event.listens_for(Session, "after_commit")
@sa_event.listens_for(Session, "after_rollback")
def _unmark_all(session: Session) -> None:
    for watch in _WATCHES:
        watch.unmark(session)


class SharedSnapshot(Generic[T]):
    """A value read from `tables`, kept per process while their shared version holds and
    for at most `seconds` (for changes made outside the services). Without Redis nothing
    is kept: every call reads."""

    def __init__(self, key: str, tables: frozenset[str], read: Callable[[Session], T],
                 seconds: float = 30.0) -> None:
        self._read = read
        self.seconds = seconds
        self._kept: tuple[bytes, float, T] | None = None  # replaced whole, never changed
        self._watch = WatchedTables(key, tables, forget=self.forget)

    def forget(self) -> None:
        """Drop this process's copy (the next call reads again)."""
        self._kept = None

    def get(self, session: Session) -> T:
        """The kept value while its version holds, else read in `session`."""
        version = self._watch.version()  # first: a change committed meanwhile moves it on
        kept = self._kept
        if (version is not None and kept is not None and kept[0] == version
                and time.monotonic() - kept[1] < self.seconds):
            return kept[2]
        value = self._read(session)
        if version is not None:
            self._kept = (version, time.monotonic(), value)
        return value
