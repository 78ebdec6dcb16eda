"""Crisis detection: volume against the baseline, negative high-influence bursts, the
actions on matching cases while an alert is active, and clearing (recorded)."""

from __future__ import annotations

from datetime import timedelta
from itertools import count
from typing import Any

from sqlalchemy import select

from inbox.models import AdminChange, Case, CrisisAlert, utcnow
from inbox.services import unit_of_work
from inbox.services.ingest.drain import drain
from inbox.services.listening.crisis import detect_crises
from tests.factories import make_channel, make_queue
from tests.signing import compact, generic_headers

SECRET = "crisis-secret"
_ids = count(1)


def post(client: Any, channel_id: int, text: str, *, minutes_ago: float = 0,
         followers: int = 10, verified: bool = False) -> None:
    item_id = f"c{next(_ids)}"
    body = compact({"id": item_id, "type": "mention", "text": text,
                    "created_at": (utcnow() - timedelta(minutes=minutes_ago)).isoformat(),
                    "author": {"id": f"a-{item_id}", "handle": f"h{item_id}",
                               "followers": followers, "verified": verified}})
    response = client.post(f"/webhooks/generic/{channel_id}", data=body,
                           headers=generic_headers(body, SECRET))
    assert response.status_code in (200, 202), response.data


def setup(api_as: Any, supervisor: Any, **settings: Any) -> tuple[int, int]:
    make_queue("Social care")
    crisis_queue = make_queue("Crisis")
    channel = make_channel("generic", "Forums", secret=SECRET)
    sup = api_as(supervisor)
    assert sup.post("/api/v1/watch-terms", json={"term": "blackout"}).status_code == 201
    changed = sup.patch("/api/v1/crisis/settings", json={
        "min_volume": 5, "multiple": 3, "queue_id": crisis_queue.id, "priority": 1,
        "burst_count": 100, **settings})
    assert changed.status_code == 200, changed.json
    return channel.id, crisis_queue.id


def alerts() -> list[tuple[str, str]]:
    with unit_of_work() as session:
        return [(a.subject_kind, a.subject) for a in session.scalars(
            select(CrisisAlert).order_by(CrisisAlert.id))]


def test_a_spike_over_the_baseline_raises_an_alert_for_supervisors(
        client: Any, api_as: Any, supervisor_sam: Any, captured_events: list[Any]) -> None:
    channel_id, _ = setup(api_as, supervisor_sam)
    for hour in range(1, 9):  # a steady baseline: one mention an hour
        post(client, channel_id, "the blackout documentary was good", minutes_ago=60 * hour)
    drain()
    with unit_of_work() as session:
        assert detect_crises(session) == []
    for _ in range(6):
        post(client, channel_id, "blackout again, nothing works, furious")
    drain()
    with unit_of_work() as session:
        raised = detect_crises(session)
        assert [(a.subject_kind, a.subject, a.observed) for a in raised][:1] == [
            ("term", "blackout", 6)]
    with unit_of_work() as session:
        assert detect_crises(session) == []  # active already: raised once
    sent = [e for e in captured_events if e.name == "crisis.alert"]
    assert sent and sent[0].rooms == ("supervisors",)
    assert sent[0].payload["subject"] == "blackout"
    listed = api_as(supervisor_sam).get("/api/v1/crisis/alerts?active=true").json
    assert ("term", "blackout") in [(a["subject_kind"], a["subject"]) for a in listed]


def test_no_alert_below_the_minimum_volume_or_the_multiple(
        client: Any, api_as: Any, supervisor_sam: Any) -> None:
    channel_id, _ = setup(api_as, supervisor_sam, min_volume=10)
    for _ in range(6):
        post(client, channel_id, "blackout again")
    drain()
    with unit_of_work() as session:
        assert detect_crises(session) == []  # six is under the minimum of ten
    api_as(supervisor_sam).patch("/api/v1/crisis/settings", json={"min_volume": 5,
                                                                  "multiple": 50})
    for minutes in range(20, 24 * 60, 20):  # a busy baseline: three an hour
        post(client, channel_id, "blackout talk", minutes_ago=minutes)
    drain()
    with unit_of_work() as session:
        assert detect_crises(session) == []  # six is not fifty times the usual one


