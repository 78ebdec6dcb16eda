"""The embedded default keeps webhook deliveries in a SQLite file of their own, so a
webhook is stored while a worker's batch holds the main file's write lock; a crash
between a batch's two commits loses nothing and doubles nothing; upgrading an instance
moves its deliveries there and downgrading brings them back."""

from __future__ import annotations

import sqlite3
import time
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from inbox.models import Case, Delivery, Message
from inbox.services import unit_of_work
from inbox.services.ingest import drain as drain_module
from tests.factories import make_channel, make_queue
from tests.signing import compact, generic_headers

SECRET = "test-channel-secret"


def review(item_id: str, text: str) -> bytes:
    return compact({"id": item_id, "type": "review", "text": text,
                    "author": {"id": f"a-{item_id}", "name": "Pat Reviewer"}})


def post(client: Any, channel_id: int, body: bytes) -> Any:
    return client.post(f"/webhooks/generic/{channel_id}", data=body,
                       headers=generic_headers(body, SECRET))


def states() -> dict[str, int]:
    with unit_of_work(read_only=True) as session:
        return dict(session.execute(  # type: ignore[arg-type]
            select(Delivery.state, func.count()).group_by(Delivery.state)).all())


def messages_and_cases() -> tuple[int, int]:
    with unit_of_work(read_only=True) as session:
        return (session.scalar(select(func.count(Message.id))) or 0,
                session.scalar(select(func.count(Case.id))) or 0)


@pytest.fixture
def reviews(runtime: Any) -> Any:
    make_queue("Social care")
    return make_channel("generic", "Reviews", secret=SECRET)


@pytest.fixture
def apart(runtime: Any) -> Any:
    if not runtime.db.deliveries_apart:
        pytest.skip("PostgreSQL keeps deliveries beside everything else (row locks)")
    return runtime


def test_a_webhook_is_stored_while_a_batch_holds_the_main_database(
        client: Any, reviews: Any, apart: Any) -> None:
    assert post(client, reviews.id, review("r-0", "Warm-up: the channel is known")
                ).status_code == 200
    main_file = apart.db.engine.url.database
    with closing(sqlite3.connect(main_file, isolation_level=None)) as worker_batch:
        worker_batch.execute("BEGIN IMMEDIATE")  # as an ingest batch holds it
        started = time.monotonic()
        response = post(client, reviews.id, review("r-1", "My refund never came"))
        took = time.monotonic() - started
        worker_batch.execute("ROLLBACK")
    assert response.status_code == 200, response.get_data(as_text=True)
    assert took < 5, f"the webhook waited {took:.1f}s for the main database"
    assert states() == {"pending": 2}
    assert drain_module.drain() == 2
    assert states() == {"processed": 2} and messages_and_cases() == (2, 2)


def test_a_crash_between_a_batchs_two_commits_ingests_each_message_once(
        client: Any, reviews: Any, apart: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    for n in range(5):
        assert post(client, reviews.id, review(f"r-{n}", f"Complaint {n}: still broken")
                    ).status_code == 200

    def crash(*_: Any) -> None:
        raise SystemExit("killed after the messages were committed")

    with monkeypatch.context() as patched:
        patched.setattr(drain_module, "_write_outcomes", crash)
        with pytest.raises(SystemExit):
            drain_module.drain()
    assert messages_and_cases() == (5, 5)  # the messages are in ...
    assert states() == {"pending": 5}      # ... and their deliveries still to do
    assert drain_module.drain() == 5
    assert states() == {"processed": 5}
    assert messages_and_cases() == (5, 5)


def test_deleting_a_channel_keeps_its_deliveries_for_replay(
        client: Any, api_as: Any, admin_ada: Any, runtime: Any) -> None:
    channel = make_channel("generic", "Old reviews", secret=SECRET)
    body = compact({"id": "r-1", "type": "bogus"})  # signed, nothing to ingest
    assert post(client, channel.id, body).status_code in (200, 422)
    assert api_as(admin_ada).delete(f"/api/v1/channels/{channel.id}").status_code == 204
    with unit_of_work(read_only=True) as session:
        kept = session.scalars(select(Delivery)).all()
    assert len(kept) == 1 and kept[0].channel_id is None


@pytest.mark.no_backends
def test_upgrading_moves_an_instances_deliveries_apart_and_downgrading_brings_them_back(
        tmp_path: Path) -> None:
    from inbox import migrate

    url = f"sqlite:///{tmp_path / 'inbox.db'}"
    migrate.upgrade(url, "0016")  # an instance from before
    with closing(sqlite3.connect(tmp_path / "inbox.db")) as main:
        main.execute("INSERT INTO deliveries (id, provider, received_at, headers, body, "
                     "content_type, verified, state, attempts, outcome) VALUES "
                     "(41, 'generic', '2026-12-01 10:00:00', '{}', x'7b7d', '', 1, "
                     "'processed', 1, '{}')")
        # Its message, and an agent's label on that message: rebuilding the messages
        # table without its foreign key must not cascade into the labels.
        main.execute("INSERT INTO channels (id, kind, name, secrets, settings, is_active, "
                     "created_at) VALUES (3, 'generic', 'Reviews', '{}', '{}', 1, "
                     "'2026-12-01 09:00:00')")
        main.execute("INSERT INTO messages (id, delivery_id, channel_id, external_id, "
                     "direction, visibility, kind, text, sent_at, created_at, facts, "
                     "monitored, send_attempts) VALUES (7, 41, 3, 'r-41', 'in', 'public', "
                     "'review', 'Still broken', '2026-12-01 10:00:00', '2026-12-01 10:00:00', "
                     "'{}', 0, 0)")
        main.execute("INSERT INTO complaint_labels (message_id, complaint, source, updated_at) "
                     "VALUES (7, 1, 'resolved', '2026-12-01 11:00:00')")
        main.commit()
    migrate.upgrade(url)
    apart_file = tmp_path / "inbox-deliveries.db"
    with closing(sqlite3.connect(tmp_path / "inbox.db")) as main, \
            closing(sqlite3.connect(apart_file)) as apart:
        assert main.execute("SELECT count(*) FROM deliveries").fetchone() == (0,)
        assert apart.execute("SELECT id, state FROM deliveries").fetchall() == [(41, "processed")]
        assert main.execute("SELECT m.delivery_id, l.complaint FROM messages m JOIN "
                            "complaint_labels l ON l.message_id = m.id").fetchall() == [(41, 1)]
        # A new delivery takes the next id, never one already given.
        apart.execute("INSERT INTO deliveries (provider, received_at, headers, body, "
                      "content_type, verified, state, attempts, outcome) VALUES "
                      "('generic', '2026-12-02', '{}', x'7b7d', '', 1, 'pending', 0, '{}')")
        apart.commit()
        assert apart.execute("SELECT max(id) FROM deliveries").fetchone() == (42,)
    migrate.downgrade(url, "0016")
    with closing(sqlite3.connect(tmp_path / "inbox.db")) as main, \
            closing(sqlite3.connect(apart_file)) as apart:
        assert [r[0] for r in main.execute("SELECT id FROM deliveries ORDER BY id")] == [41, 42]
        assert apart.execute("SELECT count(*) FROM deliveries").fetchone() == (0,)
