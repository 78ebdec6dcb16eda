"""The editors page and the API changes behind it: who may open it, and every change an
editor makes is in the record of admin changes (GET /api/v1/audit)."""

from __future__ import annotations

from typing import Any

import pytest

from inbox.models import Case, Message
from inbox.services import unit_of_work
from tests.factories import make_channel, make_queue


@pytest.mark.parametrize(("who", "status"), [
    ("agent_alice", 403), ("supervisor_sam", 200), ("admin_ada", 200)])
def test_the_editors_page_is_for_supervisors_and_admins(
        app: Any, request: pytest.FixtureRequest, who: str, status: int) -> None:
    from tests.integration.test_signin import PASSWORD, attempt

    user, browser = request.getfixturevalue(who), app.test_client()
    assert attempt(browser, user.email, PASSWORD).status_code in (302, 303)
    page = browser.get("/editors")
    assert page.status_code == status
    assert ('id="to-editors" aria-current="page"' in page.get_data(as_text=True)) == (
        status == 200)


def test_watch_terms_say_their_kind_and_their_changes_are_recorded(
        api_as: Any, supervisor_sam: Any, admin_ada: Any) -> None:
    sam = api_as(supervisor_sam)
    tag = sam.post("/api/v1/watch-terms", json={"term": "#AcmeFail"}).json
    sam.post("/api/v1/watch-terms", json={"term": "Acme Rocket"})
    assert {t["term"]: t["kind"] for t in sam.get("/api/v1/watch-terms").json} == {
        "#AcmeFail": "hashtag", "Acme Rocket": "term"}
    assert sam.delete(f"/api/v1/watch-terms/{tag['id']}").status_code == 204
    record = api_as(admin_ada).get("/api/v1/audit?target_kind=watch_term").json
    assert [(c["action"], c["actor"], c["changes"]) for c in record] == [
        ("watch_term.delete", "sam@example.com", {"term": ["#AcmeFail", None]}),
        ("watch_term.create", "sam@example.com", {"term": [None, "Acme Rocket"]}),
        ("watch_term.create", "sam@example.com", {"term": [None, "#AcmeFail"]}),
    ]


def test_a_bad_watch_term_is_refused_naming_the_field(api_as: Any, supervisor_sam: Any) -> None:
    answer = api_as(supervisor_sam).post("/api/v1/watch-terms", json={"term": "#"})
    assert answer.status_code == 422
    assert "term" in answer.json["error"]["fields"]


def _case_with_first_message(text: str, channel: Any) -> int:
    with unit_of_work() as session:
        case = Case(queue_id=None, status="queued", subject=text[:40])
        session.add(case)
        session.flush()
        session.add(Message(channel_id=channel.id, external_id=f"m-{case.id}", case_id=case.id,
                            direction="in", visibility="public", kind="comment", text=text))
        return case.id


def test_rule_changes_are_recorded_and_an_unknown_queue_is_named(
        api_as: Any, supervisor_sam: Any, admin_ada: Any) -> None:
    sam = api_as(supervisor_sam)
    queue = make_queue("Billing")
    rule = sam.post("/api/v1/rules", json={
        "name": "Refunds", "conditions": {"keywords": ["refund"]},
        "actions": [{"type": "set_queue", "queue_id": queue.id}]}).json
    sam.patch(f"/api/v1/rules/{rule['id']}", json={"enabled": False})
    bad = sam.patch(f"/api/v1/rules/{rule['id']}", json={
        "actions": [{"type": "set_queue", "queue_id": queue.id + 999}]})
    assert bad.status_code == 422
    assert bad.json["error"]["fields"] == {"actions.0.queue_id": "unknown queue"}
    assert sam.delete(f"/api/v1/rules/{rule['id']}").status_code == 204
    record = api_as(admin_ada).get("/api/v1/audit?target_kind=rule").json
    assert [c["action"] for c in record] == ["rule.delete", "rule.edit", "rule.create"]
    assert record[1]["changes"] == {"enabled": [True, False]}
    assert record[2]["changes"]["name"] == [None, "Refunds"]
    assert {c["actor"] for c in record} == {"sam@example.com"}


