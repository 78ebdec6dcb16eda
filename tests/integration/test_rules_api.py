"""Routing rules over the API: validation, order, history, dry run; rules applied on ingest."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from inbox.models import Case
from inbox.services import unit_of_work
from inbox.services.ingest.drain import drain
from tests.factories import make_channel, make_queue
from tests.signing import compact, generic_headers

ANGRY_VIP = {
    "name": "Angry influencers first",
    "conditions": {"all": [{"sentiment": {"max": -0.4}}, {"followers": {"min": 10000}}]},
    "actions": [{"type": "set_queue", "queue": "Priority social"},
                {"type": "set_priority", "priority": 1}],
}


@pytest.mark.parametrize(("rule", "field"), [
    ({"name": "x", "conditions": {"sentimnet": {"max": 0}}}, "conditions.sentimnet"),
    ({"name": "x", "conditions": {"sentiment": "low"}}, "conditions.sentiment"),
    ({"name": "x", "conditions": {"any": [{"regex": "(["}]}}, "conditions.any.0.regex"),
    ({"name": "x", "conditions": {"all": []}}, "conditions.all"),
    ({"name": "x", "actions": [{"type": "set_priority", "priority": 9}]}, "actions.0.priority"),
    ({"name": "x", "actions": [{"type": "teleport"}]}, "actions.0"),
    ({"name": "x", "actions": [{"type": "set_queue"}]}, "actions.0.queue_id"),
    ({"conditions": {}}, "name"),
])
def test_bad_rule_is_422_naming_the_field_at_fault(
    api_as: Any, supervisor_sam: Any, rule: dict[str, Any], field: str
) -> None:
    response = api_as(supervisor_sam).post("/api/v1/rules", json=rule)
    assert response.status_code == 422
    assert field in response.json["error"]["fields"]


def test_agents_cannot_manage_rules(api_as: Any, agent_alice: Any) -> None:
    assert api_as(agent_alice).get("/api/v1/rules").status_code == 403
    assert api_as(agent_alice).post("/api/v1/rules", json=ANGRY_VIP).status_code == 403


def test_rule_changes_are_versioned_with_history(api_as: Any, supervisor_sam: Any) -> None:
    client = api_as(supervisor_sam)
    created = client.post("/api/v1/rules", json=ANGRY_VIP).json
    changed = client.patch(f"/api/v1/rules/{created['id']}",
                           json={"enabled": False, "version": 1})
    assert changed.status_code == 200 and changed.json["version"] == 2
    stale = client.patch(f"/api/v1/rules/{created['id']}", json={"name": "y", "version": 1})
    assert stale.status_code == 409
    history = client.get(f"/api/v1/rules/{created['id']}/history").json
    assert [h["version"] for h in history] == [1, 2]
    assert history[0]["snapshot"]["enabled"] is True
    assert history[1]["snapshot"]["enabled"] is False
    assert history[1]["changed_by_id"] == supervisor_sam.id


def test_rules_are_listed_in_position_order(api_as: Any, supervisor_sam: Any) -> None:
    client = api_as(supervisor_sam)
    client.post("/api/v1/rules", json={**ANGRY_VIP, "name": "second", "position": 20})
    client.post("/api/v1/rules", json={**ANGRY_VIP, "name": "first", "position": 10})
    assert [r["name"] for r in client.get("/api/v1/rules").json] == ["first", "second"]


def test_dry_run_shows_matches_and_the_outcome_without_writing(
    api_as: Any, supervisor_sam: Any
) -> None:
    make_queue("Social care")
    vip = make_queue("Priority social")
    client = api_as(supervisor_sam)
    client.post("/api/v1/rules", json=ANGRY_VIP)
    result = client.post("/api/v1/rules/dry-run", json={"message": {
        "text": "This is the worst service ever, I am furious", "channel_kind": "x",
        "author": {"followers": 250000, "verified": True}}}).json
    assert [m["name"] for m in result["matched"]] == ["Angry influencers first"]
    assert result["decision"]["queue_id"] == vip.id
    assert result["decision"]["priority"] == 1
    calm = client.post("/api/v1/rules/dry-run", json={"message": {
        "text": "Thanks, all sorted!", "author": {"followers": 250000}}}).json
    assert calm["matched"] == []
    with unit_of_work() as session:
        assert session.scalars(select(Case)).all() == []


def test_dry_run_tries_an_unsaved_draft_first(api_as: Any, supervisor_sam: Any) -> None:
    make_queue("Social care")
    result = api_as(supervisor_sam).post("/api/v1/rules/dry-run", json={
        "message": {"text": "Your app has an outage again"},
        "rule": {"name": "outage draft", "conditions": {"keywords": ["outage"]},
                 "actions": [{"type": "add_tags", "tags": ["outage"]}]}}).json
    assert result["matched"] == [{"id": None, "name": "outage draft"}]
    assert result["decision"]["tags"] == ["outage"]


def test_stored_rule_routes_an_ingested_message(
    client: Any, api_as: Any, supervisor_sam: Any
) -> None:
    make_queue("Social care")
    vip = make_queue("Priority social")
    channel = make_channel("generic", "Forum", secret="forum-secret")
    api_as(supervisor_sam).post("/api/v1/rules", json=ANGRY_VIP)
    body = compact({"id": "p1", "type": "post", "text": "Worst company ever. Furious!",
                    "author": {"id": "star", "followers": 900000, "verified": True},
                    "metadata": {"addressed_to_us": True}})
    client.post(f"/webhooks/generic/{channel.id}", data=body,
                headers=generic_headers(body, "forum-secret"))
    drain()
    with unit_of_work() as session:
        case = session.scalars(select(Case)).one()
    assert case.queue_id == vip.id and case.priority == 1


def test_demo_rules_escalate_crisis_words(client: Any, runtime: Any) -> None:
    from inbox.services.admin.workspace import do_create_demo_workspace

    with unit_of_work() as session:
        demo = do_create_demo_workspace(session)
        generic = next(c for c in demo.channels if c.kind == "generic")
        secret = generic.secrets["signing_secret"]
        generic_id = generic.id
    body = compact({"id": "r1", "type": "review", "text": "Your data breach leaked my card",
                    "author": {"id": "a1"}})
    client.post(f"/webhooks/generic/{generic_id}", data=body,
                headers=generic_headers(body, secret))
    drain()
    with unit_of_work() as session:
        case = session.scalars(select(Case)).one()
    assert case.escalation_level == 1 and case.priority == 1 and "crisis" in case.tags


def test_outside_business_hours_rule_uses_the_workspace_calendar(
    client: Any, api_as: Any, supervisor_sam: Any, admin_ada: Any
) -> None:
    make_queue("Social care")
    night = make_queue("Night desk")
    channel = make_channel("generic", "Forum", secret="forum-secret")
    api_as(admin_ada).post("/api/v1/calendars", json={
        "name": "Never open", "timezone": "UTC", "weekly_hours": {"sun": [["00:00", "00:01"]]},
        "holidays": []})
    api_as(supervisor_sam).post("/api/v1/rules", json={
        "name": "After hours", "conditions": {"business_hours": False},
        "actions": [{"type": "set_queue", "queue": "Night desk"}]})
    body = compact({"id": "p1", "type": "review", "text": "Help please, it broke",
                    "author": {"id": "a"}, "created_at": "2026-11-25T12:00:00Z"})
    client.post(f"/webhooks/generic/{channel.id}", data=body,
                headers=generic_headers(body, "forum-secret"))
    drain()
    with unit_of_work() as session:
        case = session.scalars(select(Case)).one()
    assert case.queue_id == night.id  # a Wednesday noon is outside Sunday's only minute
