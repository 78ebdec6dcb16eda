"""Periodic work, declared in one list and run by the `inbox cron` process (RQ's cron)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from inbox.jobs import DEFAULT, INGEST, OUTBOUND
from workers import jobs


@dataclass(frozen=True)
class Periodic:
    func: Callable[[], object]
    queue: str
    every_seconds: int


SCHEDULE: list[Periodic] = [
    # Deliveries stored but never processed (a job lost with a killed worker or a
    # flushed Redis) are picked up again well inside a minute.
    Periodic(jobs.sweep_unprocessed_deliveries, INGEST, 20),
    Periodic(jobs.sweep_sla, DEFAULT, 5),
    # Push mode: expiring offers move on to the next agent within a couple of seconds.
    Periodic(jobs.dispatch_offers, DEFAULT, 2),
    Periodic(jobs.sweep_outbound, OUTBOUND, 60),
    # Event webhooks: retries whose delayed job was lost, attempts cut short by a killed worker.
    Periodic(jobs.sweep_event_deliveries, OUTBOUND, 30),
    # Crisis detection: a few counts per watch term and channel (docs/listening.md).
    Periodic(jobs.detect_crises, DEFAULT, 15),
    # Data protection: retention per channel and of raw deliveries, checked hourly.
    Periodic(jobs.apply_retention, DEFAULT, 3600),
    # The complaint model retrains once enough new labels exist (docs/enrichment.md).
    Periodic(jobs.retrain_classifier, DEFAULT, 600),
]