def test_the_dry_run_on_recent_cases_says_which_would_match_and_what_they_get(
        api_as: Any, supervisor_sam: Any, agent_alice: Any) -> None:
    queue = make_queue("Billing")
    channel = make_channel("generic", "Forum")
    refund = _case_with_first_message("I want a refund for my broken router", channel)
    _case_with_first_message("Thanks, all good now", channel)
    draft = {"name": "Refunds", "conditions": {"keywords": ["refund"]},
             "actions": [{"type": "set_queue", "queue_id": queue.id},
                         {"type": "set_priority", "priority": 2},
                         {"type": "add_tags", "tags": ["refund"]}]}
    sam = api_as(supervisor_sam)
    results = sam.post("/api/v1/rules/dry-run/recent", json={"rule": draft}).json
    by_case = {r["case_id"]: r for r in results}
    assert len(results) == 2
    assert [r["case_id"] for r in results if r["draft_matches"]] == [refund]
    assert (by_case[refund]["queue_id"], by_case[refund]["priority"], by_case[refund]["tags"]) == (
        queue.id, 2, ["refund"])
    assert sam.get("/api/v1/rules").json == []  # nothing was saved
    assert sam.post("/api/v1/rules/dry-run/recent", json={"limit": 0}).status_code == 422
    bad = sam.post("/api/v1/rules/dry-run/recent",
                   json={"rule": {"name": "x", "conditions": {"sentimnet": {}}}})
    assert "conditions.sentimnet" in bad.json["error"]["fields"]
    assert api_as(agent_alice).post("/api/v1/rules/dry-run/recent", json={}).status_code == 403


def test_canned_response_changes_are_recorded_and_a_blank_title_is_named(
        api_as: Any, supervisor_sam: Any, admin_ada: Any) -> None:
    sam = api_as(supervisor_sam)
    made = sam.post("/api/v1/canned-responses", json={
        "title": "Refund", "body": "Your refund is on its way.", "tags": ["billing"]}).json
    sam.patch(f"/api/v1/canned-responses/{made['id']}", json={"title": "Refund sent"})
    blank = sam.patch(f"/api/v1/canned-responses/{made['id']}", json={"title": "  "})
    assert blank.status_code == 422 and "title" in blank.json["error"]["fields"]
    assert sam.delete(f"/api/v1/canned-responses/{made['id']}").status_code == 204
    record = api_as(admin_ada).get("/api/v1/audit?target_kind=canned_response").json
    assert [c["action"] for c in record] == [
        "canned_response.delete", "canned_response.edit", "canned_response.create"]
    assert record[1]["changes"] == {"title": ["Refund", "Refund sent"]}
    assert record[2]["changes"]["tags"] == [None, ["billing"]]


def test_a_calendar_takes_split_shifts_and_holidays_and_overlapping_shifts_are_named(
        api_as: Any, admin_ada: Any, supervisor_sam: Any) -> None:
    ada = api_as(admin_ada)
    split = {"mon": [["13:30", "18:00"], ["08:00", "12:00"]], "tue": [["22:00", "06:00"]]}
    calendar = ada.post("/api/v1/calendars", json={
        "name": "Support", "timezone": "Europe/London", "weekly_hours": split,
        "holidays": ["2026-12-25"]}).json
    assert calendar["weekly_hours"] == split
    overlap = ada.patch(f"/api/v1/calendars/{calendar['id']}", json={
        "weekly_hours": {"mon": [["08:00", "12:00"], ["11:30", "18:00"]]}})
    assert overlap.status_code == 422
    assert overlap.json["error"]["fields"] == {"weekly_hours.mon.1": "overlaps 08:00-12:00"}
    backwards = ada.patch(f"/api/v1/calendars/{calendar['id']}", json={"holidays": ["25/12"]})
    assert backwards.json["error"]["fields"] == {"holidays.0": "a date YYYY-MM-DD"}
    ada.patch(f"/api/v1/calendars/{calendar['id']}",
              json={"holidays": ["2026-12-25", "2026-12-26"]})
    assert api_as(supervisor_sam).patch(f"/api/v1/calendars/{calendar['id']}",
                                        json={"holidays": []}).status_code == 403
    record = ada.get("/api/v1/audit?target_kind=calendar").json
    assert [c["action"] for c in record] == ["calendar.edit", "calendar.create"]
    assert record[0]["changes"] == {"holidays": [["2026-12-25"], ["2026-12-25", "2026-12-26"]]}
    assert record[1]["changes"]["weekly_hours"] == [None, split]


def test_sla_policy_changes_are_recorded(api_as: Any, admin_ada: Any) -> None:
    ada = api_as(admin_ada)
    policy = ada.post("/api/v1/sla-policies", json={
        "name": "Standard", "targets": {"default": {"first_response": 3600}}}).json
    ada.patch(f"/api/v1/sla-policies/{policy['id']}", json={"warn_ratio": 0.5})
    unknown = ada.patch(f"/api/v1/sla-policies/{policy['id']}", json={"calendar_id": 999999})
    assert unknown.json["error"]["fields"] == {"calendar_id": "unknown calendar"}
    record = ada.get("/api/v1/audit?target_kind=sla_policy").json
    assert [c["action"] for c in record] == ["sla_policy.edit", "sla_policy.create"]
    assert record[0]["changes"] == {"warn_ratio": [0.75, 0.5]}
