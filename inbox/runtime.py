"""The process's backends: settings, database and Redis, set up once per process.

Web (create_app), worker and cron processes all call `start()`; services reach
the database through `unit_of_work()` and never through Flask.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from redis import Redis
from sqlalchemy.orm import Session

from inbox.backends import resolve_redis_url
from inbox.config import Settings, load_settings
from inbox.db import Database
from inbox.realtime import publish


@dataclass
class Runtime:
    settings: Settings
    db: Database
    redis_url: str
    redis: Redis  # connects lazily; one pool per process


_current: Runtime | None = None


def start(overrides: dict[str, object] | None = None) -> Runtime:
    """Build this process's runtime (replacing any earlier one, as tests do)."""
    global _current
    settings = load_settings(overrides)
    redis_url = resolve_redis_url(settings.redis_url, settings.instance_path)
    if _current is not None and _current.db.url != settings.database_url:
        _current.db.dispose()
    db = (
        _current.db
        if _current is not None and _current.db.url == settings.database_url
        else Database(settings.database_url)
    )
    _current = Runtime(
        settings=settings, db=db, redis_url=redis_url, redis=Redis.from_url(redis_url)
    )
    publish.configure(redis_url)
    return _current


def current() -> Runtime:
    if _current is None:
        return start()
    return _current


@contextmanager
def unit_of_work() -> Iterator[Session]:
    """One transaction: commit on success (then real-time events go out), else roll back."""
    with current().db.session() as session:
        yield session
