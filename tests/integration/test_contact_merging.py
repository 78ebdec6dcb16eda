"""Merging two contacts over HTTP: identities move, cases follow, facts combine, recorded."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from inbox.models import AdminChange, Case, CaseEvent, Contact, ContactIdentity, Message
from inbox.services import unit_of_work
from tests.factories import make_case, make_channel, make_queue


def _person(name: str, identity: tuple[str, str, str], **facts: Any) -> int:
    with unit_of_work() as session:
        contact = Contact(display_name=name, **facts)
        contact.identities.append(ContactIdentity(kind=identity[0], external_id=identity[1],
                                                  handle=identity[2]))
        session.add(contact)
        session.flush()
        return contact.id


@pytest.fixture
def two_of_one_person() -> tuple[int, int, int]:
    """Dana on X (@dana_x, a handle for a name) and Dana by email; a case of the X one."""
    on_x = _person("@dana_x", ("x", "777", "dana_x"), followers=900, tags=["vip"],
                   location="Leeds")
    by_email = _person("Dana Smith", ("email", "dana@example.com", None),
                       email="dana@example.com", followers=3, tags=["billing"])
    channel = make_channel("x", "Brand on X", "4242")
    case = make_case(make_queue(), contact_id=on_x, channel_id=channel.id)
    with unit_of_work() as session:
        session.add(Message(channel_id=channel.id, external_id="m1", case_id=case.id,
                            contact_id=on_x, direction="in", visibility="public",
                            kind="comment", text="hello"))
    return on_x, by_email, case.id


def test_merge_moves_identities_and_cases_and_combines_the_facts(
    api_as: Any, supervisor_sam: Any, two_of_one_person: tuple[int, int, int],
) -> None:
    on_x, by_email, case_id = two_of_one_person
    response = api_as(supervisor_sam).post(f"/api/v1/contacts/{on_x}/merge",
                                           json={"into_contact_id": by_email})
    assert response.status_code == 200, response.json
    body = response.json
    assert body["id"] == by_email and body["display_name"] == "Dana Smith"
    assert body["email"] == "dana@example.com" and body["location"] == "Leeds"
    assert body["followers"] == 900 and body["tags"] == ["billing", "vip"]
    assert sorted(i["kind"] for i in body["identities"]) == ["email", "x"]
    assert [c["id"] for c in body["cases"]] == [case_id]
    assert [t["text"] for t in body["timeline"]] == ["hello"]
    with unit_of_work() as session:
        assert session.get(Contact, on_x) is None
        case = session.get(Case, case_id)
        assert case is not None and case.contact_id == by_email
        [event] = session.scalars(select(CaseEvent).where(CaseEvent.case_id == case_id,
                                                          CaseEvent.kind == "contact_merged"))
        assert event.actor_id == supervisor_sam.id
        assert event.data == {"from_contact_id": on_x, "into_contact_id": by_email}
        [change] = session.scalars(select(AdminChange).where(
            AdminChange.action == "contact.merge"))
        assert change.target_id == by_email and change.changes["merged_contact"] == [on_x, None]
    assert api_as(supervisor_sam).get(f"/api/v1/contacts/{on_x}").status_code == 404


def test_agents_may_not_merge_contacts(
    api_as: Any, agent_alice: Any, two_of_one_person: tuple[int, int, int],
) -> None:
    on_x, by_email, _ = two_of_one_person
    response = api_as(agent_alice).post(f"/api/v1/contacts/{on_x}/merge",
                                        json={"into_contact_id": by_email})
    assert response.status_code == 403
    with unit_of_work() as session:
        assert session.get(Contact, on_x) is not None


@pytest.mark.parametrize(("body", "status"), [
    ({}, 422), ({"into_contact_id": "x"}, 422), ({"into_contact_id": "self"}, 422),
    ({"into_contact_id": 999_999}, 404),
])
def test_merge_input_is_checked(api_as: Any, admin_ada: Any, body: dict[str, Any], status: int,
                                two_of_one_person: tuple[int, int, int]) -> None:
    on_x, _, _ = two_of_one_person
    if body.get("into_contact_id") == "self":
        body = {"into_contact_id": on_x}
    response = api_as(admin_ada).post(f"/api/v1/contacts/{on_x}/merge", json=body)
    assert response.status_code == status, response.json
    if status == 422:
        assert "into_contact_id" in str(response.json["error"])
