"""SLA clocks on real cases: due times, warnings, breach actions, pauses, policy edits."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import func, select

from inbox.models import Case, CaseEvent, SlaPolicy, utcnow
from inbox.services import unit_of_work
from inbox.services.sla import clocks as sla
from inbox.services.sla.sweep import sweep
from tests.conftest import LiveProcess, process_env
from tests.factories import make_case, make_queue

ONE_HOUR = {"first_response": 600, "next_response": 1200, "resolution": 3600}
TARGETS = {"1": ONE_HOUR, "2": ONE_HOUR}


def make_policy(**fields: Any) -> SlaPolicy:
    with unit_of_work() as session:
        policy = SlaPolicy(name=fields.pop("name", "Standard"), targets=TARGETS,
                           warn_ratio=0.75, **fields)
        session.add(policy)
        session.flush()
        return policy


def started_case(policy: SlaPolicy, created_ago: timedelta, **fields: Any) -> Case:
    queue = make_queue(fields.pop("queue_name", "Social care"))
    fields.setdefault("priority", 1)
    case = make_case(queue, sla_policy_id=policy.id, created_at=utcnow() - created_ago,
                     **fields)
    with unit_of_work() as session:
        loaded = session.get(Case, case.id)
        assert loaded is not None
        sla.start_clocks(session, loaded, loaded.created_at)
        return loaded


def reload(case_id: int) -> Case:
    with unit_of_work() as session:
        case = session.get(Case, case_id)
        assert case is not None
        return case


def events(case_id: int, kind: str) -> list[CaseEvent]:
    with unit_of_work() as session:
        return list(session.scalars(select(CaseEvent).where(
            CaseEvent.case_id == case_id, CaseEvent.kind == kind)))


def test_new_case_gets_due_times_and_a_warning_moment(runtime: Any) -> None:
    case = started_case(make_policy(), timedelta(0))
    assert case.first_response_due_at == case.created_at + timedelta(seconds=600)
    assert case.resolution_due_at == case.created_at + timedelta(seconds=3600)
    assert case.sla_due_at == case.first_response_due_at
    assert case.sla_warn_at == case.created_at + timedelta(seconds=450)


def test_sweep_warns_once_at_the_warning_share(runtime: Any, captured_events: list[Any]) -> None:
    case = started_case(make_policy(), timedelta(seconds=500))  # 83 % of 600 s
    assert sweep() == 1
    assert sweep() == 0
    assert reload(case.id).sla_warned_at is not None
    assert len(events(case.id, "sla_warning")) == 1
    warning = next(e for e in captured_events if e.name == "sla.warning")
    assert warning.payload["target"] == "first_response"
    assert "supervisors" in warning.rooms


def test_breach_runs_the_policys_actions(runtime: Any, captured_events: list[Any]) -> None:
    tier2 = make_queue("Tier 2")
    policy = make_policy(breach_actions=[{"action": "escalate"}, {"action": "raise_priority"},
                                         {"action": "move_queue", "queue_id": tier2.id},
                                         {"action": "notify"}])
    case = started_case(policy, timedelta(seconds=700), priority=2)
    sweep()
    after = reload(case.id)
    assert after.sla_breached_at is not None
    assert after.escalation_level == 1
    assert after.priority == 1
    assert after.queue_id == tier2.id
    assert [e.name for e in captured_events].count("sla.breached") == 1


def test_two_concurrent_sweeps_never_double_escalate(runtime: Any) -> None:
    policy = make_policy(breach_actions=[{"action": "escalate"}, {"action": "notify"}])
    queue = make_queue()
    ids = []
    for _ in range(40):
        case = make_case(queue, priority=1, sla_policy_id=policy.id,
                         created_at=utcnow() - timedelta(hours=2))
        ids.append(case.id)
    with unit_of_work() as session:
        for case in session.scalars(select(Case)):
            sla.start_clocks(session, case, case.created_at)
    script = ("from inbox import runtime; runtime.start()\n"
              "from inbox.services.sla.sweep import sweep\n"
              "import time\n"
              "for _ in range(5): sweep(); time.sleep(0.05)\n")
    sweepers = [LiveProcess.script(script, process_env(runtime)).start() for _ in range(2)]
    for sweeper in sweepers:
        assert sweeper.wait(timeout=120) == 0, sweeper.output()
    with unit_of_work() as session:
        levels = set(session.scalars(select(Case.escalation_level)))
        breaches = session.scalar(select(func.count(CaseEvent.id)).where(
            CaseEvent.kind == "sla_breach"))
        escalations = session.scalar(select(func.count(CaseEvent.id)).where(
            CaseEvent.kind == "escalate"))
    assert levels == {1}
    assert breaches == escalations == 40


def test_first_response_is_recorded_and_judged(runtime: Any) -> None:
    case = started_case(make_policy(), timedelta(seconds=300))
    with unit_of_work() as session:
        loaded = session.get(Case, case.id)
        assert loaded is not None
        sla.agent_responded(session, loaded, utcnow())
    after = reload(case.id)
    assert after.first_response_met is True
    assert 290 <= (after.first_response_seconds or 0) <= 330
    assert after.sla_due_at == after.resolution_due_at


def test_pending_time_moves_the_clocks_back(runtime: Any, client: Any) -> None:
    case = started_case(make_policy(), timedelta(seconds=60))
    before = reload(case.id)
    with unit_of_work() as session:
        loaded = session.get(Case, case.id)
        assert loaded is not None
        sla.shift_for_pause(loaded, timedelta(minutes=20))
    after = reload(case.id)
    assert after.resolution_due_at == before.resolution_due_at + timedelta(minutes=20)
    assert after.sla_warn_at == before.sla_warn_at + timedelta(minutes=20)


def test_editing_a_policy_recomputes_open_cases(
    runtime: Any, api_as: Any, admin_ada: Any
) -> None:
    policy = make_policy()
    case = started_case(policy, timedelta(seconds=60))
    resolved = started_case(policy, timedelta(seconds=60), queue_name="Other",
                            status="resolved")
    response = api_as(admin_ada).patch(f"/api/v1/sla-policies/{policy.id}", json={
        "targets": {"1": {"first_response": 1800, "resolution": 7200}}})
    assert response.status_code == 200
    assert response.json["recomputed_cases"] == 1
    after = reload(case.id)
    assert after.first_response_due_at == after.created_at + timedelta(seconds=1800)
    assert reload(resolved.id).first_response_due_at == resolved.first_response_due_at


@pytest.mark.parametrize(("body", "field"), [
    ({"targets": {"9": {"resolution": 60}}}, "targets.9"),
    ({"targets": {"1": {"resolution": -5}}}, "targets.1.resolution"),
    ({"warn_ratio": 1.5}, "warn_ratio"),
    ({"breach_actions": [{"action": "panic"}]}, "breach_actions.0"),
])
def test_bad_policy_is_422_naming_the_field(
    api_as: Any, admin_ada: Any, body: dict[str, Any], field: str
) -> None:
    policy = make_policy()
    response = api_as(admin_ada).patch(f"/api/v1/sla-policies/{policy.id}", json=body)
    assert response.status_code == 422
    assert field in response.json["error"]["fields"]


def test_business_hours_calendar_puts_due_times_in_open_time(
    runtime: Any, api_as: Any, admin_ada: Any
) -> None:
    client = api_as(admin_ada)
    calendar = client.post("/api/v1/calendars", json={
        "name": "UK office", "timezone": "Europe/London",
        "weekly_hours": {"mon": [["09:00", "17:00"]], "tue": [["09:00", "17:00"]]}}).json
    policy = client.post("/api/v1/sla-policies", json={
        "name": "Office", "calendar_id": calendar["id"],
        "targets": {"1": {"first_response": 3600}}}).json
    from datetime import UTC, datetime

    friday_evening = datetime(2026, 11, 27, 18, 0, tzinfo=UTC)
    case = make_case(make_queue(), priority=1, sla_policy_id=policy["id"],
                     created_at=friday_evening)
    with unit_of_work() as session:
        loaded = session.get(Case, case.id)
        assert loaded is not None
        sla.start_clocks(session, loaded, friday_evening)
    assert reload(case.id).first_response_due_at == datetime(2026, 11, 30, 10, 0, tzinfo=UTC)
    bad = client.post("/api/v1/calendars", json={"name": "x", "timezone": "Mars/Base",
                                                 "weekly_hours": {"funday": []}})
    assert bad.status_code == 422
    assert {"timezone", "weekly_hours.funday"} <= set(bad.json["error"]["fields"])
