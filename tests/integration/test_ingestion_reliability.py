"""Nothing acknowledged that is not stored; racing workers and lost jobs lose nothing."""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

import pytest
import requests
from sqlalchemy import func, select

from inbox.models import Case, Delivery, Message
from inbox.services import unit_of_work
from tests.conftest import WAIT, LiveProcess, LiveServer, process_env
from tests.factories import make_channel, make_queue
from tests.signing import compact, meta_headers

PAGE_ID = "104859392837465"


def meta_comment(comment_id: str, post_id: str, text: str, author: str = "6712") -> bytes:
    return compact({"object": "page", "entry": [{"id": PAGE_ID, "time": int(time.time()),
        "changes": [{"field": "feed", "value": {
            "from": {"id": author, "name": f"Customer {author}"}, "item": "comment",
            "verb": "add", "post_id": f"{PAGE_ID}_{post_id}",
            "comment_id": f"{post_id}_{comment_id}", "parent_id": f"{PAGE_ID}_{post_id}",
            "created_time": int(time.time()), "message": text}}]}]})


def totals() -> tuple[int, int, int]:
    with unit_of_work() as session:
        return (session.scalar(select(func.count(Message.id))) or 0,
                session.scalar(select(func.count(Case.id))) or 0,
                session.scalar(select(func.count(Delivery.id)).where(
                    Delivery.state == "pending")) or 0)


def test_webhook_answers_503_when_the_database_is_down(runtime: Any, tmp_path: Path) -> None:
    """A provider must retry what we could not store: never a 200, never a 500."""
    dead_db = ("postgresql+psycopg://postgres@127.0.0.1:1/nowhere"
               if runtime.settings.database_url.startswith("postgresql")
               else f"sqlite:///{tmp_path}/missing-dir/inbox.db")
    server = LiveServer(process_env(runtime, DATABASE_URL=dead_db)).start()
    try:
        body = meta_comment("1", "9", "is anyone there?")
        response = requests.post(server.url + "/webhooks/meta", data=body,
                                 headers=meta_headers(body), timeout=30)
        assert response.status_code == 503
        assert response.json()["error"]["code"] == "storage_unavailable"
        api = requests.get(server.url + "/api/v1/cases", timeout=30,
                           headers={"Authorization": "Bearer inbx_anything"})
        assert api.status_code == 503
        assert api.json()["error"]["code"] == "database_unavailable"
    finally:
        server.stop()


def test_two_worker_processes_on_the_same_deliveries_give_one_message_and_one_case(
    runtime: Any, client: Any
) -> None:
    make_queue("Social care")
    make_channel("facebook", "Acme", external_id=PAGE_ID)
    # 30 comments on one post, each delivered twice (Meta redelivers freely).
    bodies = [meta_comment(str(n), "77", f"Still broken, attempt {n}") for n in range(30)]
    for body in bodies + bodies:
        assert client.post("/webhooks/meta", data=body,
                           headers=meta_headers(body)).status_code == 200
    env = process_env(runtime)
    script = ("from inbox import runtime; runtime.start()\n"
              "from inbox.services.ingest.drain import process_batch\n"
              "while process_batch(7): pass\n")
    workers = [LiveProcess.script(script, env).start() for _ in range(2)]
    for worker in workers:
        assert worker.wait(timeout=120) == 0, worker.output()
    assert totals() == (30, 1, 0)


def test_rq_worker_drains_what_the_webhook_stored(runtime: Any, live_server: Any) -> None:
    make_queue("Social care")
    make_channel("facebook", "Acme", external_id=PAGE_ID)
    for n in range(5):
        body = meta_comment(str(n), str(100 + n), "My order is late and nobody answers")
        assert requests.post(live_server.url + "/webhooks/meta", data=body,
                             headers=meta_headers(body), timeout=WAIT).status_code == 200
    worker = LiveProcess(["worker", "--burst"], process_env(runtime)).start()
    assert worker.wait(timeout=120) == 0, worker.output()
    assert totals() == (5, 5, 0)


def test_sweep_recovers_deliveries_whose_job_was_lost(runtime: Any, client: Any) -> None:
    make_queue("Social care")
    make_channel("facebook", "Acme", external_id=PAGE_ID)
    body = meta_comment("1", "5", "Hello? Anyone?")
    client.post("/webhooks/meta", data=body, headers=meta_headers(body))
    runtime.redis.flushdb()  # the job and the flag are gone, the delivery is not
    with unit_of_work() as session:
        delivery = session.scalars(select(Delivery)).one()
        from datetime import timedelta

        delivery.received_at = delivery.received_at - timedelta(seconds=30)
    from workers.jobs import sweep_unprocessed_deliveries

    assert sweep_unprocessed_deliveries() == 1
    worker = LiveProcess(["worker", "--burst", "ingest"], process_env(runtime)).start()
    assert worker.wait(timeout=120) == 0, worker.output()
    assert totals() == (1, 1, 0)