def test_a_burst_of_negative_high_influence_mentions_raises_an_alert(
        client: Any, api_as: Any, supervisor_sam: Any) -> None:
    channel_id, _ = setup(api_as, supervisor_sam, burst_count=3, min_volume=1000)
    for _ in range(2):
        post(client, channel_id, "Acme is terrible, awful service, worst ever",
             followers=5_000_000, verified=True)
    post(client, channel_id, "Acme is terrible, awful service, worst ever", followers=3)
    drain()
    with unit_of_work() as session:
        assert detect_crises(session) == []  # two influential, one not: under three
    post(client, channel_id, "Acme is terrible, awful service, worst ever",
         followers=5_000_000, verified=True)
    drain()
    with unit_of_work() as session:
        assert [a.subject_kind for a in detect_crises(session)] == ["negative_burst"]


def test_new_matching_cases_get_the_actions_only_while_the_alert_is_active(
        client: Any, api_as: Any, supervisor_sam: Any) -> None:
    channel_id, crisis_queue = setup(api_as, supervisor_sam)
    for _ in range(6):
        post(client, channel_id, "@Acme blackout again, I want a refund now")
    drain()
    with unit_of_work() as session:
        raised = detect_crises(session)
        term_alert = next(a for a in raised if a.subject_kind == "term")
        assert term_alert.cases_changed >= 1  # the spike's own open cases
        alert_ids = [a.id for a in raised]
        others = [a.id for a in raised if a is not term_alert]  # the channel's own alert
    sup = api_as(supervisor_sam)
    for alert_id in others:  # only the term's alert stays active
        assert sup.post(f"/api/v1/crisis/alerts/{alert_id}/clear").status_code == 200
    post(client, channel_id, "@Acme blackout here too, refund please")
    post(client, channel_id, "@Acme my order is late, terrible, I want a refund")
    drain()
    with unit_of_work() as session:
        cases = {c.subject: c for c in session.scalars(select(Case))}
        matching = cases["@Acme blackout here too, refund please"]
        other = cases["@Acme my order is late, terrible, I want a refund"]
        assert (matching.queue_id, matching.priority) == (crisis_queue, 1)
        assert "crisis" in matching.tags
        assert other.queue_id != crisis_queue and "crisis" not in other.tags
    assert sup.post(f"/api/v1/crisis/alerts/{term_alert.id}/clear").status_code == 200
    assert sup.post(f"/api/v1/crisis/alerts/{term_alert.id}/clear").status_code == 409
    assert sup.post("/api/v1/crisis/alerts/999999/clear").status_code == 404
    post(client, channel_id, "@Acme blackout still, refund?")
    drain()
    with unit_of_work() as session:
        late = session.scalars(select(Case).where(
            Case.subject == "@Acme blackout still, refund?")).one()
        assert late.queue_id != crisis_queue and "crisis" not in late.tags
        cleared = session.scalars(select(AdminChange).where(
            AdminChange.action == "crisis_alert.clear")).all()
        assert sorted(c.target_id for c in cleared) == sorted(alert_ids)
        assert {c.actor_id for c in cleared} == {supervisor_sam.id}


def test_crisis_settings_are_checked_and_audited(
        api_as: Any, supervisor_sam: Any, agent_alice: Any) -> None:
    sup = api_as(supervisor_sam)
    assert sup.get("/api/v1/crisis/settings").json["window_minutes"] == 15
    bad = sup.patch("/api/v1/crisis/settings", json={"multiple": 0.5})
    assert bad.status_code == 422 and "multiple" in str(bad.json)
    assert sup.patch("/api/v1/crisis/settings", json={"queue_id": 999}).status_code == 422
    assert sup.get("/api/v1/crisis/alerts?bogus=1").status_code == 422
    assert api_as(agent_alice).get("/api/v1/crisis/alerts").status_code == 403
    assert sup.patch("/api/v1/crisis/settings", json={"multiple": 4}).json["multiple"] == 4
    with unit_of_work() as session:
        change = session.scalars(select(AdminChange).where(
            AdminChange.action == "crisis_settings.update")).one()
        assert change.changes["multiple"] == [3.0, 4]
