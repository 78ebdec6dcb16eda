"""The audit trail: every admin change with who and when, filtered and paged
(GET /api/v1/audit), and every change of a case (GET /api/v1/cases/<id>/events)."""

from __future__ import annotations

from typing import Any

from tests.factories import make_case, make_queue


def test_the_audit_trail_filters_by_who_what_and_kind(
        api_as: Any, admin_ada: Any, supervisor_sam: Any) -> None:
    admin = api_as(admin_ada)
    admin.post("/api/v1/teams", json={"name": "Billing"})
    channel = admin.post("/api/v1/channels", json={"kind": "generic", "name": "Forum"}).json
    admin.patch(f"/api/v1/channels/{channel['id']}", json={"name": "Community forum"})
    everything = admin.get("/api/v1/audit").json
    assert [c["action"] for c in everything][:3] == ["channel.edit", "channel.create",
                                                     "team.create"]
    assert {c["action"] for c in admin.get("/api/v1/audit?action=channel").json} == {
        "channel.edit", "channel.create"}
    assert [c["action"] for c in admin.get("/api/v1/audit?target_kind=team").json] == [
        "team.create"]
    by_ada = admin.get("/api/v1/audit?actor=ada@").json[0]
    assert (by_ada["actor"], by_ada["origin"]) == ("ada@example.com", "127.0.0.1")
    assert admin.get("/api/v1/audit?actor=nobody").json == []
    newest = everything[0]["id"]
    assert all(c["id"] < newest for c in admin.get(f"/api/v1/audit?before={newest}").json)
    # Every kind a service records can be asked for (the crisis and webhook ones too).
    for kind in ("contact", "event_subscription", "event_delivery", "crisis_alert",
                 "crisis_settings"):
        assert admin.get(f"/api/v1/audit?target_kind={kind}").status_code == 200, kind
    assert admin.get("/api/v1/audit?since=yesterday").status_code == 422
    assert api_as(supervisor_sam).get("/api/v1/audit").status_code == 403


def test_a_case_events_are_its_record(api_as: Any, agent_alice: Any, agent_bob: Any) -> None:
    case = make_case(make_queue())
    alice = api_as(agent_alice)
    alice.post(f"/api/v1/cases/{case.id}/claim")
    alice.post(f"/api/v1/cases/{case.id}/resolve", json={"disposition": "answered"})
    events = alice.get(f"/api/v1/cases/{case.id}/events").json
    assert [e["kind"] for e in events][-2:] == ["claim", "resolve"]
    assert events[-1]["actor_id"] == agent_alice.id
    assert alice.get("/api/v1/cases/999999/events").status_code == 404
