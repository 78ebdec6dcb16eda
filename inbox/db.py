"""Engine and session factory shared by web, worker and cron processes."""

from __future__ import annotations

import os
import re
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event, make_url
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


def deliveries_database_url(database_url: str) -> str | None:
    """Where the embedded default keeps webhook deliveries: a SQLite file of their own
    beside the main one (`inbox.db` → `inbox-deliveries.db`). SQLite has one write lock
    per file, and a webhook must not wait for a worker's batch to store its delivery
    (docs/ingestion.md). None where one database serves (PostgreSQL: row locks)."""
    url = make_url(database_url)
    if url.get_backend_name() != "sqlite" or url.database in (None, "", ":memory:"):
        return None
    main = Path(url.database)
    return url.set(database=str(main.with_name(f"{main.stem}-deliveries{main.suffix}"))
                   ).render_as_string(hide_password=False)


DELIVERIES_APART = "inbox.deliveries_apart"  # a session's info: the deliveries' own engine


class WritingSession(Session):
    """A session that writes. Where the deliveries have a SQLite file of their own it
    takes the main file's write lock before theirs, whatever it touches first: every
    writer takes the two in that order (the web's insert of deliveries takes theirs
    alone), so two writers never wait for each other in a circle."""

    def get_bind(self, mapper: Any = None, **kw: Any) -> Any:
        chosen = super().get_bind(mapper, **kw)
        if chosen is not None and chosen is self.info.get(DELIVERIES_APART):
            self.connection()  # the main file's transaction (its lock) first
        return chosen


class Database:
    """One per process: the engine(s) and the session factories. On SQLite the
    deliveries table lives in a file of its own; sessions send what touches it there."""

    def __init__(self, database_url: str) -> None:
        from inbox.models import Delivery  # the models import nothing of this module

        self.url = database_url
        self.engine = make_engine(database_url)
        self.deliveries_url = deliveries_database_url(database_url)
        # The workers' turn at ingesting (ingest_turn), a file beside the deliveries'.
        self.ingest_lock_path = (Path(str(make_url(self.deliveries_url).database)
                                      + ".ingest-lock") if self.deliveries_url else None)
        self.deliveries_engine = (make_engine(self.deliveries_url) if self.deliveries_url
                                  else self.engine)
        # The same pool, for a write that is one statement: no BEGIN and COMMIT round
        # trips around it on PostgreSQL. (SQLite's "begin" hook still takes the write lock,
        # and its commit still ends that transaction.)
        self.autocommit = self.engine.execution_options(isolation_level="AUTOCOMMIT")
        self.deliveries_autocommit = self.deliveries_engine.execution_options(
            isolation_level="AUTOCOMMIT")
        deliveries = Delivery.__table__
        self.sessions = sessionmaker(
            self.engine, binds={deliveries: self.deliveries_engine}, expire_on_commit=False,
            class_=WritingSession,
            info={DELIVERIES_APART: self.deliveries_engine} if self.deliveries_url else {})
        # Reads that write nothing: on SQLite a deferred BEGIN, which in WAL mode neither
        # waits for a writer nor holds one up; on PostgreSQL no BEGIN and COMMIT at all.
        postgresql = self.engine.dialect.name == "postgresql"
        readers, deliveries_readers = (
            (self.autocommit, self.deliveries_autocommit) if postgresql
            else (self.engine.execution_options(**{READ_ONLY: True}),
                  self.deliveries_engine.execution_options(**{READ_ONLY: True})))
        self.read_sessions = sessionmaker(readers, binds={deliveries: deliveries_readers},
                                          expire_on_commit=False)

    @property
    def deliveries_apart(self) -> bool:
        """The deliveries are in a database of their own (the embedded default)."""
        return self.deliveries_url is not None

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

    @contextmanager
    def ingest_turn(self) -> Iterator[None]:
        """With the deliveries apart: one ingest batch at a time on this machine, from
        reading its deliveries to writing their outcomes (two commits, see
        inbox.services.ingest.drain). The lock is a file's, so a killed worker's ends
        with it. Elsewhere nothing: PostgreSQL's batches skip each other's rows."""
        if self.ingest_lock_path is None:
            yield
            return
        import fcntl

        with open(self.ingest_lock_path, "a") as lock_file:
            fcntl.flock(lock_file, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(lock_file, fcntl.LOCK_UN)

    def dispose(self) -> None:
        self.engine.dispose()
        if self.deliveries_engine is not self.engine:
            self.deliveries_engine.dispose()
