"""Engine and session factory shared by web, worker and cron processes."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker


def make_engine(database_url: str) -> Engine:
    if database_url.startswith("sqlite"):
        engine = create_engine(
            database_url,
            connect_args={"timeout": 30, "check_same_thread": False},
        )

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection, connection_record):  # type: ignore[no-untyped-def]
            cursor = dbapi_connection.cursor()
            # WAL lets web and workers read while one writes; foreign keys are off by default.
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA busy_timeout=30000")
            cursor.close()

        @event.listens_for(engine, "begin")
        def _sqlite_begin_immediate(conn):  # type: ignore[no-untyped-def]
            # Take the write lock at BEGIN so two writers queue instead of deadlocking
            # on a read-to-write upgrade (SQLite's "database is locked").
            conn.exec_driver_sql("BEGIN IMMEDIATE")

        @event.listens_for(engine, "connect")
        def _sqlite_no_autobegin(dbapi_connection, connection_record):  # type: ignore[no-untyped-def]
            dbapi_connection.isolation_level = None

        return engine
    # Enough connections for a web process's threads; the rest wait on the pool. No
    # pre-ping: it costs a round trip on every request. A connection found dead is
    # reported as a disconnect, SQLAlchemy then discards the whole pool, and the edge
    # answers 503 once (webhook providers retry).
    return create_engine(database_url, pool_size=20, max_overflow=50, pool_recycle=1800)


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

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A unit of work: commit on success, roll back on error, always close."""
        session = self.sessions()
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
