"""Geography through ingestion: a contact located from what the platform says, and routed on it."""

from __future__ import annotations

import time
from typing import Any

import pytest
from sqlalchemy import select

from inbox.models import Case, Contact
from inbox.services import unit_of_work
from inbox.services.ingest.drain import drain
from tests.factories import make_channel, make_queue
from tests.signing import compact, generic_headers, x_headers

DACH_RULE = {
    "name": "German-speaking complaints to the DACH team",
    "conditions": {"all": [{"region": ["DACH"]}, {"intent": "complaint"}]},
    "actions": [{"type": "set_queue", "queue": "DACH team"}],
}


def x_mention(tweet_id: str, text: str, user_id: str, location: str | None) -> dict[str, Any]:
    return {"for_user_id": "9999", "tweet_create_events": [{
        "id_str": tweet_id, "text": text,
        "created_at": time.strftime("%a %b %d %H:%M:%S +0000 %Y", time.gmtime()),
        "entities": {"user_mentions": [{"screen_name": "AcmeSupport", "id_str": "9999"}]},
        "user": {"id_str": user_id, "name": f"User {user_id}", "screen_name": f"u{user_id}",
                 "location": location}}]}


def case_of(session: Any, contact_location: str) -> Case:
    contact = session.scalars(select(Contact).where(Contact.location == contact_location)).one()
    return session.scalars(select(Case).where(Case.contact_id == contact.id)).one()


def test_a_complaint_from_germany_goes_to_the_dach_teams_queue(
    client: Any, api_as: Any, supervisor_sam: Any
) -> None:
    from tests.fakes.conversations import connect_channel

    default = make_queue("Social care")
    dach = make_queue("DACH team")
    connect_channel("x", "9999")
    assert api_as(supervisor_sam).post("/api/v1/rules", json=DACH_RULE).status_code == 201
    complaint = "@AcmeSupport my router stopped working again, terrible service, still broken"
    for tweet_id, user_id, location in (("1", "41", "München, Deutschland"),
                                        ("2", "42", "Austin, TX")):
        body = compact(x_mention(tweet_id, complaint, user_id, location))
        assert client.post("/webhooks/x", data=body, headers=x_headers(body)).status_code == 200
    drain()
    with unit_of_work() as session:
        german, texan = case_of(session, "München, Deutschland"), case_of(session, "Austin, TX")
        contact = session.get(Contact, german.contact_id)
        assert contact is not None
        assert (contact.country, contact.region, contact.subdivision,
                contact.location_source) == ("DE", "DACH", "DE-BY", "profile")
        assert german.queue_id == dach.id
        assert texan.queue_id == default.id


def test_a_country_rule_routes_a_review_whose_author_gives_a_location(
    client: Any, api_as: Any, supervisor_sam: Any
) -> None:
    make_queue("Social care")
    austria = make_queue("Austria desk")
    channel = make_channel("generic", "Reviews", secret="review-secret")
    api_as(supervisor_sam).post("/api/v1/rules", json={
        "name": "Austria", "conditions": {"country": ["AT"]},
        "actions": [{"type": "set_queue", "queue": "Austria desk"}]})
    body = compact({"id": "r1", "type": "review", "text": "The delivery never came",
                    "author": {"id": "kim", "location": "Wien 🇦🇹"}})
    client.post(f"/webhooks/generic/{channel.id}", data=body,
                headers=generic_headers(body, "review-secret"))
    drain()
    with unit_of_work() as session:
        case = session.scalars(select(Case)).one()
        assert case.queue_id == austria.id


def test_a_contact_without_any_hint_has_no_country_and_the_rule_does_not_match(
    client: Any, api_as: Any, supervisor_sam: Any
) -> None:
    default = make_queue("Social care")
    make_queue("DACH team")
    channel = make_channel("generic", "Reviews", secret="review-secret")
    api_as(supervisor_sam).post("/api/v1/rules", json=DACH_RULE)
    body = compact({"id": "r1", "type": "review", "text": "Terrible, it broke on day one",
                    "author": {"id": "kim", "location": "somewhere nice"}})
    client.post(f"/webhooks/generic/{channel.id}", data=body,
                headers=generic_headers(body, "review-secret"))
    drain()
    with unit_of_work() as session:
        case = session.scalars(select(Case)).one()
        contact = session.get(Contact, case.contact_id)
        assert contact is not None and contact.country is None and contact.region is None
        assert case.queue_id == default.id


@pytest.mark.parametrize(("condition", "field", "says"), [
    ({"country": ["DE", "Germany"]}, "conditions.country", "Germany"),
    ({"region": ["DACH", "Mars"]}, "conditions.region", "Mars"),
    ({"country": []}, "conditions.country", "a value"),
])
def test_unknown_country_or_region_in_a_rule_is_422_naming_it(
    api_as: Any, supervisor_sam: Any, condition: dict[str, Any], field: str, says: str
) -> None:
    response = api_as(supervisor_sam).post("/api/v1/rules", json={
        "name": "x", "conditions": condition,
        "actions": [{"type": "add_tags", "tags": ["geo"]}]})
    assert response.status_code == 422
    assert says in response.json["error"]["fields"][field]


def test_dry_run_locates_the_sample_author(api_as: Any, supervisor_sam: Any) -> None:
    make_queue("Social care")
    make_queue("DACH team")
    client = api_as(supervisor_sam)
    result = client.post("/api/v1/rules/dry-run", json={
        "message": {"text": "This is broken and I want a refund", "author": {"location": "Zürich"}},
        "rule": DACH_RULE}).json
    assert (result["facts"]["country"], result["facts"]["region"]) == ("CH", "DACH")
    assert result["matched"][0]["name"] == DACH_RULE["name"]
