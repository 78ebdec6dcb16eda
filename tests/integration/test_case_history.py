"""A case's messages a page at a time: the detail has the newest page and a cursor,
GET /cases/<id>/messages?before= the older pages (docs/api.md)."""

from __future__ import annotations

from typing import Any

from tests.conftest import make_user
from tests.factories import make_queue
from tests.fakes.conversations import add_history, connect_channel, seed_conversation


def long_case(count: int = 120, account: str = "2244994945") -> tuple[int, list[int]]:
    channel = connect_channel("x", account, secrets={"bearer_token": "t"})
    seeded = seed_conversation(channel, external_id="dm-0", visibility="private", kind="dm",
                               thread_key=f"x:dm:{account}", customer_id=account[-2:],
                               queue=make_queue(f"Social {account}"),
                               minutes_ago=60 * 72)  # older than the history: the first
    return seeded.case_id, [seeded.message_id, *add_history(seeded, count - 1)]


def test_the_case_detail_carries_the_newest_page_and_a_cursor(
    api_as: Any, agent_alice: Any,
) -> None:
    case_id, ids = long_case()
    detail = api_as(agent_alice).get(f"/api/v1/cases/{case_id}").json
    assert [m["id"] for m in detail["messages"]] == ids[-50:]  # oldest first, as before
    assert detail["messages"][-1]["text"] == "history 118"
    assert detail["messages_before"] == ids[-50]


def test_older_pages_follow_the_cursor_to_the_first_message(
    api_as: Any, agent_alice: Any,
) -> None:
    case_id, ids = long_case()
    api = api_as(agent_alice)
    before = api.get(f"/api/v1/cases/{case_id}").json["messages_before"]
    seen: list[int] = []
    while before is not None:
        page = api.get(f"/api/v1/cases/{case_id}/messages?before={before}&limit=30").json
        seen = [m["id"] for m in page["items"]] + seen
        before = page["before"]
    assert seen == ids[:-50]
    assert len(seen) == 70


def test_a_short_case_has_no_cursor(api_as: Any, agent_alice: Any) -> None:
    case_id, ids = long_case(3)
    detail = api_as(agent_alice).get(f"/api/v1/cases/{case_id}").json
    assert ([m["id"] for m in detail["messages"]], detail["messages_before"]) == (ids, None)
    page = api_as(agent_alice).get(f"/api/v1/cases/{case_id}/messages").json
    assert ([m["id"] for m in page["items"]], page["before"]) == (ids, None)


def test_a_cursor_from_another_case_or_a_bad_limit_is_422_naming_it(
    api_as: Any, agent_alice: Any,
) -> None:
    case_id, _ = long_case(3)
    _, other_ids = long_case(3, account="2244994946")
    api = api_as(agent_alice)
    wrong = api.get(f"/api/v1/cases/{case_id}/messages?before={other_ids[0]}")
    assert wrong.status_code == 422
    assert wrong.json["error"]["fields"] == {"before": "not a message of this case"}
    for query in ("before=abc", "limit=0", "limit=201"):
        response = api.get(f"/api/v1/cases/{case_id}/messages?{query}")
        assert response.status_code == 422, query
        assert set(response.json["error"]["fields"]) <= {"before", "limit"}, query


def test_the_messages_of_a_case_the_agent_cannot_see_are_404(api_as: Any) -> None:
    outsider = make_user("olga@example.com", "agent", "Olga Other", teams=["Billing"])
    case_id, ids = long_case(3)
    api = api_as(outsider)
    assert api.get(f"/api/v1/cases/{case_id}/messages").status_code == 404
    assert api.get(f"/api/v1/cases/{case_id}/messages?before={ids[-1]}").status_code == 404
    assert api.get("/api/v1/cases/999999/messages").status_code == 404
