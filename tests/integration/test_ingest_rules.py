"""A worker keeps the workspace's rules (routing table, watch terms, complaint model)
between batches, and a change made anywhere applies from the next message."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from itertools import count
from typing import Any

import pytest
from sqlalchemy import event, select, text

from inbox.models import BusinessCalendar, Case, Message, Queue
from inbox.services import unit_of_work
from inbox.services.ingest import workspace_rules
from inbox.services.ingest.drain import drain
from inbox.services.routing.decide import in_business_hours, load_routing_table
from tests.conftest import process_env
from tests.factories import make_channel, make_queue
from tests.signing import compact, generic_headers

SECRET = "rules-secret"
_ids = count(1)
RULE_TABLES = ("routing_rules", "watch_terms", "crisis_alerts", "complaint_models",
               "business_calendars")


def post(client: Any, channel_id: int, text_: str) -> None:
    item = f"r{next(_ids)}"
    body = compact({"id": item, "type": "review", "text": text_,
                    "author": {"id": f"author-{item}", "name": f"Author {item}"}})
    response = client.post(f"/webhooks/generic/{channel_id}", data=body,
                           headers=generic_headers(body, SECRET))
    assert response.status_code in (200, 202), response.data


def newest_case_queue() -> str | None:
    with unit_of_work() as session:
        case = session.scalars(select(Case).order_by(Case.id.desc()).limit(1)).one()
        queue = session.get(Queue, case.queue_id) if case.queue_id else None
        return queue.name if queue else None


@pytest.fixture
def rule_reads(runtime: Any) -> Iterator[list[str]]:
    """The statements that read the rules' tables, as they are executed."""
    seen: list[str] = []

    def note(_conn: Any, _cursor: Any, statement: str, *_rest: Any) -> None:
        if statement.lstrip().upper().startswith("SELECT") and any(
                f"FROM {table}" in statement for table in RULE_TABLES):
            seen.append(statement)

    event.listen(runtime.db.engine, "before_cursor_execute", note)
    try:
        yield seen
    finally:
        event.remove(runtime.db.engine, "before_cursor_execute", note)


@pytest.fixture
def channel_id(runtime: Any) -> int:
    make_queue("Social care")
    make_queue("Billing")
    return make_channel("generic", "Reviews", secret=SECRET).id


def test_later_batches_route_without_reading_the_rules_again(
        client: Any, channel_id: int, rule_reads: list[str]) -> None:
    post(client, channel_id, "where is my parcel?")
    drain()
    assert rule_reads, "the first batch reads the rules"
    rule_reads.clear()
    for _ in range(3):
        post(client, channel_id, "still no parcel")
        drain()
    assert rule_reads == []
    with unit_of_work() as session:
        assert session.scalar(select(Case.id).where(Case.queue_id.is_(None))) is None


def test_a_rule_saved_on_the_api_routes_the_very_next_message(
        client: Any, api_as: Any, supervisor_sam: Any, channel_id: int) -> None:
    post(client, channel_id, "my invoice is wrong")
    drain()
    assert newest_case_queue() == "Social care"
    created = api_as(supervisor_sam).post("/api/v1/rules", json={
        "name": "invoices to billing", "conditions": {"keywords": ["invoice"]},
        "actions": [{"type": "set_queue", "queue": "Billing"}]})
    assert created.status_code == 201, created.json
    post(client, channel_id, "my invoice is still wrong")
    drain()
    assert newest_case_queue() == "Billing"
    disabled = api_as(supervisor_sam).patch(f"/api/v1/rules/{created.json['id']}",
                                            json={"enabled": False, "version": 1})
    assert disabled.status_code == 200, disabled.json
    post(client, channel_id, "another invoice problem")
    drain()
    assert newest_case_queue() == "Social care"


def test_a_watch_term_added_in_another_process_applies_to_the_next_batch(
        runtime: Any, client: Any, channel_id: int) -> None:
    post(client, channel_id, "the flatline update broke my phone")
    drain()
    script = ("from inbox.services import unit_of_work\n"
              "from inbox.services.ingest.listening import do_add_watch_term\n"
              "with unit_of_work() as session:\n"
              "    do_add_watch_term(session, 'flatline')\n")
    done = subprocess.run([sys.executable, "-c", script], env=process_env(runtime),
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    post(client, channel_id, "flatline again, phone dead")
    drain()
    with unit_of_work() as session:
        facts = [m.facts.get("watch_terms") for m in session.scalars(
            select(Message).order_by(Message.id))]
    assert facts == [[], ["flatline"]]


def test_a_change_outside_the_services_waits_for_the_version_or_the_expiry(
        runtime: Any, client: Any, channel_id: int, monkeypatch: pytest.MonkeyPatch) -> None:
    post(client, channel_id, "invoice trouble")
    drain()
    with runtime.db.engine.begin() as connection:  # no service: no new version
        connection.execute(text(
            "INSERT INTO routing_rules (name, position, enabled, conditions, actions, "
            "stop_processing, version, created_at, updated_at) VALUES ('by hand', 1, :yes, "
            "'{\"keywords\": [\"invoice\"]}', '[{\"type\": \"set_queue\", \"queue\": "
            "\"Billing\"}]', :no, 1, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"),
            {"yes": True, "no": False})
    post(client, channel_id, "invoice trouble again")
    drain()
    assert newest_case_queue() == "Social care"  # the kept rules, while their version holds
    monkeypatch.setattr(workspace_rules._SNAPSHOT, "seconds", 0.0)  # as if 30 s had passed
    post(client, channel_id, "invoice trouble a third time")
    drain()
    assert newest_case_queue() == "Billing"  # expired: read again


def test_without_redis_every_batch_reads_the_rules(
        client: Any, channel_id: int, rule_reads: list[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    from inbox.services import shared_versions

    monkeypatch.setattr(shared_versions, "shared_version", lambda key: None)
    for _ in range(2):
        rule_reads.clear()
        post(client, channel_id, "anyone there?")
        drain()
        assert rule_reads, "nothing is kept when Redis cannot say which version it is"


def test_the_routing_table_outlives_a_rolled_back_session(runtime: Any) -> None:
    with unit_of_work() as session:
        session.add(BusinessCalendar(name="Support hours", timezone="Europe/Paris",
                                     weekly_hours={"mon": [["09:00", "17:00"]]}, holidays=[]))
    session = runtime.db.sessions()
    table = load_routing_table(session)
    session.rollback()  # as a failed batch does: every object of the session expires
    session.close()
    from datetime import UTC, datetime

    assert in_business_hours(table, datetime(2026, 12, 7, 10, tzinfo=UTC))  # Monday 11:00
    assert not in_business_hours(table, datetime(2026, 12, 6, 10, tzinfo=UTC))  # Sunday
