"""Engine and session factory shared by web, worker and cron processes."""

from __future__ import annotations

import os
import re
import time
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

from inbox.config import ConfigError
from inbox.green import greenlets_share_the_thread

SQLITE_BUSY_TIMEOUT_S = 30
# Under gevent SQLite may wait in C only this long (the whole process waits with it,
# /healthz and every webhook too); beyond, _begin_cooperatively waits in Python, letting
# other greenlets run, and tries again every few milliseconds so a gap between two
# workers' batches is seldom missed (20 ms here and 50 ms between tries cost a fifth of
# the embedded accept rate during a storm).
SQLITE_GREEN_BUSY_MS = 2
SQLITE_GREEN_RETRY_MAX_S = 0.004


def make_engine(database_url: str) -> Engine:
    if database_url.startswith("sqlite"):
        return _sqlite_engine(database_url)
    # Enough connections for a web process's threads; the rest wait on the pool. No
    # pre-ping: it costs a round trip on every request. A connection found dead is
    # reported as a disconnect, SQLAlchemy then discards the whole pool, and the edge
    # answers 503 once (webhook providers retry).
    if greenlets_share_the_thread():
        # A gevent web process runs many more requests at once than it has connections:
        # they wait for one (cooperatively) rather than open and close overflow
        # connections per request, which cost more CPU than the queries.
        return create_engine(database_url, pool_size=40, max_overflow=10, pool_recycle=1800,
                             connect_args=pg_session_options())
    return create_engine(database_url, pool_size=20, max_overflow=50, pool_recycle=1800,
                         connect_args=pg_session_options())


# Every PostgreSQL session's settings. Timestamps come back in UTC with Python's own UTC
# tzinfo, which the models' UTC type passes through as is (a named zone such as Etc/UTC
# costs a conversion per value). The two timeouts bound what one stuck process can hold
# up: a statement waiting on a row lock gives up (ingestion takes its deliveries again
# later; the API answers 503 database_busy), and a session that sits inside a
# transaction doing nothing — a process hung between two statements — is ended by the
# server, so the deliveries its batch claimed `SKIP LOCKED` are seen by the other
# workers again instead of hidden until someone kills it.
PG_TIMEOUTS = {
    "lock_timeout": ("INBOX_PG_LOCK_TIMEOUT", "15s"),
    "idle_in_transaction_session_timeout": ("INBOX_PG_IDLE_IN_TRANSACTION_TIMEOUT", "60s"),
}
LOCK_NOT_AVAILABLE = "55P03"  # the SQLSTATE of a statement that waited past lock_timeout


def sqlstate(exc: BaseException) -> str | None:
    """The SQLSTATE PostgreSQL gave for a failed statement (None: not PostgreSQL's)."""
    return getattr(getattr(exc, "orig", None), "sqlstate", None)


_DURATION = re.compile(r"^\d+(ms|s|min)?$")


def pg_session_options() -> dict[str, str]:
    """The `options` PostgreSQL sessions are opened with (timeouts from the environment:
    a number of ms, or with ms, s or min; 0 turns one off)."""
    options = ["-c timezone=UTC"]
    for setting, (variable, default) in PG_TIMEOUTS.items():
        value = os.environ.get(variable, "").strip() or default
        if not _DURATION.match(value):
            raise ConfigError(f"{variable}={value!r}: give a duration such as 500ms, 15s, 2min "
                             "or 0 (off)")
        options.append(f"-c {setting}={value}")
    return {"options": " ".join(options)}