def test_environment_keeps_secrets_out_of_delivery_headers(client: Any, runtime: Any) -> None:
    make_channel("facebook", "Acme", external_id=PAGE_ID)
    body = meta_comment("1", "5", "hi")
    headers = {**meta_headers(body), "Cookie": "session=abc", "Authorization": "Bearer x"}
    client.post("/webhooks/meta", data=body, headers=headers)
    with unit_of_work() as session:
        stored = session.scalars(select(Delivery)).one().headers
    assert "cookie" not in stored and "authorization" not in stored
    assert os.environ["META_APP_SECRET"] not in str(stored)


def meta_batch(comments: list[tuple[int, int, int]]) -> bytes:
    """One delivery carrying several comments: (comment, post, author) each."""
    now = int(time.time())
    return compact({"object": "page", "entry": [{"id": PAGE_ID, "time": now, "changes": [
        {"field": "feed", "value": {
            "from": {"id": f"au{author}", "name": f"Author {author}"}, "item": "comment",
            "verb": "add", "post_id": f"{PAGE_ID}_{post}", "comment_id": f"{post}_{comment}",
            "parent_id": f"{PAGE_ID}_{post}", "created_time": now,
            "message": f"Problem number {comment}, still not fixed"}}
        for comment, post, author in comments]}]})


def test_two_workers_crossing_threads_and_authors_lose_nothing(
    runtime: Any, client: Any
) -> None:
    """Deliveries that touch the same threads and authors in opposite orders: the
    workers may collide on locks, yet every message lands once and none is failed."""
    import random

    make_queue("Social care")
    make_channel("facebook", "Acme", external_id=PAGE_ID)
    rng = random.Random(3)
    comments = [(n, rng.randrange(6), rng.randrange(8)) for n in range(120)]
    for start in range(0, len(comments), 6):
        chunk = comments[start:start + 6]
        for body in (meta_batch(chunk), meta_batch(list(reversed(chunk)))):
            assert client.post("/webhooks/meta", data=body,
                               headers=meta_headers(body)).status_code == 200
    script = ("from inbox import runtime; runtime.start()\n"
              "from inbox.services.ingest.drain import process_batch\n"
              "import time\n"
              "for _ in range(400):\n"
              "    if not process_batch(10): time.sleep(0.05)\n"
              "    from inbox.runtime import unit_of_work\n"
              "    from inbox.models import Delivery\n"
              "    from sqlalchemy import select, func\n"
              "    with unit_of_work() as s:\n"
              "        if not s.scalar(select(func.count(Delivery.id)).where("
              "Delivery.state == 'pending')): break\n")
    workers = [LiveProcess.script(script, process_env(runtime)).start() for _ in range(2)]
    for worker in workers:
        assert worker.wait(timeout=300) == 0, worker.output()
    with unit_of_work() as session:
        states = dict(session.execute(select(Delivery.state, func.count(Delivery.id))
                                      .group_by(Delivery.state)).all())
        cases_ = session.scalar(select(func.count(Case.id)))
    distinct_threads = {(post, author) for _, post, author in comments}
    assert states == {"processed": 40}
    assert totals()[0] == 120
    assert cases_ == len(distinct_threads)


def test_a_thread_another_worker_is_deciding_waits_for_the_next_batch(
    runtime: Any, client: Any
) -> None:
    """The worker goes on with the rest of its batch instead of queueing on the other
    worker's thread lock; the held-back delivery is taken in once the thread is free."""
    if not runtime.settings.database_url.startswith("postgresql"):
        pytest.skip("row locks are PostgreSQL's; SQLite has one writer at a time")
    from sqlalchemy import text

    from inbox.services.ingest.drain import process_batch

    make_queue("Social care")
    make_channel("facebook", "Acme", external_id=PAGE_ID)
    first = meta_comment("1", "7", "My order is late")
    client.post("/webhooks/meta", data=first, headers=meta_headers(first))
    assert process_batch() == 1
    for body in (meta_comment("2", "7", "Hello? Still late"),  # the same conversation
                 meta_comment("3", "8", "Wrong size delivered", author="6713")):
        client.post("/webhooks/meta", data=body, headers=meta_headers(body))
    with runtime.db.engine.connect() as other_worker:
        other_worker.execute(text("SELECT id FROM conversation_threads FOR UPDATE"))
        assert process_batch() == 2
        assert totals() == (2, 2, 1)  # the new conversation went ahead; the reply waits
    assert process_batch() == 1
    assert totals() == (3, 2, 0)
    with unit_of_work() as session:
        reply = session.scalars(select(Message).where(Message.external_id == "7_2")).one()
        first_case = session.scalars(select(Message).where(Message.external_id == "7_1")).one()
    assert reply.case_id == first_case.case_id
