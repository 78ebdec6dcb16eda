"""The process's backends: settings, database and Redis, set up once per process.

Web (create_app), worker, cron and admin commands all go through `start()`;
services reach the database through `unit_of_work()` and never through Flask.
Redis is resolved on first use, so an admin command that needs none (adding a
user) does not start the embedded server.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from functools import cached_property

from redis import Redis
from sqlalchemy.orm import Session

from inbox import sealing
from inbox.backends import resolve_redis_url
from inbox.config import Settings, load_settings
from inbox.db import Database
from inbox.realtime import publish


class Runtime:
    def __init__(self, settings: Settings, db: Database) -> None:
        self.settings = settings
        self.db = db

    @cached_property
    def redis_url(self) -> str:
        return resolve_redis_url(self.settings.redis_url, self.settings.instance_path)

    @cached_property
    def redis(self) -> Redis:
        """One connection pool per process."""
        return Redis.from_url(self.redis_url)


_current: Runtime | None = None


def start(overrides: dict[str, object] | None = None) -> Runtime:
    """Build this process's runtime (replacing an earlier one, as tests do)."""
    global _current
    settings = load_settings(overrides)
    if _current is not None and _current.db.url == settings.database_url:
        db = _current.db
    else:
        if _current is not None:
            _current.db.dispose()
        db = Database(settings.database_url)
    sealing.configure(settings.secrets_keys)
    _current = Runtime(settings, db)
    publish.configure(lambda: current().redis_url)
    return _current


def current() -> Runtime:
    return _current if _current is not None else start()


@contextmanager
def unit_of_work(read_only: bool = False) -> Iterator[Session]:
    """One transaction: commit on success (then real-time events go out), else roll back.
    `read_only`: the block only reads, so it never queues behind a writer."""
    with current().db.session(read_only) as session:
        yield session
