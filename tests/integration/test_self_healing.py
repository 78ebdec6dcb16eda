"""Processes heal themselves: Redis killed under load, the database cut off, a worker
killed mid-job. Nobody touches anything afterwards; every accepted delivery is stored
and ingested exactly once."""

from __future__ import annotations

import contextlib
import json
import sqlite3
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import pytest
import redis
import requests
from rq import Queue
from rq.cron import CronScheduler
from rq.registry import StartedJobRegistry
from rq.worker import Worker
from sqlalchemy import func, select

from inbox.models import Case, Delivery, Message
from inbox.services import unit_of_work
from tests.conftest import LiveProcess, process_env
from tests.factories import make_channel, make_queue
from tests.faults import PatientServer, RedisServer, TcpProxy, WebhookStream, wait_for

pytestmark = pytest.mark.slow

SECRET = "test-channel-secret"


def counts() -> dict[str, int]:
    with unit_of_work() as session:
        states = dict(session.execute(
            select(Delivery.state, func.count(Delivery.id)).group_by(Delivery.state)).all())
        return {
            "stored": sum(states.values()),
            "pending": states.get("pending", 0),
            "processed": states.get("processed", 0),
            "messages": session.scalar(select(func.count(Message.id))) or 0,
            "distinct": session.scalar(
                select(func.count(func.distinct(Message.external_id)))) or 0,
            "cases": session.scalar(select(func.count(Case.id))) or 0,
        }


def assert_all_ingested_once(accepted: int, timeout: float = 45, items_each: int = 1
                             ) -> dict[str, int]:
    """accepted == stored == ingested, one message and one case per item."""
    items = accepted * items_each
    expected = {"stored": accepted, "pending": 0, "processed": accepted,
                "messages": items, "distinct": items, "cases": items}
    try:
        wait_for(lambda: counts() == expected, timeout, "every accepted delivery ingested")
    except AssertionError:
        assert counts() == expected
    return expected


def processed_now(runtime: Any) -> int:
    """Processed deliveries, read without waiting for a writer (SQLite's transactions
    here take the write lock at BEGIN, so an ordinary read would queue behind a batch)."""
    if not runtime.db.deliveries_apart:
        return counts()["processed"]
    path = runtime.db.deliveries_engine.url.database
    with contextlib.closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as db:
        return int(db.execute(
            "SELECT count(*) FROM deliveries WHERE state = 'processed'").fetchone()[0])


def live_workers(client: redis.Redis) -> list[Worker]:
    return [w for w in Worker.all(connection=client) if w.birth_date is not None]


def alive(process: LiveProcess) -> bool:
    return process.process is not None and process.process.poll() is None


def lines(process: LiveProcess, text: str) -> int:
    return sum(1 for line in process.output().splitlines() if text in line)


@pytest.fixture
def own_redis(tmp_path: Path) -> Iterator[RedisServer]:
    server = RedisServer(tmp_path / "redis").start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def stopper() -> Iterator[list[Any]]:
    """Everything a test starts goes in here and is stopped, pass or fail."""
    started: list[Any] = []
    try:
        yield started
    finally:
        for thing in started:  # all told at once, then each waited for
            process = getattr(thing, "process", None)
            if process is not None and process.poll() is None:
                process.terminate()
        for thing in reversed(started):
            try:
                thing.stop()
            except Exception as exc:  # stop the rest regardless
                print(f"could not stop {thing!r}: {exc!r}")


def start_service(env: dict[str, str], stopper: list[Any], workers: int = 2
                  ) -> tuple[PatientServer, list[LiveProcess], LiveProcess]:
    """Web, workers and cron, starting side by side (the web's start waits for it)."""
    pool = []
    for _ in range(workers):
        worker = LiveProcess(["worker"], env)
        stopper.append(worker)
        pool.append(worker.start())
    cron = LiveProcess(["cron"], env)
    stopper.append(cron)
    cron.start()
    web = PatientServer(env)
    stopper.append(web)
    web.start()
    return web, pool, cron


