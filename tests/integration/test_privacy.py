"""Data protection: everything held about a person in one export; erasing a person keeps
the contact centre's figures and nothing of theirs; messages and raw deliveries are kept
no longer than their retention."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

from sqlalchemy import select

from inbox.models import (
    AdminChange,
    Case,
    Contact,
    ContactIdentity,
    Delivery,
    EventDelivery,
    EventSubscription,
    Message,
    utcnow,
)
from inbox.services import unit_of_work
from inbox.services.contacts.privacy import retention_sweep
from tests.factories import make_queue
from tests.fakes.conversations import connect_channel, seed_conversation


def a_conversation(agent: Any) -> Any:
    channel = connect_channel("x", "2244994945", name="Brand on X")
    seeded = seed_conversation(channel, external_id="t-1", thread_key="x:conv:t-1",
                               visibility="public", kind="mention", customer_id="17",
                               text="My card was charged twice", queue=make_queue(),
                               status="assigned", assignee_id=agent.user.id, priority=2)
    assert agent.post(f"/api/v1/cases/{seeded.case_id}/notes",
                      json={"text": "Customer is Zoë from Lyon"}).status_code == 201
    with unit_of_work() as session:
        delivery = Delivery(provider="x", headers={}, body=b'{"text":"My card was charged"}',
                            content_type="application/json", verified=True, state="processed",
                            outcome={}, attempts=1, received_at=utcnow())
        session.add(delivery)
        session.flush()
        message = session.get(Message, seeded.message_id)
        assert message is not None
        message.delivery_id = delivery.id
    return seeded


def test_a_supervisor_exports_everything_held_about_a_contact(
        api_as: Any, agent_alice: Any, supervisor_sam: Any) -> None:
    seeded = a_conversation(api_as(agent_alice))
    answer = api_as(supervisor_sam).get(f"/api/v1/contacts/{seeded.contact_id}/export")
    assert answer.status_code == 200
    assert "attachment" in answer.headers["Content-Disposition"]
    held = json.loads(answer.get_data())
    assert held["contact"]["display_name"] == "Zoë Martin"
    assert held["identities"] == [{"kind": "x", "external_id": "17", "handle": None}]
    assert [m["text"] for m in held["messages"]] == ["My card was charged twice"]
    [case] = held["cases"]
    assert any(e["kind"] == "note" and e["data"]["text"] == "Customer is Zoë from Lyon"
               for e in case["events"])
    assert api_as(agent_alice).get(
        f"/api/v1/contacts/{seeded.contact_id}/export").status_code == 403
    assert api_as(supervisor_sam).get("/api/v1/contacts/999999/export").status_code == 404


def test_erasing_a_contact_keeps_the_figures_and_nothing_of_theirs(
        api_as: Any, agent_alice: Any, supervisor_sam: Any, admin_ada: Any) -> None:
    seeded = a_conversation(api_as(agent_alice))
    url = f"/api/v1/contacts/{seeded.contact_id}/erase"
    assert api_as(supervisor_sam).post(url, json={"confirm": "erase"}).status_code == 403
    assert "confirm" in api_as(admin_ada).post(url, json={}).json["error"]["fields"]
    erased = api_as(admin_ada).post(url, json={"confirm": "erase"})
    assert erased.status_code == 200, erased.json
    assert erased.json == {"messages": 1, "notes": 1, "cases": 1, "identities": 1}
    with unit_of_work() as session:
        contact = session.get(Contact, seeded.contact_id)
        assert contact is not None and contact.display_name.startswith("Erased contact")
        assert contact.email is None and contact.location is None
        assert list(session.scalars(select(ContactIdentity))) == []
        [message] = session.scalars(select(Message))
        assert message.text == "[erased]" and message.facts == {}
        [delivery] = session.scalars(select(Delivery))
        assert delivery.body == b""
        case = session.get(Case, seeded.case_id)
        assert case is not None  # the figures stay: state, priority, times
        assert (case.status, case.priority) == ("assigned", 2)
        [change] = session.scalars(select(AdminChange).where(
            AdminChange.action == "contact.erase"))
        assert change.actor == "ada@example.com" and change.target_id == seeded.contact_id
    detail = api_as(admin_ada).get(f"/api/v1/cases/{seeded.case_id}").json
    assert "Lyon" not in json.dumps(detail) and "charged twice" not in json.dumps(detail)


def test_retention_removes_old_content_of_finished_cases_and_old_deliveries(
        api_as: Any, admin_ada: Any) -> None:
    channel = connect_channel("x", "2244994945", name="Brand on X")
    patched = api_as(admin_ada).patch(f"/api/v1/channels/{channel.id}",
                                      json={"settings": {"retention_days": 30}})
    assert patched.status_code == 200, patched.json
    assert api_as(admin_ada).patch(f"/api/v1/channels/{channel.id}", json={
        "settings": {"retention_days": "a month"}}).status_code == 422
    old_done = seed_conversation(channel, external_id="t-old", thread_key="a",
                                 visibility="public", kind="mention", customer_id="1",
                                 text="Old and resolved", status="resolved",
                                 minutes_ago=40 * 24 * 60)
    old_open = seed_conversation(channel, external_id="t-open", thread_key="b",
                                 visibility="public", kind="mention", customer_id="2",
                                 text="Old but still open", minutes_ago=40 * 24 * 60)
    recent = seed_conversation(channel, external_id="t-new", thread_key="c",
                               visibility="public", kind="mention", customer_id="3",
                               text="Recent and resolved", status="resolved", minutes_ago=60)
    with unit_of_work() as session:
        for days in (40, 1):
            session.add(Delivery(provider="x", headers={}, body=b"{}", content_type="",
                                 verified=True, state="processed", outcome={}, attempts=1,
                                 received_at=utcnow() - timedelta(days=days)))
        subscription = EventSubscription(url="https://integrator.example/hooks",
                                         events=["case.created"])
        session.add(subscription)
        session.flush()
        # Old and finished goes; old but still retried, and recent, stay.
        for n, (days, status) in enumerate(((40, "delivered"), (40, "given_up"),
                                            (40, "failed"), (1, "delivered"))):
            session.add(EventDelivery(delivery_id=f"00000000-0000-4000-8000-00000000000{n}",
                                      subscription_id=subscription.id, event="case.created",
                                      payload={"subject": "Zoë's router"}, status=status,
                                      created_at=utcnow() - timedelta(days=days)))
    assert retention_sweep() == {"messages": 1, "deliveries": 1, "event_deliveries": 2}
    with unit_of_work() as session:
        texts = {m.id: m.text for m in session.scalars(select(Message))}
        assert texts[old_done.message_id].startswith("[removed")
        assert texts[old_open.message_id] == "Old but still open"
        assert texts[recent.message_id] == "Recent and resolved"
        assert len(list(session.scalars(select(Delivery)))) == 1
        assert sorted(d.status for d in session.scalars(select(EventDelivery))) == [
            "delivered", "failed"]
    assert retention_sweep() == {"messages": 0, "deliveries": 0,
                                 "event_deliveries": 0}  # nothing twice
