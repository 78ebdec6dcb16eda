"""Listening: the watch list, the monitored stream, promotion to a case."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from inbox.models import Case, Message
from inbox.services import unit_of_work
from inbox.services.ingest.drain import drain
from tests.factories import make_channel, make_queue
from tests.signing import compact, generic_headers


def mention(client: Any, channel_id: int, item_id: str, text: str) -> None:
    body = compact({"id": item_id, "type": "mention", "text": text,
                    "author": {"id": f"a-{item_id}", "handle": "someone"}})
    client.post(f"/webhooks/generic/{channel_id}", data=body,
                headers=generic_headers(body, "listen-secret"))


def test_watch_terms_are_managed_by_supervisors(
    api_as: Any, supervisor_sam: Any, agent_alice: Any
) -> None:
    client = api_as(supervisor_sam)
    created = client.post("/api/v1/watch-terms", json={"term": "#AcmeFail"})
    assert created.status_code == 201
    assert client.post("/api/v1/watch-terms", json={"term": "#AcmeFail"}).status_code == 409
    assert [t["term"] for t in client.get("/api/v1/watch-terms").json] == ["#AcmeFail"]
    assert api_as(agent_alice).get("/api/v1/watch-terms").status_code == 403
    assert client.delete(f"/api/v1/watch-terms/{created.json['id']}").status_code == 204


def test_watched_term_is_recorded_on_the_message(
    client: Any, api_as: Any, supervisor_sam: Any
) -> None:
    make_queue()
    channel = make_channel("generic", "Listening tool", secret="listen-secret")
    api_as(supervisor_sam).post("/api/v1/watch-terms", json={"term": "#AcmeFail"})
    mention(client, channel.id, "m1", "Lovely day at the #AcmeFail meetup, great talks")
    drain()
    with unit_of_work() as session:
        message = session.scalars(select(Message)).one()
    assert message.facts["watch_terms"] == ["#AcmeFail"]


def test_monitored_stream_is_searchable_and_promotable(
    client: Any, api_as: Any, supervisor_sam: Any
) -> None:
    make_queue("Social care")
    channel = make_channel("generic", "Listening tool", secret="listen-secret")
    mention(client, channel.id, "m1", "Just saw the new Acme shop opening downtown")
    mention(client, channel.id, "m2", "Acme sponsors the marathon this year")
    drain()
    sup = api_as(supervisor_sam)
    found = sup.get("/api/v1/monitored?q=marathon").json
    assert [m["external_id"] for m in found] == ["m2"]
    promoted = sup.post(f"/api/v1/monitored/{found[0]['id']}/promote")
    assert promoted.status_code == 201 and promoted.json["status"] == "queued"
    assert sup.post(f"/api/v1/monitored/{found[0]['id']}/promote").status_code == 404
    assert [m["external_id"] for m in sup.get("/api/v1/monitored").json] == ["m1"]
    with unit_of_work() as session:
        case = session.scalars(select(Case)).one()
    assert "listening" in case.tags


def _post(client: Any, channel_id: int, item_id: str, text: str, **author: Any) -> None:
    body = compact({"id": item_id, "type": "mention", "text": text,
                    "author": {"id": f"a-{item_id}", "handle": f"h-{item_id}",
                               "name": f"Author {item_id}", **author}})
    client.post(f"/webhooks/generic/{channel_id}", data=body,
                headers=generic_headers(body, "listen-secret"))


def test_trends_count_volume_sentiment_hashtags_terms_and_complainers(
    client: Any, api_as: Any, supervisor_sam: Any, agent_alice: Any
) -> None:
    make_queue("Social care")
    channel = make_channel("generic", "Listening tool", secret="listen-secret")
    sup = api_as(supervisor_sam)
    sup.post("/api/v1/watch-terms", json={"term": "blender"})
    _post(client, channel.id, "t1", "My blender broke, awful, refund now #AcmeFail",
          followers=2_000_000, verified=True)
    _post(client, channel.id, "t2", "Blender exploded, terrible #acmefail #Kitchen",
          followers=50)
    _post(client, channel.id, "t3", "Lovely kettle from Acme #Kitchen #acmefail")
    drain()
    trends = sup.get("/api/v1/listening/trends?hours=2")
    assert trends.status_code == 200, trends.json
    figures = trends.json
    assert sum(v["count"] for v in figures["volume"]) == 3
    assert {v["channel_id"] for v in figures["volume"]} == {channel.id}
    assert sum(s["count"] for s in figures["sentiment"]) == 3
    assert figures["hashtags"][:2] == [{"tag": "acmefail", "count": 3},
                                       {"tag": "kitchen", "count": 2}]
    assert figures["terms"] == [{"term": "blender", "count": 2}]
    complainers = figures["complainers_today"]
    assert [c["name"] for c in complainers] == ["Author t1", "Author t2"]
    assert complainers[0]["influence"] > complainers[1]["influence"]
    assert sup.get("/api/v1/listening/trends?hours=0").status_code == 422
    assert sup.get("/api/v1/listening/trends?days=1").status_code == 422
    assert api_as(agent_alice).get("/api/v1/listening/trends").status_code == 403


def test_monitored_stream_filters_by_sentiment_language_channel_and_influence(
    client: Any, api_as: Any, supervisor_sam: Any
) -> None:
    make_queue("Social care")
    channel = make_channel("generic", "Listening tool", secret="listen-secret")
    other = make_channel("generic", "Forum", secret="listen-secret")
    _post(client, channel.id, "f1", "Acme has a stand in hall four today")
    _post(client, channel.id, "f2", "Acme shop is wonderful, lovely staff",
          followers=3_000_000, verified=True)
    _post(client, other.id, "f3", "Acme opened a shop in town")
    drain()
    sup = api_as(supervisor_sam)

    def ids(query: str) -> list[str]:
        found = sup.get(f"/api/v1/monitored?{query}")
        assert found.status_code == 200, found.json
        return [m["external_id"] for m in found.json]

    assert ids(f"channel_id={other.id}") == ["f3"]
    assert ids("sentiment=positive") == ["f2"]
    assert ids("influence_min=50") == ["f2"]
    assert ids("term=hall") == ["f1"]
    assert ids("language=zz") == []
    assert sup.get("/api/v1/monitored?sentiment=angry").status_code == 422
    assert sup.get("/api/v1/monitored?colour=red").status_code == 422