def test_worker_cron_and_web_live_through_a_redis_kill_under_load(
    runtime: Any, own_redis: RedisServer, stopper: list[Any]
) -> None:
    make_queue("Reviews")
    channel = make_channel("generic", "Reviews", secret=SECRET)
    env = process_env(runtime, REDIS_URL=own_redis.url)
    web, workers, cron = start_service(env, stopper)
    client = own_redis.client()
    wait_for(lambda: len(live_workers(client)) == 2, 60, "two workers registered")
    wait_for(lambda: CronScheduler.all(client), 30, "cron registered")
    before = {w.name for w in live_workers(client)}

    stream = WebhookStream(web.url, channel.id, SECRET)
    stopper.append(stream)
    stream.start()
    time.sleep(3)
    own_redis.kill()
    time.sleep(1.5)
    readiness = requests.get(web.url + "/readyz", timeout=10)
    assert readiness.status_code == 503
    assert readiness.json()["checks"]["redis"]["ok"] is False
    time.sleep(3.5)  # Redis is gone for 5 s, webhooks keep coming
    own_redis.start()
    time.sleep(3)
    stream.stop()

    assert stream.refused == [], "a webhook was refused while only Redis was down"
    assert stream.slowest < 10, "a webhook waited longer than providers do"
    assert len(stream.accepted) > 50
    assert_all_ingested_once(len(stream.accepted))
    wait_for(lambda: requests.get(web.url + "/readyz", timeout=5).status_code == 200, 20,
             "/readyz to say ready again")
    # The workers live on under new names, registered again; cron is scheduling again.
    assert all(alive(p) for p in [*workers, cron, web])
    wait_for(lambda: len(live_workers(client)) == 2, 30, "two workers registered again")
    assert not before & {w.name for w in live_workers(client)}
    wait_for(lambda: CronScheduler.all(client), 30, "cron registered again")
    # Redis lost everything: a finished periodic job is one cron enqueued since.
    wait_for(lambda: Queue("default", connection=client).finished_job_registry
             .get_job_count(), 20, "cron's jobs running again")
    # One line when Redis was lost and one when it was back, however many attempts.
    for process in [*workers, cron]:
        assert lines(process, "Redis unreachable") == 1, process.output()[-3000:]
        assert lines(process, "Redis reachable again") == 1, process.output()[-3000:]
        assert "Traceback" not in process.output(), process.output()[-3000:]
    assert lines(web, "Redis unreachable") == 1, web.output()[-3000:]


def test_a_worker_killed_mid_drain_leaves_no_started_job_and_loses_nothing(
    runtime: Any, own_redis: RedisServer, stopper: list[Any], client: Any
) -> None:
    from tests.signing import generic_headers

    make_queue("Reviews")
    channel = make_channel("generic", "Reviews", secret=SECRET)
    env = process_env(runtime, REDIS_URL=own_redis.url)
    accepted, items_each = 0, 5
    for n in range(200):  # in this process: quicker than over HTTP, the same storing
        items = [{"id": f"item-{n}-{i}", "type": "review", "text": f"Parcel {n}/{i} lost",
                  "author": {"id": f"author-{n}-{i}"}} for i in range(items_each)]
        body = json.dumps({"items": items}).encode()
        response = client.post(f"/webhooks/generic/{channel.id}", data=body,
                               headers=generic_headers(body, SECRET))
        accepted += response.status_code == 200
    assert accepted == 200
    redis_client = own_redis.client()
    victim = LiveProcess(["worker", "ingest"], env)
    stopper.append(victim)
    # The drain those requests asked for went to this process's Redis; ask the real one.
    Queue("ingest", connection=redis_client).enqueue("workers.jobs.drain_deliveries",
                                                     job_timeout=600)
    victim.start()
    started = StartedJobRegistry("ingest", connection=redis_client)
    wait_for(lambda: started.get_job_ids(cleanup=False) and processed_now(runtime) > 0, 60,
             "the worker to be in the middle of a drain", interval=0.02)
    assert victim.process is not None
    victim.process.kill()  # kill -9: no clean-up of any kind
    victim.process.wait(timeout=10)
    assert counts()["pending"] > 0, "the drain finished before the kill; nothing tested"
    assert started.get_job_ids(cleanup=False), "the killed job is not in rq:wip:ingest"

    survivor = LiveProcess(["worker"], env)
    stopper.append(survivor)
    survivor.start()
    cron = LiveProcess(["cron"], env)
    stopper.append(cron)
    cron.start()
    assert_all_ingested_once(accepted, timeout=50, items_each=items_each)
    wait_for(lambda: not started.get_job_ids(cleanup=False), 45,
             "rq:wip:ingest emptied of the killed job")
    assert redis_client.zcard("rq:wip:ingest") == 0
    assert started.get_queue().failed_job_registry.get_job_count() >= 1  # as abandoned


