"""Every legal case transition, every rejected one, over the service and over HTTP."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from inbox.models import Case, CaseEvent
from inbox.services import unit_of_work
from inbox.services.cases import states as cases
from inbox.services.cases.states import TRANSITIONS
from inbox.services.errors import IllegalTransition
from tests.factories import make_case, make_queue

ALL_STATUSES = ("new", "queued", "assigned", "pending", "resolved", "closed")


def _apply(action: str, case: Case, actor: Any) -> None:
    with unit_of_work() as session:
        case = session.get(Case, case.id)
        assert case is not None
        if action == "claim":
            cases.do_claim(session, case, actor)
        elif action == "assign":
            cases.do_assign(session, case, actor, by=actor)
        elif action == "release":
            cases.do_release(session, case, actor)
        elif action == "transfer":
            cases.do_transfer_to_queue(session, case, case.queue_id, by=actor)
        elif action == "set_pending":
            cases.do_set_pending(session, case, actor)
        elif action == "customer_replied":
            from inbox.models import utcnow

            cases.do_customer_replied(session, case, utcnow())
        elif action == "resolve":
            cases.do_resolve(session, case, actor, "answered")
        elif action == "reopen":
            cases.do_reopen(session, case, actor, "customer wrote again")
        elif action == "close":
            cases.do_close(session, case, actor)
        elif action == "enqueue":
            cases.do_enqueue(session, case)
        else:  # merged_into, unmerged: merging's own (tests/integration/test_merging.py)
            cases.transition(session, case, action, actor=actor)


LEGAL = [(action, start) for action, (starts, _) in TRANSITIONS.items() for start in starts]
ILLEGAL = [
    (action, start)
    for action, (starts, _) in TRANSITIONS.items()
    for start in ALL_STATUSES
    if start not in starts
]


@pytest.mark.parametrize(("action", "start"), LEGAL)
def test_legal_transition_changes_status_and_appends_an_event(
    action: str, start: str, supervisor_sam: Any
) -> None:
    queue = make_queue()
    assignee = supervisor_sam.id if start in ("assigned", "pending") else None
    case = make_case(queue, status=start, assignee_id=assignee)
    _apply(action, case, supervisor_sam)
    with unit_of_work() as session:
        after = session.get(Case, case.id)
        events = session.scalars(select(CaseEvent).where(CaseEvent.case_id == case.id)).all()
    assert after is not None
    assert after.status == TRANSITIONS[action][1]
    assert [(e.kind, e.from_status, e.to_status) for e in events] == [
        (action, start, TRANSITIONS[action][1])
    ]
    assert after.version == 2


@pytest.mark.parametrize(("action", "start"), ILLEGAL)
def test_illegal_transition_is_refused_and_changes_nothing(
    action: str, start: str, supervisor_sam: Any
) -> None:
    queue = make_queue()
    assignee = supervisor_sam.id if start in ("assigned", "pending") else None
    case = make_case(queue, status=start, assignee_id=assignee)
    with pytest.raises(IllegalTransition) as refused:
        _apply(action, case, supervisor_sam)
    assert refused.value.details["current_status"] == start
    with unit_of_work() as session:
        after = session.get(Case, case.id)
        events = session.scalars(select(CaseEvent).where(CaseEvent.case_id == case.id)).all()
    assert after is not None and after.status == start and after.version == 1
    assert events == []


def test_claim_over_http_then_second_claim_is_409_naming_the_holder(
    api_as: Any, agent_alice: Any, agent_bob: Any
) -> None:
    case = make_case(make_queue())
    first = api_as(agent_alice).post(f"/api/v1/cases/{case.id}/claim")
    assert first.status_code == 200
    assert first.json["assignee_id"] == agent_alice.id
    assert first.json["status"] == "assigned"
    second = api_as(agent_bob).post(f"/api/v1/cases/{case.id}/claim")
    assert second.status_code == 409
    assert second.json["error"]["current_status"] == "assigned"
    assert second.json["error"]["assignee_id"] == agent_alice.id


def test_resolve_needs_a_disposition(api_as: Any, agent_alice: Any) -> None:
    case = make_case(make_queue(), status="assigned", assignee_id=agent_alice.id)
    response = api_as(agent_alice).post(f"/api/v1/cases/{case.id}/resolve", json={})
    assert response.status_code == 422
    assert "disposition" in response.json["error"]["fields"]


def test_resolve_a_closed_case_over_http_is_409_with_current_state(
    api_as: Any, supervisor_sam: Any
) -> None:
    case = make_case(make_queue(), status="closed")
    response = api_as(supervisor_sam).post(
        f"/api/v1/cases/{case.id}/resolve", json={"disposition": "answered"}
    )
    assert response.status_code == 409
    assert response.json["error"]["code"] == "illegal_transition"
    assert response.json["error"]["current_status"] == "closed"


def test_agent_cannot_release_a_case_someone_else_holds(
    api_as: Any, agent_alice: Any, agent_bob: Any
) -> None:
    case = make_case(make_queue(), status="assigned", assignee_id=agent_alice.id)
    response = api_as(agent_bob).post(f"/api/v1/cases/{case.id}/release")
    assert response.status_code == 403


def test_supervisor_force_release_is_recorded_as_forced(
    api_as: Any, agent_alice: Any, supervisor_sam: Any
) -> None:
    case = make_case(make_queue(), status="assigned", assignee_id=agent_alice.id)
    response = api_as(supervisor_sam).post(f"/api/v1/cases/{case.id}/release")
    assert response.status_code == 200
    assert response.json["status"] == "queued" and response.json["assignee_id"] is None
    detail = api_as(supervisor_sam).get(f"/api/v1/cases/{case.id}").json
    assert detail["events"][-1]["data"]["forced"] is True


def test_supervisor_releases_a_pending_case_and_its_pause_does_not_count(
    api_as: Any, agent_alice: Any, supervisor_sam: Any
) -> None:
    from datetime import timedelta

    from inbox.models import utcnow

    now = utcnow()
    due = now + timedelta(hours=1)
    case = make_case(make_queue(), status="pending", assignee_id=agent_alice.id,
                     pending_since=now - timedelta(minutes=20), resolution_due_at=due,
                     sla_due_at=due)
    released = api_as(supervisor_sam).post(f"/api/v1/cases/{case.id}/release")
    assert released.status_code == 200, released.json
    assert (released.json["status"], released.json["assignee_id"]) == ("queued", None)
    with unit_of_work() as session:
        stored = session.get(Case, case.id)
        assert stored is not None and stored.pending_since is None
        assert stored.paused_seconds >= 20 * 60
        assert stored.resolution_due_at is not None
        assert stored.resolution_due_at - due >= timedelta(minutes=20)  # the pause moved it on
    event = api_as(supervisor_sam).get(f"/api/v1/cases/{case.id}").json["events"][-1]
    assert event["data"]["forced"] is True and event["data"]["was_pending"] is True


def test_escalate_needs_a_reason_and_raises_the_level(api_as: Any, agent_alice: Any) -> None:
    case = make_case(make_queue(), status="assigned", assignee_id=agent_alice.id)
    client = api_as(agent_alice)
    assert client.post(f"/api/v1/cases/{case.id}/escalate", json={"reason": ""}).status_code == 422
    response = client.post(f"/api/v1/cases/{case.id}/escalate", json={"reason": "legal threat"})
    assert response.status_code == 200
    assert response.json["escalation_level"] == 1


def test_only_a_supervisor_deescalates(
    api_as: Any, agent_alice: Any, supervisor_sam: Any
) -> None:
    case = make_case(make_queue(), status="queued", escalation_level=1)
    path = f"/api/v1/cases/{case.id}/deescalate"
    assert api_as(agent_alice).post(path, json={"reason": "fine"}).status_code == 403
    response = api_as(supervisor_sam).post(path, json={"reason": "handled"})
    assert response.status_code == 200 and response.json["escalation_level"] == 0


def test_pending_time_is_subtracted_when_the_customer_replies(supervisor_sam: Any) -> None:
    from datetime import timedelta

    from inbox.models import utcnow

    since = utcnow() - timedelta(minutes=10)
    case = make_case(make_queue(), status="pending", assignee_id=supervisor_sam.id,
                     pending_since=since)
    with unit_of_work() as session:
        loaded = session.get(Case, case.id)
        assert loaded is not None
        cases.do_customer_replied(session, loaded, since + timedelta(minutes=10))
    with unit_of_work() as session:
        after = session.get(Case, case.id)
        assert after is not None
        assert after.status == "assigned" and after.paused_seconds == 600


def test_a_case_in_another_teams_queue_is_a_404_like_a_missing_one(
    api_as: Any, agent_alice: Any
) -> None:
    from tests.conftest import make_user

    private_queue = make_queue("VIP desk")
    with unit_of_work() as session:
        from inbox.models import Queue
        from inbox.services.admin.users import team_by_name

        queue = session.get(Queue, private_queue.id)
        assert queue is not None
        queue.teams = [team_by_name(session, "VIP team")]
    make_user("vip@example.com", "agent", "Vic", teams=["VIP team"])
    case = make_case(private_queue)
    hidden = api_as(agent_alice).get(f"/api/v1/cases/{case.id}")
    missing = api_as(agent_alice).get("/api/v1/cases/999999")
    assert hidden.status_code == missing.status_code == 404
    assert hidden.json["error"]["code"] == missing.json["error"]["code"]
    assert api_as(agent_alice).post(f"/api/v1/cases/{case.id}/claim").status_code == 404


def test_case_list_shows_only_visible_cases_with_cursor_pages(
    api_as: Any, agent_alice: Any
) -> None:
    queue = make_queue()
    ids = [make_case(queue).id for _ in range(5)]
    client = api_as(agent_alice)
    first = client.get("/api/v1/cases?limit=2&order=newest").json
    assert [c["id"] for c in first["items"]] == sorted(ids, reverse=True)[:2]
    second = client.get(f"/api/v1/cases?limit=2&order=newest&cursor={first['next_cursor']}").json
    assert [c["id"] for c in second["items"]] == sorted(ids, reverse=True)[2:4]
    assert client.get("/api/v1/cases?cursor=%%%").status_code == 422
