"""What one stuck process can hold up on PostgreSQL: a worker hung inside its batch
hides its deliveries only until the server ends its idle transaction; a statement that
meets a row locked past the lock timeout gives up (ingestion takes its deliveries again
later; the API answers 503 database_busy)."""

from __future__ import annotations

from collections.abc import Iterator
from itertools import count
from typing import Any

import pytest
import requests
from sqlalchemy import select, text

from inbox.config import ConfigError
from inbox.db import pg_session_options
from inbox.models import Case, Delivery, Message
from inbox.services import unit_of_work
from inbox.services.ingest.drain import drain
from tests.conftest import LiveProcess, LiveServer, process_env, token_for, wait_until
from tests.factories import make_case, make_channel, make_queue
from tests.signing import compact, generic_headers

SECRET = "stuck-secret"
_ids = count(1)


@pytest.fixture
def postgresql_only(runtime: Any) -> None:
    if runtime.db.engine.dialect.name != "postgresql":
        pytest.skip("SQLite has one writer and no server-side timeouts")


def post(client: Any, channel_id: int, text_: str, thread: str) -> None:
    body = compact({"id": f"s{next(_ids)}", "type": "review", "text": text_,
                    "thread_id": thread, "author": {"id": "author-1", "name": "Ann"}})
    response = client.post(f"/webhooks/generic/{channel_id}", data=body,
                           headers=generic_headers(body, SECRET))
    assert response.status_code in (200, 202), response.data


def pending() -> int:
    with unit_of_work() as session:
        return len(session.scalars(select(Delivery.id).where(Delivery.state == "pending")).all())


@pytest.fixture
def channel_id(runtime: Any, postgresql_only: None) -> int:
    make_queue("Social care")
    return make_channel("generic", "Reviews", secret=SECRET).id


@pytest.fixture
def held_case_row(runtime: Any) -> Iterator[Any]:
    """hold(case_id): a transaction of the test's own keeps that case's row locked."""
    connections: list[Any] = []

    def hold(case_id: int) -> None:
        connection = runtime.db.engine.connect()
        connections.append(connection)
        connection.execute(text("SELECT id FROM cases WHERE id = :id FOR UPDATE"),
                           {"id": case_id})

    try:
        yield hold
    finally:
        for connection in connections:
            connection.rollback()
            connection.close()


HUNG_WORKER = """
import sys, time
from inbox.services import unit_of_work
from inbox.services.ingest.drain import _claim_pending
with unit_of_work() as session:
    claimed = _claim_pending(session, 100, None)
    print("claimed", len(claimed), flush=True)
    time.sleep(600)  # hung between two statements, its batch's rows locked
"""


def test_a_worker_hung_in_its_batch_hides_its_deliveries_only_until_the_idle_timeout(
        runtime: Any, client: Any, channel_id: int) -> None:
    post(client, channel_id, "where is my order?", "t1")
    hung = LiveProcess.script(HUNG_WORKER, process_env(
        runtime, INBOX_PG_IDLE_IN_TRANSACTION_TIMEOUT="2s")).start()
    try:
        wait_until(lambda: "claimed 1" in hung.output(), "the hung worker to claim")
        assert drain() == 0, "its deliveries are locked while its transaction lives"
        wait_until(lambda: drain() == 1, "the server to end the hung transaction", timeout=60)
    finally:
        hung.stop()
    with unit_of_work() as session:
        assert session.scalar(select(Message.case_id)) is not None
    assert pending() == 0


ONE_BATCH = """
from inbox.services.ingest.drain import process_batch
print("taken", process_batch(), flush=True)
"""


def test_a_batch_meeting_a_case_locked_past_the_lock_timeout_is_taken_again_later(
        runtime: Any, client: Any, channel_id: int, held_case_row: Any) -> None:
    post(client, channel_id, "where is my order?", "t1")
    drain()
    with unit_of_work() as session:
        case_id = session.scalars(select(Case.id)).one()
    post(client, channel_id, "hello? still waiting", "t1")
    held_case_row(case_id)  # an agent's transaction that never ends, say
    batch = LiveProcess.script(ONE_BATCH, process_env(
        runtime, INBOX_PG_LOCK_TIMEOUT="500ms")).start()
    assert batch.wait(timeout=120) == 0, batch.output()
    assert "taken 1" in batch.output()
    with unit_of_work() as session:
        delivery = session.scalars(select(Delivery).order_by(Delivery.id.desc())).first()
        assert delivery is not None
        assert (delivery.state, delivery.attempts, delivery.error) == ("pending", 1, None)


def test_the_api_answers_503_database_busy_when_a_row_stays_locked(
        runtime: Any, postgresql_only: None, agent_alice: Any, held_case_row: Any) -> None:
    case_id = make_case(make_queue("Social care")).id
    token = token_for(agent_alice)
    server = LiveServer(process_env(runtime, INBOX_PG_LOCK_TIMEOUT="500ms")).start()
    try:
        held_case_row(case_id)
        response = requests.post(f"{server.url}/api/v1/cases/{case_id}/claim", json={},
                                 headers={"Authorization": f"Bearer {token}"}, timeout=60)
    finally:
        server.stop()
    assert response.status_code == 503, response.text
    assert response.json()["error"]["code"] == "database_busy"


@pytest.mark.parametrize("value", ["soon", "15 s", "-1s", "1h"])
def test_a_timeout_that_is_not_a_duration_is_refused_naming_the_variable(
        monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    monkeypatch.setenv("INBOX_PG_LOCK_TIMEOUT", value)
    with pytest.raises(ConfigError, match="INBOX_PG_LOCK_TIMEOUT"):
        pg_session_options()
