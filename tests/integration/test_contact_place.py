"""Correcting where a contact is: the person's word wins over every guess, and is audited."""

from __future__ import annotations

import time
from typing import Any

import pytest
from sqlalchemy import select

from inbox.models import AdminChange, Contact
from inbox.services import unit_of_work
from inbox.services.ingest.drain import drain
from tests.factories import make_queue
from tests.signing import compact, x_headers


def x_mention(tweet_id: str, location: str) -> dict[str, Any]:
    return {"for_user_id": "9999", "tweet_create_events": [{
        "id_str": tweet_id, "text": "@AcmeSupport my parcel is late, where is it?",
        "created_at": time.strftime("%a %b %d %H:%M:%S +0000 %Y", time.gmtime()),
        "entities": {"user_mentions": [{"screen_name": "AcmeSupport", "id_str": "9999"}]},
        "user": {"id_str": "77", "name": "Kim", "screen_name": "kim", "location": location}}]}


@pytest.fixture
def located(client: Any, runtime: Any) -> int:
    """A contact who came in from X saying they are in Berlin; their id."""
    from tests.fakes.conversations import connect_channel

    make_queue("Social care")
    connect_channel("x", "9999")
    body = compact(x_mention("1", "Berlin"))
    assert client.post("/webhooks/x", data=body, headers=x_headers(body)).status_code == 200
    drain()
    with unit_of_work() as session:
        return session.scalars(select(Contact.id)).one()


def test_the_contact_shows_the_guessed_country_region_and_source(
    api_as: Any, agent_alice: Any, located: int
) -> None:
    contact = api_as(agent_alice).get(f"/api/v1/contacts/{located}").json
    assert (contact["country"], contact["country_name"], contact["region"],
            contact["subdivision"], contact["location_source"]) == (
        "DE", "Germany", "DACH", "DE-BE", "profile")


def test_an_agents_correction_wins_over_later_guesses_and_is_audited(
    client: Any, api_as: Any, agent_alice: Any, located: int
) -> None:
    answer = api_as(agent_alice).put(f"/api/v1/contacts/{located}/place",
                                     json={"country": "at", "subdivision": "AT-9"})
    assert answer.status_code == 200
    assert (answer.json["country"], answer.json["region"], answer.json["subdivision"],
            answer.json["location_source"]) == ("AT", "DACH", "AT-9", "agent")
    body = compact(x_mention("2", "Hamburg, Germany"))  # the profile says otherwise later
    client.post("/webhooks/x", data=body, headers=x_headers(body))
    drain()
    with unit_of_work() as session:
        contact = session.get(Contact, located)
        assert contact is not None and contact.location == "Hamburg, Germany"
        assert (contact.country, contact.location_source) == ("AT", "agent")
        change = session.scalars(select(AdminChange).where(
            AdminChange.action == "contact.place")).one()
        assert change.actor == "alice@example.com" and change.target_id == located
        assert change.changes["country"] == ["DE", "AT"]
        assert change.changes["location_source"] == ["profile", "agent"]


def test_clearing_the_correction_goes_back_to_the_guess(
    api_as: Any, supervisor_sam: Any, located: int
) -> None:
    client = api_as(supervisor_sam)
    client.put(f"/api/v1/contacts/{located}/place", json={"country": "FR"})
    back = client.put(f"/api/v1/contacts/{located}/place", json={"country": None})
    assert back.status_code == 200
    assert (back.json["country"], back.json["location_source"]) == ("DE", "profile")


@pytest.mark.parametrize(("body", "field"), [
    ({"country": "Germany"}, "country"),
    ({"country": "XX"}, "country"),
    ({"country": "DE", "subdivision": "FR-75C"}, "subdivision"),
    ({"country": None, "subdivision": "DE-BY"}, "subdivision"),
    ({"subdivision": "DE-BY"}, "country"),
])
def test_a_bad_correction_is_422_naming_the_field_and_changes_nothing(
    api_as: Any, agent_alice: Any, located: int, body: dict[str, Any], field: str
) -> None:
    answer = api_as(agent_alice).put(f"/api/v1/contacts/{located}/place", json=body)
    assert answer.status_code == 422 and field in answer.json["error"]["fields"]
    with unit_of_work() as session:
        contact = session.get(Contact, located)
        assert contact is not None and (contact.country, contact.location_source) == (
            "DE", "profile")
        assert session.scalars(select(AdminChange).where(
            AdminChange.action == "contact.place")).first() is None


def test_correcting_a_contact_that_does_not_exist_is_404(
    api_as: Any, supervisor_sam: Any
) -> None:
    assert api_as(supervisor_sam).put("/api/v1/contacts/999999/place",
                                      json={"country": "DE"}).status_code == 404


def test_the_geography_list_names_every_country_with_its_region(
    api_as: Any, agent_alice: Any
) -> None:
    answer = api_as(agent_alice).get("/api/v1/geography").json
    germany = next(c for c in answer["countries"] if c["code"] == "DE")
    assert germany == {"code": "DE", "name": "Germany", "region": "DACH"}
    assert {"name": "DACH", "countries": ["DE", "AT", "CH", "LI"]} in answer["regions"]
    assert len(answer["countries"]) > 240


def test_erasing_a_contact_forgets_where_they_are(
    api_as: Any, admin_ada: Any, located: int
) -> None:
    answer = api_as(admin_ada).post(f"/api/v1/contacts/{located}/erase",
                                    json={"confirm": "erase"})
    assert answer.status_code == 200
    with unit_of_work() as session:
        contact = session.get(Contact, located)
        assert contact is not None and contact.country is None and contact.region is None
