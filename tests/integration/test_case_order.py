"""The most urgent work first: the case list and `next` follow the queue's order (priority,
then SLA due, none last, then age) with keyset pages and a total, whatever the volume;
search finds a case by #id, text, the customer's name or handle."""

from __future__ import annotations

import random
from datetime import timedelta
from typing import Any

from sqlalchemy import select

from inbox.models import Case, Contact, ContactIdentity, utcnow
from inbox.services import unit_of_work
from tests.factories import make_case, make_queue


def urgency_key(case: dict[str, Any]) -> tuple[int, int, str, int]:
    due = case["sla_due_at"]
    return (case["priority"], due is None, due or "", case["id"])


def every_page(client: Any, url: str, limit: int) -> tuple[list[dict[str, Any]], list[Any]]:
    items, pages, cursor = [], [], None
    while True:
        page = client.get(url + f"&limit={limit}" + (f"&cursor={cursor}" if cursor else "")).json
        pages.append(page)
        items.extend(page["items"])
        cursor = page["next_cursor"]
        if cursor is None:
            return items, pages


def test_the_oldest_p1_among_150_open_cases_comes_first_and_pages_keep_queue_order(
        api_as: Any, agent_alice: Any) -> None:
    queue = make_queue()
    now = utcnow()
    urgent = make_case(queue, priority=1, sla_due_at=now + timedelta(minutes=5))
    shuffle = random.Random(42)
    for n in range(149):
        due = None if n % 7 == 0 else now + timedelta(minutes=shuffle.randrange(10, 600))
        if n % 11 == 0 and due is not None:
            due = now + timedelta(minutes=30)  # ties on the due time: the id decides
        make_case(queue, priority=shuffle.choice((1, 2, 3, 4)) if n % 5 else 2,
                  sla_due_at=due)
    client = api_as(agent_alice)
    first = client.get("/api/v1/cases?status=open&limit=50").json
    assert first["items"][0]["id"] == urgent.id
    assert (first["total"], first["order"]) == (150, "urgency")
    items, pages = every_page(client, "/api/v1/cases?status=open", limit=40)
    assert len(pages) == 4 and all(page["total"] == 150 for page in pages)
    assert [c["id"] for c in items] == [c["id"] for c in sorted(items, key=urgency_key)]
    assert len({c["id"] for c in items}) == 150  # no case twice, none missed
    with unit_of_work() as session:  # the last page's cases resolved meanwhile
        for case in session.scalars(select(Case).where(Case.id.in_(
                [c["id"] for c in pages[3]["items"]]))):
            case.status = "resolved"
    past = client.get(f"/api/v1/cases?status=open&limit=40&cursor={pages[2]['next_cursor']}").json
    assert (past["items"], past["total"], past["next_cursor"]) == ([], 120, None)


def test_next_from_all_my_queues_takes_the_p1_not_the_busiest_queue(
        api_as: Any, agent_alice: Any) -> None:
    busy, priority = make_queue("Social care"), make_queue("Priority social")
    for _ in range(5):
        make_case(busy, priority=2)
    p1 = make_case(priority, priority=1, sla_due_at=utcnow() + timedelta(minutes=3))
    client = api_as(agent_alice)
    client.put("/api/v1/agents/me/presence", json={"presence": "online"})
    [listed_first] = client.get("/api/v1/cases?status=queued&limit=1").json["items"]
    taken = client.post("/api/v1/queues/next")
    assert taken.status_code == 200, taken.json
    assert taken.json["id"] == p1.id == listed_first["id"]
    assert taken.json["assignee_id"] == agent_alice.id


def test_newest_order_and_cursors_of_one_order_refused_by_the_other(
        api_as: Any, agent_alice: Any) -> None:
    queue = make_queue()
    ids = [make_case(queue).id for _ in range(5)]
    client = api_as(agent_alice)
    resolved_default = client.get("/api/v1/cases?status=resolved").json
    assert resolved_default["order"] == "newest"
    newest = client.get("/api/v1/cases?order=newest&limit=2").json
    assert [c["id"] for c in newest["items"]] == sorted(ids, reverse=True)[:2]
    refused = client.get(f"/api/v1/cases?order=urgency&cursor={newest['next_cursor']}")
    assert refused.status_code == 422 and "cursor" in refused.json["error"]["fields"]
    assert client.get("/api/v1/cases?order=sideways").status_code == 422


def test_search_finds_a_case_by_id_handle_name_and_text(api_as: Any, agent_alice: Any) -> None:
    queue = make_queue()
    with unit_of_work() as session:
        rita = Contact(display_name="Rita Gómez")
        session.add(rita)
        session.flush()
        session.add(ContactIdentity(contact_id=rita.id, kind="x", external_id="23456789",
                                    handle="ritag"))
        rita_id = rita.id
    ritas = make_case(queue, contact_id=rita_id, subject="Outage in Madrid")
    other = make_case(queue, subject="Invoice question")
    client = api_as(agent_alice)

    def found(q: str) -> list[int]:
        return [c["id"] for c in client.get("/api/v1/cases", query_string={"q": q}).json["items"]]

    assert found("@ritag") == [ritas.id]
    assert found("ritag") == [ritas.id]
    assert found("Gómez") == [ritas.id]
    assert found(f"#{other.id}") == [other.id]
    assert found(str(other.id)) == [other.id]
    assert found("invoice") == [other.id]
    assert found("nobody-at-all") == []


def test_an_agent_with_several_queues_pages_one_urgency_order_across_them(
        api_as: Any, agent_alice: Any, supervisor_sam: Any) -> None:
    """Each queue is read in its own index order and the parts merged: the pages must be
    the same as one sort of everything the agent may see, and nothing they may not."""
    from inbox.services.admin.users import do_set_teams, team_by_name

    mine = [make_queue("Reviews"), make_queue("Forums"), make_queue("Email")]
    theirs = make_queue("Lawyers")
    with unit_of_work() as session:
        for queue in mine:
            session.merge(queue).teams = [team_by_name(session, "Care")]
        session.merge(theirs).teams = [team_by_name(session, "Legal")]
        do_set_teams(session, session.merge(agent_alice), ["Care"])
    now = utcnow()
    shuffle = random.Random(7)
    expected: set[int] = set()
    for n in range(60):
        due = None if n % 6 == 0 else now + timedelta(minutes=shuffle.randrange(1, 300))
        case = make_case(mine[n % 3], priority=shuffle.choice((1, 2, 3, 4)), sla_due_at=due)
        expected.add(case.id)
    another_teams = make_case(theirs, priority=1).id
    make_case(mine[0], status="resolved", priority=1)  # not open
    expected.add(make_case(theirs, status="assigned", priority=2,     # hers, elsewhere
                           assignee_id=agent_alice.id).id)
    expected.add(make_case(None, status="assigned", priority=1,       # hers, in no queue
                           assignee_id=agent_alice.id, sla_due_at=now).id)
    for order, key in (("urgency", urgency_key), ("newest", lambda c: -c["id"])):
        items, pages = every_page(api_as(agent_alice), f"/api/v1/cases?status=open&order={order}",
                                  limit=7)
        assert {c["id"] for c in items} == expected and len(items) == len(expected)
        assert [c["id"] for c in items] == [c["id"] for c in sorted(items, key=key)]
        assert all(page["total"] == len(expected) for page in pages)
    everything, _ = every_page(api_as(supervisor_sam), "/api/v1/cases?status=open", limit=25)
    assert {c["id"] for c in everything} == expected | {another_teams}
