"""Versions kept in Redis that tell every process when what it cached is stale: a
process keeps a snapshot with the version it read, and trusts it only while Redis still
holds that version (access snapshots, event subscriptions)."""

from __future__ import annotations

import uuid
from typing import Any

from redis.exceptions import RedisError


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
