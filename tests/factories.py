"""Arranging test data directly (tests may write; the product writes only via services)."""

from __future__ import annotations

from typing import Any

from inbox.models import Case, Channel, Queue
from inbox.services import unit_of_work


def make_queue(name: str = "Social care", **fields: Any) -> Queue:
    with unit_of_work() as session:
        queue = Queue(name=name, **fields)
        session.add(queue)
        session.flush()
        return queue


def make_channel(kind: str = "generic", name: str = "Reviews", external_id: str | None = None,
                 secret: str = "test-channel-secret") -> Channel:
    with unit_of_work() as session:
        channel = Channel(kind=kind, name=name, external_id=external_id,
                          secrets={"signing_secret": secret})
        session.add(channel)
        session.flush()
        return channel


def make_case(queue: Queue | None = None, status: str = "queued", **fields: Any) -> Case:
    with unit_of_work() as session:
        case = Case(queue_id=queue.id if queue else None, status=status,
                    subject=fields.pop("subject", "My order never arrived"), **fields)
        session.add(case)
        session.flush()
        return case
