"""A web process keeps who each caller is; every change of access is seen by the very
next request, in this process and in another."""

from __future__ import annotations

from typing import Any

import requests
from sqlalchemy import select, text

from tests.conftest import token_for
from tests.factories import make_case, make_queue


def _listed(client: Any, token: str) -> tuple[int, set[int]]:
    response = client.get("/api/v1/cases", headers={"Authorization": f"Bearer {token}"})
    return response.status_code, {c["id"] for c in (response.json or {}).get("items", [])}


def _set_teams(user: Any, teams: list[str]) -> None:
    from inbox.models import User
    from inbox.services import unit_of_work
    from inbox.services.admin.users import do_set_teams

    with unit_of_work() as session:
        do_set_teams(session, session.get(User, user.id), teams)


def _give_queue_to(queue_name: str, team: str) -> Any:
    from inbox.models import Queue
    from inbox.services import unit_of_work
    from inbox.services.admin.users import team_by_name

    with unit_of_work() as session:
        queue = session.scalar(select(Queue).where(Queue.name == queue_name))
        queue.teams = [team_by_name(session, team)]


def test_a_team_change_shows_at_once_in_the_listing(client: Any, agent_alice: Any) -> None:
    make_queue("Social care")
    _give_queue_to("Social care", "Social")
    case = make_case(make_queue("Email"))  # no team: the default team's
    token = token_for(agent_alice)
    assert _listed(client, token) == (200, {case.id})
    _set_teams(agent_alice, ["Social"])
    assert _listed(client, token) == (200, set())


def test_a_new_queue_for_the_agents_team_is_listed_at_once(client: Any,
                                                          agent_alice: Any) -> None:
    token = token_for(agent_alice)
    _set_teams(agent_alice, ["Social"])
    assert _listed(client, token) == (200, set())
    queue = make_queue("Reviews")
    _give_queue_to("Reviews", "Social")
    case = make_case(queue)
    assert _listed(client, token) == (200, {case.id})


def test_a_deactivated_user_is_refused_by_the_next_request(client: Any,
                                                          agent_alice: Any) -> None:
    from inbox.models import User
    from inbox.services import unit_of_work
    from inbox.services.admin.users import do_deactivate_user

    token = token_for(agent_alice)
    assert _listed(client, token)[0] == 200
    with unit_of_work() as session:
        do_deactivate_user(session, session.get(User, agent_alice.id))
    assert _listed(client, token)[0] == 401


def test_a_lost_access_version_trusts_no_snapshot(runtime: Any, client: Any,
                                                   agent_alice: Any) -> None:
    """A change made behind the services' back (here raw SQL) is seen once the version
    is gone, as after a Redis restart."""
    case = make_case(make_queue("Email"))
    token = token_for(agent_alice)
    assert _listed(client, token) == (200, {case.id})
    with runtime.db.engine.begin() as connection:
        connection.execute(text("UPDATE users SET is_active = :no"), {"no": False})
    runtime.redis.flushdb()
    assert _listed(client, token)[0] == 401


def test_another_web_process_sees_a_revocation_on_the_next_request(
        live_server: Any, agent_alice: Any) -> None:
    from inbox.services import unit_of_work
    from inbox.services.admin.users import do_revoke_token

    token = token_for(agent_alice)
    headers = {"Authorization": f"Bearer {token}"}
    url = live_server.url + "/api/v1/cases"
    for _ in range(3):  # known to that process now
        assert requests.get(url, headers=headers, timeout=30).status_code == 200
    with unit_of_work() as session:
        do_revoke_token(session, token)
    response = requests.get(url, headers=headers, timeout=30)
    assert response.status_code == 401
    assert "revoked" in response.json()["error"]["message"]


def test_another_web_process_sees_a_role_change_on_the_next_request(
        live_server: Any, agent_alice: Any) -> None:
    from inbox.models import User
    from inbox.services import unit_of_work
    from inbox.services.admin.users import do_set_role

    _set_teams(agent_alice, ["Social"])
    hidden = make_case(make_queue("Email"))
    _give_queue_to("Email", "Billing")
    headers = {"Authorization": f"Bearer {token_for(agent_alice)}"}
    url = live_server.url + "/api/v1/cases"
    assert requests.get(url, headers=headers, timeout=30).json()["items"] == []
    with unit_of_work() as session:
        do_set_role(session, session.get(User, agent_alice.id), "supervisor")
    items = requests.get(url, headers=headers, timeout=30).json()["items"]
    assert [c["id"] for c in items] == [hidden.id]


def test_the_desk_reads_while_a_worker_holds_the_sqlite_write_lock(
        runtime: Any, client: Any, agent_alice: Any) -> None:
    """On the embedded default a write (a worker's ingest batch) locks the database;
    listing and opening cases only read, so they neither wait for it nor fail."""
    import sqlite3
    import time

    if runtime.db.engine.dialect.name != "sqlite":
        import pytest

        pytest.skip("SQLite's write lock")
    case = make_case(make_queue("Email"))
    token = token_for(agent_alice)
    headers = {"Authorization": f"Bearer {token}"}
    assert client.get("/api/v1/cases", headers=headers).status_code == 200
    writer = sqlite3.connect(runtime.db.engine.url.database, isolation_level=None)
    try:
        writer.execute("BEGIN IMMEDIATE")
        writer.execute("UPDATE cases SET subject = 'being ingested' WHERE id = ?", (case.id,))
        started = time.monotonic()
        listed = client.get("/api/v1/cases", headers=headers)
        opened = client.get(f"/api/v1/cases/{case.id}", headers=headers)
        waited = time.monotonic() - started
    finally:
        writer.execute("ROLLBACK")
        writer.close()
    assert listed.status_code == 200 and opened.status_code == 200
    assert [c["id"] for c in listed.json["items"]] == [case.id]
    assert waited < 2.0  # a writer's lock is waited for up to 30 s
