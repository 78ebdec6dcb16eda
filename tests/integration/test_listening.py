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