def _sqlite_engine(database_url: str) -> Engine:
    cooperative = greenlets_share_the_thread()
    engine = create_engine(
        database_url,
        connect_args={"timeout": SQLITE_GREEN_BUSY_MS / 1000 if cooperative
                      else SQLITE_BUSY_TIMEOUT_S,
                      "check_same_thread": False},
    )

    @event.listens_for(engine, "connect")
    def _sqlite_pragmas(dbapi_connection, connection_record):  # type: ignore[no-untyped-def]
        dbapi_connection.isolation_level = None  # BEGIN is ours (below), not the driver's
        cursor = dbapi_connection.cursor()
        # WAL lets web and workers read while one writes; foreign keys are off by default.
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        busy_ms = SQLITE_GREEN_BUSY_MS if cooperative else SQLITE_BUSY_TIMEOUT_S * 1000
        cursor.execute(f"PRAGMA busy_timeout={busy_ms}")
        cursor.close()

    if cooperative:
        _begin_cooperatively(engine)
    else:

        @event.listens_for(engine, "begin")
        def _sqlite_begin_immediate(conn):  # type: ignore[no-untyped-def]
            # Take the write lock at BEGIN so two writers queue instead of deadlocking
            # on a read-to-write upgrade (SQLite's "database is locked"); readers need none.
            reads_only = conn.get_execution_options().get(READ_ONLY)
            conn.exec_driver_sql("BEGIN" if reads_only else "BEGIN IMMEDIATE")

    return engine


_WRITE_LOCK_HELD = "inbox.sqlite_write_lock"
READ_ONLY = "inbox_read_only"  # an execution option: the transaction only reads


def _begin_cooperatively(engine: Engine) -> None:
    """BEGIN IMMEDIATE for a gevent process. SQLite's own busy wait sleeps in C and so
    freezes every greenlet, the one holding the lock included, and every request with it
    while a worker process writes. Here the process's transactions queue on a
    greenlet-aware lock (threading is patched: this is gevent's), and the one at the
    front asks SQLite without waiting, sleeping cooperatively between tries while
    another process holds the database."""
    import threading

    in_process = threading.RLock()

    @event.listens_for(engine, "begin")
    def _acquire(conn):  # type: ignore[no-untyped-def]
        if conn.get_execution_options().get(READ_ONLY):
            conn.exec_driver_sql("BEGIN")  # a reader: no lock to queue for
            return
        in_process.acquire()
        conn.info[_WRITE_LOCK_HELD] = True
        try:
            _begin_immediate_without_blocking(conn)
        except BaseException:
            _release(conn)
            raise

    def _release(conn):  # type: ignore[no-untyped-def]
        if conn.info.pop(_WRITE_LOCK_HELD, False):
            in_process.release()

    event.listen(engine, "commit", _release)
    event.listen(engine, "rollback", _release)


def _begin_immediate_without_blocking(conn: Connection) -> None:
    import gevent

    deadline = time.monotonic() + SQLITE_BUSY_TIMEOUT_S
    pause = 0.001
    while True:
        try:
            conn.exec_driver_sql("BEGIN IMMEDIATE")
            return
        except OperationalError as exc:
            message = str(exc.orig)
            if ("locked" not in message and "busy" not in message) \
                    or time.monotonic() > deadline:
                raise
        gevent.sleep(pause)
        pause = min(pause * 2, SQLITE_GREEN_RETRY_MAX_S)


class Database:
    """One per process: the engine and its session factory."""

    def __init__(self, database_url: str) -> None:
        self.url = database_url
        self.engine = make_engine(database_url)
        # The same pool, for a write that is one statement: no BEGIN and COMMIT round
        # trips around it on PostgreSQL. (SQLite's "begin" hook still takes the write lock,
        # and its commit still ends that transaction.)
        self.autocommit = self.engine.execution_options(isolation_level="AUTOCOMMIT")
        self.sessions = sessionmaker(self.engine, expire_on_commit=False)
        # Reads that write nothing: on SQLite a deferred BEGIN, which in WAL mode neither
        # waits for a writer nor holds one up; on PostgreSQL no BEGIN and COMMIT at all.
        readers = (self.autocommit if self.engine.dialect.name == "postgresql"
                   else self.engine.execution_options(**{READ_ONLY: True}))
        self.read_sessions = sessionmaker(readers, expire_on_commit=False)

    @contextmanager
    def session(self, read_only: bool = False) -> Iterator[Session]:
        """A unit of work: commit on success, roll back on error, always close.
        `read_only`: the block only reads (it must not write)."""
        session = self.read_sessions() if read_only else self.sessions()
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()

    def dispose(self) -> None:
        self.engine.dispose()