def _through(proxy: TcpProxy, database_url: str) -> str:
    parts = urlsplit(database_url)
    netloc = parts.netloc.rsplit("@", 1)
    host = f"127.0.0.1:{proxy.port}"
    return urlunsplit(parts._replace(netloc=f"{netloc[0]}@{host}" if len(netloc) == 2
                                     else host))


@pytest.fixture
def postgres_proxy(runtime: Any) -> Iterator[TcpProxy]:
    url = runtime.settings.database_url
    if not url.startswith("postgresql"):
        pytest.skip("a database connection to cut is PostgreSQL's; SQLite is a local file")
    parts = urlsplit(url)
    proxy = TcpProxy(parts.hostname or "127.0.0.1", parts.port or 5432).start()
    try:
        yield proxy
    finally:
        proxy.stop()


def test_a_worker_waits_out_a_database_outage_and_ingests_what_was_stored_meanwhile(
    runtime: Any, postgres_proxy: TcpProxy, own_redis: RedisServer, stopper: list[Any]
) -> None:
    make_queue("Reviews")
    channel = make_channel("generic", "Reviews", secret=SECRET)
    env = process_env(runtime, REDIS_URL=own_redis.url)
    web = PatientServer(env)  # the web reaches the database directly and keeps storing
    stopper.append(web)
    web.start()
    worker_env = dict(env, DATABASE_URL=_through(postgres_proxy, env["DATABASE_URL"]))
    worker = LiveProcess(["worker"], worker_env)
    stopper.append(worker)
    worker.start()
    cron = LiveProcess(["cron"], env)
    stopper.append(cron)
    cron.start()

    stream = WebhookStream(web.url, channel.id, SECRET, threads=2)
    stopper.append(stream)
    stream.start()
    wait_for(lambda: counts()["processed"] > 20, 60, "ingestion under way")
    postgres_proxy.cut()
    time.sleep(6)  # deliveries pile up; the worker's jobs fail on the database
    assert counts()["pending"] > 0
    assert alive(worker)
    postgres_proxy.restore()
    time.sleep(1)
    stream.stop()

    assert stream.refused == []
    assert_all_ingested_once(len(stream.accepted))
    assert alive(worker)
    assert lines(worker, "the database unreachable") == 1, worker.output()[-3000:]
    assert lines(worker, "the database reachable again") == 1, worker.output()[-3000:]


def test_the_web_answers_503_while_its_database_is_cut_and_recovers_after(
    runtime: Any, postgres_proxy: TcpProxy, stopper: list[Any]
) -> None:
    from tests.signing import generic_headers

    make_queue("Reviews")
    channel = make_channel("generic", "Reviews", secret=SECRET)
    env = process_env(runtime, DATABASE_URL=_through(postgres_proxy,
                                                     runtime.settings.database_url))
    web = PatientServer(env)
    stopper.append(web)
    web.start()
    endpoint = f"{web.url}/webhooks/generic/{channel.id}"

    def post(item: str) -> int:
        body = f'{{"id": "{item}", "type": "review", "text": "Late again"}}'.encode()
        return requests.post(endpoint, data=body, headers=generic_headers(body, SECRET),
                             timeout=30).status_code

    assert post("before") == 200
    postgres_proxy.cut()
    answers = [post(f"during-{n}") for n in range(5)]
    assert set(answers) == {503}, answers
    assert requests.get(web.url + "/readyz", timeout=10).status_code == 503
    postgres_proxy.restore()
    wait_for(lambda: requests.get(web.url + "/readyz", timeout=5).status_code == 200, 30,
             "/readyz to say ready again")
    assert post("after") == 200
    with unit_of_work() as session:
        stored = session.scalar(select(func.count(Delivery.id)))
    assert stored == 2


def test_a_burst_worker_run_ends_at_once_every_time(runtime: Any) -> None:
    """RQ's worker waits for its command listener to stop; one stopped before it saw its
    subscription slept out a 60 s poll first (about one run in a hundred here), so a
    `--burst` run, or a run ended by a lost Redis, could hang a minute."""
    from workers.healing import PromptWorker

    queue = Queue("burst-probe", connection=runtime.redis)
    slowest = 0.0
    for _ in range(300):
        started = time.monotonic()
        PromptWorker([queue], connection=runtime.redis).work(
            burst=True, with_scheduler=True, logging_level="WARNING")
        slowest = max(slowest, time.monotonic() - started)
        assert slowest < 10, "a burst run waited on its listener"
