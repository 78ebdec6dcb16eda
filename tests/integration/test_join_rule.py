"""The join rule: a customer's new conversation joins their open case on the channel
(join_open_case_hours), over webhooks and drains as in production."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import event, select

from inbox.models import Case, CaseEvent, Channel, Message, utcnow
from inbox.services import unit_of_work
from inbox.services.ingest.drain import drain
from tests.factories import make_channel, make_queue
from tests.integration.test_ingestion import SECRET, counts, item, post_generic


def _join_within(channel_id: int, hours: int | None) -> None:
    with unit_of_work() as session:
        channel = session.get(Channel, channel_id)
        assert channel is not None
        channel.settings = {} if hours is None else {"join_open_case_hours": hours}


@pytest.fixture
def reviews(runtime: Any) -> Any:
    make_queue("Social care")
    return make_channel("generic", "Reviews", secret=SECRET)


def _cases_of_messages() -> dict[str, int | None]:
    with unit_of_work() as session:
        return {row.external_id: row.case_id for row in session.execute(
            select(Message.external_id, Message.case_id))}


def test_without_the_rule_each_new_conversation_opens_a_case(client: Any, reviews: Any) -> None:
    post_generic(client, reviews.id, item("r-1", "My parcel is late"))
    drain()
    post_generic(client, reviews.id, item("r-2", "And the app crashes"))
    drain()
    assert counts()[:2] == (2, 2)


def test_a_new_conversation_joins_the_customers_open_case(client: Any, reviews: Any) -> None:
    _join_within(reviews.id, 4)
    post_generic(client, reviews.id, item("r-1", "My parcel is late"))
    drain()
    post_generic(client, reviews.id, item("r-2", "And the app crashes"))
    drain()
    post_generic(client, reviews.id, item("r-3", "Answer on r-2", thread_id="r-2-thread"))
    drain()
    assert counts()[:2] == (3, 1)
    [case_id] = set(_cases_of_messages().values())
    with unit_of_work() as session:
        joined = session.scalars(select(CaseEvent).where(
            CaseEvent.case_id == case_id, CaseEvent.kind == "conversation_joined")).all()
    assert len(joined) == 2 and joined[0].data["hours"] == 4


def test_in_one_batch_a_customers_conversations_join_and_others_do_not(
    client: Any, reviews: Any,
) -> None:
    _join_within(reviews.id, 4)
    other = item("r-2", "Mine is late too")
    other["author"] = {"id": "u-2", "name": "Sam Other"}
    for payload in (item("r-1", "My parcel is late"), other, item("r-3", "Hello??")):
        post_generic(client, reviews.id, payload)
    drain()
    cases = _cases_of_messages()
    assert cases["r-1"] == cases["r-3"] != cases["r-2"]
    assert counts()[1] == 2


def test_a_case_quiet_for_longer_than_the_rule_is_not_joined(client: Any, reviews: Any) -> None:
    _join_within(reviews.id, 2)
    post_generic(client, reviews.id, item("r-1", "My parcel is late"))
    drain()
    with unit_of_work() as session:
        case = session.scalars(select(Case)).one()
        case.last_message_at = utcnow() - timedelta(hours=3)
    post_generic(client, reviews.id, item("r-2", "And the app crashes"))
    drain()
    assert counts()[1] == 2


def test_a_resolved_case_is_not_joined(client: Any, reviews: Any) -> None:
    _join_within(reviews.id, 4)
    post_generic(client, reviews.id, item("r-1", "My parcel is late"))
    drain()
    with unit_of_work() as session:
        case = session.scalars(select(Case)).one()
        case.status, case.resolved_at = "resolved", utcnow()
    post_generic(client, reviews.id, item("r-2", "And the app crashes"))
    drain()
    assert counts()[1] == 2


def test_the_rule_costs_one_read_per_batch_not_per_message(
    runtime: Any, client: Any, reviews: Any,
) -> None:
    _join_within(reviews.id, 4)
    for index in range(6):
        payload = item(f"r-{index}", "Where is my parcel?")
        payload["author"] = {"id": f"u-{index % 3}", "name": f"Customer {index % 3}"}
        post_generic(client, reviews.id, payload)
    statements: list[str] = []

    def seen(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        statements.append(statement)

    event.listen(runtime.db.engine, "before_cursor_execute", seen)
    try:
        drain()
    finally:
        event.remove(runtime.db.engine, "before_cursor_execute", seen)
    assert counts()[:2] == (6, 3)  # three customers, two conversations each: three cases
    joins = [s for s in statements if "cases.last_message_at >=" in s]
    assert len(joins) == 1, joins


@pytest.mark.parametrize("value", [-1, 721, "4", 2.5, True])
def test_the_setting_is_checked_by_the_admin_api(
    api_as: Any, admin_ada: Any, reviews: Any, value: Any,
) -> None:
    response = api_as(admin_ada).patch(f"/api/v1/channels/{reviews.id}",
                                       json={"settings": {"join_open_case_hours": value}})
    assert response.status_code == 422
    assert "settings.join_open_case_hours" in response.json["error"]["fields"]


def test_the_setting_is_saved_by_the_admin_api(api_as: Any, admin_ada: Any, reviews: Any) -> None:
    response = api_as(admin_ada).patch(f"/api/v1/channels/{reviews.id}",
                                       json={"settings": {"join_open_case_hours": 6}})
    assert response.status_code == 200, response.json
    assert response.json["settings"]["join_open_case_hours"] == 6
