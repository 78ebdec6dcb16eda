"""Merging two cases of one customer over HTTP: what moves, one SLA clock, events on
both, undo, and every refusal."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select

from inbox.models import Case, CaseEvent, Contact, ConversationThread, Message, utcnow
from inbox.services import unit_of_work
from tests.conftest import make_user
from tests.factories import make_case, make_channel, make_queue


def _contact(name: str = "Dana Customer") -> int:
    with unit_of_work() as session:
        contact = Contact(display_name=name)
        session.add(contact)
        session.flush()
        return contact.id


def _message(case: Case, external_id: str, text: str, minutes_ago: int) -> int:
    with unit_of_work() as session:
        message = Message(channel_id=case.channel_id, external_id=external_id, case_id=case.id,
                          contact_id=case.contact_id, direction="in", visibility="public",
                          kind="comment", text=text, thread_key=case.thread_key,
                          sent_at=utcnow() - timedelta(minutes=minutes_ago))
        session.add(message)
        session.flush()
        return message.id


def _thread(case: Case) -> int:
    with unit_of_work() as session:
        thread = ConversationThread(channel_id=case.channel_id, thread_key=case.thread_key,
                                    case_id=case.id)
        session.add(thread)
        session.flush()
        return thread.id


def _events(case_id: int) -> list[CaseEvent]:
    with unit_of_work() as session:
        return list(session.scalars(select(CaseEvent).where(CaseEvent.case_id == case_id)
                                    .order_by(CaseEvent.id)))


def _case(case_id: int) -> Case:
    with unit_of_work() as session:
        case = session.get(Case, case_id)
        assert case is not None
        return case


def _message_case(message_id: int) -> int | None:
    with unit_of_work() as session:
        message = session.get(Message, message_id)
        assert message is not None
        return message.case_id


class Pair:
    """Two open cases of one customer on X, each with a message, a note and a thread."""

    def __init__(self, holder: Any, **target_fields: Any) -> None:
        now = utcnow()
        queue = make_queue()
        channel = make_channel("x", "Brand on X", "4242")
        contact_id = _contact()
        common = {"channel_id": channel.id, "contact_id": contact_id}
        self.source = make_case(queue, status="assigned", assignee_id=holder.id,
                                thread_key="x:source", priority=2, tags=["billing"],
                                first_response_due_at=now + timedelta(minutes=20),
                                resolution_due_at=now + timedelta(hours=8),
                                sla_due_at=now + timedelta(minutes=20), **common)
        fields = {"first_response_due_at": now + timedelta(minutes=50),
                  "resolution_due_at": now + timedelta(hours=4),
                  "sla_due_at": now + timedelta(minutes=50), **target_fields}
        self.target = make_case(queue, status="queued", thread_key="x:target", priority=3,
                                tags=["delivery"], **common, **fields)
        self.source_message = _message(self.source, "1001", "Where is my refund?", 30)
        self.target_message = _message(self.target, "1002", "Still no parcel", 10)
        self.source_thread = _thread(self.source)
        with unit_of_work() as session:
            session.add(CaseEvent(case_id=self.source.id, kind="note", actor_id=holder.id,
                                  data={"text": "asked billing", "mentions": []}))


def _close_to(value: str | None, expected: datetime) -> bool:
    return value is not None and abs(datetime.fromisoformat(value) - expected) < timedelta(
        seconds=2)


def test_merge_moves_messages_notes_and_threads_and_records_an_event_on_both(
    api_as: Any, agent_alice: Any, captured_events: list[Any],
) -> None:
    pair = Pair(agent_alice)
    response = api_as(agent_alice).post(f"/api/v1/cases/{pair.source.id}/merge",
                                        json={"into_case_id": pair.target.id})
    assert response.status_code == 200, response.json
    assert response.json["id"] == pair.target.id
    detail = api_as(agent_alice).get(f"/api/v1/cases/{pair.target.id}").json
    assert [m["id"] for m in detail["messages"]] == [pair.source_message, pair.target_message]
    kinds = [e["kind"] for e in detail["events"]]
    assert "note" in kinds and kinds[-1] == "merged_from"
    merged_from = detail["events"][-1]
    assert merged_from["actor_id"] == agent_alice.id
    assert merged_from["data"]["from_case_id"] == pair.source.id
    assert merged_from["data"]["message_ids"] == [pair.source_message]
    source = api_as(agent_alice).get(f"/api/v1/cases/{pair.source.id}").json
    assert source["status"] == "resolved" and source["disposition"] == "merged"
    assert source["linked_case_id"] == pair.target.id and source["messages"] == []
    [merged_into] = [e for e in source["events"] if e["kind"] == "merged_into"]
    assert merged_into["actor_id"] == agent_alice.id
    assert merged_into["data"]["into_case_id"] == pair.target.id
    assert merged_into["data"]["message_ids"] == [pair.source_message]
    with unit_of_work() as session:  # the source's conversation now feeds the target
        thread = session.get(ConversationThread, pair.source_thread)
        assert thread is not None and thread.case_id == pair.target.id
    open_ids = [c["id"] for c in api_as(agent_alice).get(
        "/api/v1/cases?status=open").json["items"]]
    assert pair.source.id not in open_ids and pair.target.id in open_ids
    updated = {(e.payload["id"], e.payload["change"]) for e in captured_events
               if e.name == "case.updated"}
    assert {(pair.source.id, "merged_into"), (pair.target.id, "merged_from")} <= updated


def test_merge_keeps_one_sla_clock_with_the_earliest_due_time_of_each_target(
    api_as: Any, agent_alice: Any,
) -> None:
    pair = Pair(agent_alice)
    api_as(agent_alice).post(f"/api/v1/cases/{pair.source.id}/merge",
                             json={"into_case_id": pair.target.id})
    target = api_as(agent_alice).get(f"/api/v1/cases/{pair.target.id}").json
    source = _case(pair.source.id)
    assert _close_to(target["first_response_due_at"], pair.source.first_response_due_at)
    assert _close_to(target["resolution_due_at"], pair.target.resolution_due_at)
    assert _close_to(target["sla_due_at"], pair.source.first_response_due_at)
    assert target["priority"] == 2 and target["tags"] == ["billing", "delivery"]
    # The source's clocks stop: only the target's clock runs (and is swept).
    assert source.sla_due_at is None and source.first_response_due_at is None
    assert source.resolution_due_at is None


def test_a_first_response_stays_met_only_if_the_source_had_one_too(
    api_as: Any, agent_alice: Any,
) -> None:
    answered = utcnow() - timedelta(minutes=5)
    pair = Pair(agent_alice, first_responded_at=answered, first_response_met=True,
                first_response_due_at=None, sla_due_at=utcnow() + timedelta(hours=4))
    api_as(agent_alice).post(f"/api/v1/cases/{pair.source.id}/merge",
                             json={"into_case_id": pair.target.id})
    target = api_as(agent_alice).get(f"/api/v1/cases/{pair.target.id}").json
    assert target["first_responded_at"] is None  # the source's customer still waits
    assert _close_to(target["first_response_due_at"], pair.source.first_response_due_at)
    assert _close_to(target["sla_due_at"], pair.source.first_response_due_at)


def test_undo_puts_the_messages_back_and_reopens_the_source_as_it_was(
    api_as: Any, agent_alice: Any,
) -> None:
    pair = Pair(agent_alice)
    client = api_as(agent_alice)
    client.post(f"/api/v1/cases/{pair.source.id}/merge", json={"into_case_id": pair.target.id})
    response = client.post(f"/api/v1/cases/{pair.source.id}/unmerge")
    assert response.status_code == 200, response.json
    assert response.json["status"] == "assigned"
    assert response.json["assignee_id"] == agent_alice.id
    assert response.json["linked_case_id"] is None and response.json["disposition"] is None
    assert _close_to(response.json["sla_due_at"], pair.source.sla_due_at)
    assert _message_case(pair.source_message) == pair.source.id
    assert _message_case(pair.target_message) == pair.target.id
    source_events = [e.kind for e in _events(pair.source.id)]
    assert source_events[-2:] == ["merged_into", "unmerged"] and "note" in source_events
    target_events = [e.kind for e in _events(pair.target.id)]
    assert target_events[-2:] == ["merged_from", "merge_undone"] and "note" not in target_events
    target = _case(pair.target.id)
    assert target.priority == 3 and target.tags == ["delivery"]
    assert abs(target.first_response_due_at - pair.target.first_response_due_at
               ) < timedelta(seconds=2)
    with unit_of_work() as session:
        thread = session.get(ConversationThread, pair.source_thread)
        assert thread is not None and thread.case_id == pair.source.id
    again = client.post(f"/api/v1/cases/{pair.source.id}/unmerge")
    assert again.status_code == 409


def test_undo_after_the_window_is_refused(
    runtime: Any, api_as: Any, agent_alice: Any,
) -> None:
    pair = Pair(agent_alice)
    client = api_as(agent_alice)
    client.post(f"/api/v1/cases/{pair.source.id}/merge", json={"into_case_id": pair.target.id})
    with unit_of_work() as session:
        for event in session.scalars(select(CaseEvent).where(CaseEvent.kind == "merged_into")):
            event.created_at = utcnow() - timedelta(minutes=11)
    response = client.post(f"/api/v1/cases/{pair.source.id}/unmerge")
    assert response.status_code == 409
    assert response.json["error"]["code"] == "undo_expired"
    assert "10 minutes" in response.json["error"]["message"]
    assert _message_case(pair.source_message) == pair.target.id


def test_undo_once_the_target_is_no_longer_open_is_refused(
    api_as: Any, agent_alice: Any, supervisor_sam: Any,
) -> None:
    pair = Pair(agent_alice)
    api_as(agent_alice).post(f"/api/v1/cases/{pair.source.id}/merge",
                             json={"into_case_id": pair.target.id})
    api_as(supervisor_sam).post(f"/api/v1/cases/{pair.target.id}/resolve",
                                json={"disposition": "answered"})
    response = api_as(agent_alice).post(f"/api/v1/cases/{pair.source.id}/unmerge")
    assert response.status_code == 409
    assert response.json["error"]["current_status"] == "resolved"
    assert _case(pair.source.id).status == "resolved"


def test_merging_cases_of_different_customers_is_422_naming_the_contact(
    api_as: Any, agent_alice: Any,
) -> None:
    pair = Pair(agent_alice)
    other = make_case(make_queue("Email"), contact_id=_contact("Someone Else"))
    response = api_as(agent_alice).post(f"/api/v1/cases/{pair.source.id}/merge",
                                        json={"into_case_id": other.id})
    assert response.status_code == 422
    assert "contact_id" in response.json["error"]["fields"]
    assert _message_case(pair.source_message) == pair.source.id


@pytest.mark.parametrize(("body", "status", "field"), [
    ({}, 422, "into_case_id"),
    ({"into_case_id": "two"}, 422, "into_case_id"),
    ({"into_case_id": "self"}, 422, "into_case_id"),
    ({"into_case_id": 999_999}, 404, None),
])
def test_merge_input_is_checked(api_as: Any, agent_alice: Any, body: dict[str, Any],
                                status: int, field: str | None) -> None:
    pair = Pair(agent_alice)
    if body.get("into_case_id") == "self":
        body = {"into_case_id": pair.source.id}
    response = api_as(agent_alice).post(f"/api/v1/cases/{pair.source.id}/merge", json=body)
    assert response.status_code == status, response.json
    if field:
        assert field in str(response.json["error"])


def test_an_unknown_source_is_404(api_as: Any, agent_alice: Any) -> None:
    pair = Pair(agent_alice)
    response = api_as(agent_alice).post("/api/v1/cases/999999/merge",
                                        json={"into_case_id": pair.target.id})
    assert response.status_code == 404


def test_a_case_another_agent_holds_is_409_but_a_supervisor_may(
    api_as: Any, agent_alice: Any, agent_bob: Any, supervisor_sam: Any,
) -> None:
    pair = Pair(agent_alice)
    refused = api_as(agent_bob).post(f"/api/v1/cases/{pair.source.id}/merge",
                                     json={"into_case_id": pair.target.id})
    assert refused.status_code == 409
    assert refused.json["error"]["assignee_id"] == agent_alice.id
    allowed = api_as(supervisor_sam).post(f"/api/v1/cases/{pair.source.id}/merge",
                                          json={"into_case_id": pair.target.id})
    assert allowed.status_code == 200
    undo = api_as(agent_bob).post(f"/api/v1/cases/{pair.source.id}/unmerge")
    assert undo.status_code == 200  # the target is nobody's: who may work it may undo


def test_a_resolved_case_does_not_merge(api_as: Any, agent_alice: Any,
                                        supervisor_sam: Any) -> None:
    pair = Pair(agent_alice)
    resolved = api_as(supervisor_sam).post(f"/api/v1/cases/{pair.target.id}/resolve",
                                           json={"disposition": "answered"})
    assert resolved.status_code == 200
    for source, target in ((pair.source.id, pair.target.id), (pair.target.id, pair.source.id)):
        response = api_as(agent_alice).post(f"/api/v1/cases/{source}/merge",
                                            json={"into_case_id": target})
        assert response.status_code == 409
        assert response.json["error"]["current_status"] == "resolved"


def test_a_case_the_agent_cannot_see_is_404(api_as: Any, agent_alice: Any) -> None:
    outsider = make_user("olga@example.com", "agent", "Olga Other", teams=["Billing"])
    pair = Pair(agent_alice)
    response = api_as(outsider).post(f"/api/v1/cases/{pair.source.id}/merge",
                                     json={"into_case_id": pair.target.id})
    assert response.status_code == 404


def test_the_case_list_filters_by_contact(api_as: Any, agent_alice: Any) -> None:
    pair = Pair(agent_alice)
    make_case(make_queue("Email"), contact_id=_contact("Someone Else"))
    page = api_as(agent_alice).get(
        f"/api/v1/cases?contact={pair.source.contact_id}&status=open").json
    assert sorted(c["id"] for c in page["items"]) == sorted([pair.source.id, pair.target.id])
