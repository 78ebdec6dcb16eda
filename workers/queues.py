"""Named RQ queues. Jobs take IDs and plain JSON values only."""

from __future__ import annotations

from redis import Redis
from rq import Queue

INGEST = "ingest"
OUTBOUND = "outbound"
DEFAULT = "default"
ALL = (INGEST, OUTBOUND, DEFAULT)


def queue(name: str, connection: Redis) -> Queue:
    return Queue(name, connection=connection)
