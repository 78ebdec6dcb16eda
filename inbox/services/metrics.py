"""What an operator's Prometheus scrapes from /metrics, computed when it asks.

Nearly every figure is the workspace's, read from the database and Redis at scrape
time — the same in whichever web process answers — so worker processes need no metrics
endpoint of their own: deliveries by provider and state, ingestion lag, job queue
depths, open cases and their SLA state, outbound sends by state, webhook verification
and sign-in failures. Connected sockets are the answering process's own.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any

from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from redis.exceptions import RedisError
from sqlalchemy import func, select
from sqlalchemy.exc import SQLAlchemyError

from inbox.jobs import DEFAULT, INGEST, OUTBOUND, queue
from inbox.models import OPEN_STATUSES, Case, CaseEvent, Delivery, Message, Queue, utcnow
from inbox.runtime import current, unit_of_work
from inbox.services.ingest.deliveries import VERIFY_FAILURES_KEY

log = logging.getLogger(__name__)

SIGNIN_FAILURES_KEY = "inbox:signin-failures"


def count_signin_failure() -> None:
    try:
        current().redis.incr(SIGNIN_FAILURES_KEY)
    except RedisError:  # counting must never turn a 401 into a 500
        log.warning("could not count a sign-in failure")


def _gauge(name: str, doc: str, labels: list[str], rows: Any) -> GaugeMetricFamily:
    family = GaugeMetricFamily(name, doc, labels=labels)
    for *values, amount in rows:
        family.add_metric([str(v) for v in values], float(amount or 0))
    return family


def _database_metrics() -> Iterator[Metric]:
    with unit_of_work(read_only=True) as session:
        yield _gauge("inbox_deliveries", "Stored webhook deliveries, by provider and state",
                     ["provider", "state"], session.execute(
                         select(Delivery.provider, Delivery.state, func.count())
                         .group_by(Delivery.provider, Delivery.state)).all())
        oldest = session.scalar(select(func.min(Delivery.received_at))
                                .where(Delivery.state == "pending"))
        lag = GaugeMetricFamily("inbox_ingest_lag_seconds",
                                "Age of the oldest delivery not yet ingested (0: none)")
        lag.add_metric([], (utcnow() - oldest).total_seconds() if oldest else 0.0)
        yield lag
        names: dict[int | None, str] = dict(session.execute(select(Queue.id, Queue.name)).all())
        open_case = Case.status.in_(OPEN_STATUSES)
        yield _gauge("inbox_open_cases", "Open cases, by queue and status", ["queue", "status"],
                     [(names.get(q, "none"), s, n) for q, s, n in session.execute(
                         select(Case.queue_id, Case.status, func.count()).where(open_case)
                         .group_by(Case.queue_id, Case.status)).all()])
        yield _gauge("inbox_open_cases_sla_breached", "Open cases past an SLA target",
                     ["queue"], [(names.get(q, "none"), n) for q, n in session.execute(
                         select(Case.queue_id, func.count()).where(
                             open_case, Case.sla_breached_at.is_not(None))
                         .group_by(Case.queue_id)).all()])
        sla = CounterMetricFamily("inbox_sla_events", "SLA warnings and breaches raised",
                                  labels=["kind"])
        for kind, n in session.execute(select(CaseEvent.kind, func.count()).where(
                CaseEvent.kind.in_(("sla_warning", "sla_breach"))).group_by(CaseEvent.kind)):
            sla.add_metric([kind], float(n))
        yield sla
        yield _gauge("inbox_outbound_messages", "Replies, by send state", ["state"],
                     session.execute(select(Message.send_status, func.count())
                                     .where(Message.direction == "out")
                                     .group_by(Message.send_status)).all())


def _redis_metrics() -> Iterator[Metric]:
    redis = current().redis
    depth = GaugeMetricFamily("inbox_job_queue_depth", "Jobs waiting, by RQ queue",
                              labels=["queue"])
    for name in (INGEST, OUTBOUND, DEFAULT):
        depth.add_metric([name], float(len(queue(name, redis))))
    yield depth
    failures = CounterMetricFamily("inbox_webhook_verification_failures",
                                   "Webhooks refused for their signature", labels=["provider"])
    counted: dict[Any, Any] = redis.hgetall(VERIFY_FAILURES_KEY) or {}  # type: ignore[assignment]
    for provider, n in counted.items():
        failures.add_metric([provider.decode()], float(n))
    yield failures
    signin = CounterMetricFamily("inbox_signin_failures", "Wrong passwords at sign-in")
    signin.add_metric([], float(redis.get(SIGNIN_FAILURES_KEY) or 0))
    yield signin


class _Collector:
    def collect(self) -> Iterator[Metric]:
        from inbox.realtime.connections import connections

        up = GaugeMetricFamily("inbox_metrics_source_up",
                               "Whether the database and Redis answered this scrape",
                               labels=["source"])
        for source, read in (("database", _database_metrics), ("redis", _redis_metrics)):
            try:
                yield from list(read())
                up.add_metric([source], 1.0)
            except (SQLAlchemyError, RedisError) as exc:
                log.warning("metrics: the %s did not answer: %s", source, type(exc).__name__)
                up.add_metric([source], 0.0)
        yield up
        sockets = GaugeMetricFamily("inbox_sockets_connected",
                                    "Socket.IO connections open on this web process")
        sockets.add_metric([], float(len(connections)))
        yield sockets


def metrics_text() -> bytes:
    """The Prometheus text exposition of everything above."""
    registry = CollectorRegistry(auto_describe=False)
    registry.register(_Collector())  # type: ignore[arg-type]
    return generate_latest(registry)
