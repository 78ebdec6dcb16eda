"""The reply, notes and canned-response API: who may answer, what is refused before
anything is stored, and what is stored and announced (docs/sending.md)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from rq import Queue
from sqlalchemy import select

from inbox.channels.senders.limits import contact_details, weighted_length
from inbox.jobs import OUTBOUND
from inbox.models import Case, CaseEvent, Message
from inbox.models import Queue as InboxQueue
from inbox.services import unit_of_work
from inbox.services.sending.canned import render, template_context
from inbox.services.sending.replies import find_mentions
from tests.conftest import make_user
from tests.factories import make_queue
from tests.fakes.conversations import Seeded, connect_channel, seed_conversation

CJK_141 = "中" * 141  # 282 weighted characters: one CJK character weighs 2 on X


def facebook_thread(queue: InboxQueue, **fields: Any) -> Seeded:
    channel = connect_channel("facebook", "104859392837465", secrets={"access_token": "t"})
    return seed_conversation(channel, external_id="913_1", visibility="public", kind="comment",
                             thread_key="fb:post:104859392837465_913|by:6712",
                             customer_id="6712", queue=queue, **fields)


def x_thread(queue: InboxQueue) -> Seeded:
    channel = connect_channel("x", "2244994945", secrets={"bearer_token": "t"})
    return seed_conversation(channel, external_id="1880000000000000001", visibility="public",
                             kind="mention", thread_key="x:conv:1880000000000000001|by:17",
                             customer_id="17", queue=queue)


def out_messages() -> list[Message]:
    with unit_of_work() as session:
        return list(session.scalars(select(Message).where(Message.direction == "out")))


def case_now(case_id: int) -> Case:
    with unit_of_work() as session:
        case = session.get(Case, case_id)
        assert case is not None
        return case


def events_of(case_id: int, kind: str | None = None) -> list[CaseEvent]:
    with unit_of_work() as session:
        stmt = select(CaseEvent).where(CaseEvent.case_id == case_id).order_by(CaseEvent.id)
        if kind:
            stmt = stmt.where(CaseEvent.kind == kind)
        return list(session.scalars(stmt))


# ---------------------------------------------------------------- replies


def test_reply_is_stored_pending_answering_the_newest_customer_message(
    runtime: Any, api_as: Any, agent_alice: Any, captured_events: list[Any],
) -> None:
    queue = make_queue()
    seeded = facebook_thread(queue, minutes_ago=10)
    with unit_of_work() as session:  # the customer wrote again since
        session.add(Message(channel_id=seeded.channel_id, external_id="913_2",
                            case_id=seeded.case_id, direction="in", visibility="public",
                            kind="comment", text="Hello??", thread_key="k",
                            sent_at=case_now(seeded.case_id).created_at + timedelta(minutes=5)))
    response = api_as(agent_alice).post(f"/api/v1/cases/{seeded.case_id}/reply",
                                        json={"text": "  We are looking into it.  "})
    assert response.status_code == 201
    body = response.json
    assert (body["direction"], body["visibility"], body["kind"], body["send_status"]) == (
        "out", "public", "reply", "pending")
    assert body["external_id"].startswith("pending:") and body["author_id"] == agent_alice.id
    assert (body["parent_external_id"], body["text"]) == ("913_2", "We are looking into it.")
    [message] = out_messages()
    assert message.thread_key == "fb:post:104859392837465_913|by:6712"
    assert Queue(OUTBOUND, connection=runtime.redis).count == 1
    [created] = [e for e in captured_events if e.name == "message.created"]
    assert created.payload["id"] == body["id"] and f"case:{seeded.case_id}" in created.rooms


@pytest.mark.parametrize(("kind", "channel_kind", "visibility", "expected"), [
    ("comment", "facebook", "public", "public"),
    ("dm", "facebook", "private", "private"),
    ("review", "generic", "public", "public"),
    ("email", "email", "private", "private"),
])
def test_reply_defaults_to_the_conversations_visibility(
    api_as: Any, agent_alice: Any, kind: str, channel_kind: str, visibility: str,
    expected: str,
) -> None:
    channel = connect_channel(channel_kind, "support@acme.example" if kind == "email" else "p1",
                              secrets={"access_token": "t"},
                              settings={"reply_url": "http://127.0.0.1:9/r"})
    thread = {"dm": "fb:dm:p1:6712"}.get(kind, "t|by:6712")
    seeded = seed_conversation(channel, external_id="m1@mail" if kind == "email" else "m1",
                               visibility=visibility, kind=kind, thread_key=thread,
                               customer_id="6712", queue=make_queue(),
                               contact_email="zoe@example.net")
    response = api_as(agent_alice).post(f"/api/v1/cases/{seeded.case_id}/reply",
                                        json={"text": "Thanks"})
    assert response.status_code == 201, response.json
    assert response.json["visibility"] == expected


def test_reply_to_a_case_held_by_another_agent_is_409(
    api_as: Any, agent_alice: Any, agent_bob: Any,
) -> None:
    seeded = facebook_thread(make_queue(), status="assigned", assignee_id=agent_bob.id)
    response = api_as(agent_alice).post(f"/api/v1/cases/{seeded.case_id}/reply",
                                        json={"text": "Hi"})
    assert response.status_code == 409
    assert response.json["error"]["code"] == "held_by_other"
    assert response.json["error"]["assignee_id"] == agent_bob.id
    assert out_messages() == []


def test_a_supervisor_may_answer_a_case_another_agent_holds(
    api_as: Any, agent_bob: Any, supervisor_sam: Any,
) -> None:
    seeded = facebook_thread(make_queue(), status="assigned", assignee_id=agent_bob.id)
    response = api_as(supervisor_sam).post(f"/api/v1/cases/{seeded.case_id}/reply",
                                           json={"text": "Hi"})
    assert response.status_code == 201
    assert case_now(seeded.case_id).assignee_id == agent_bob.id


def test_replying_claims_an_unassigned_queued_case(api_as: Any, agent_alice: Any) -> None:
    seeded = facebook_thread(make_queue())
    assert api_as(agent_alice).post(f"/api/v1/cases/{seeded.case_id}/reply",
                                    json={"text": "Hi"}).status_code == 201
    case = case_now(seeded.case_id)
    assert (case.status, case.assignee_id) == ("assigned", agent_alice.id)
    [claim] = events_of(seeded.case_id, "claim")
    assert claim.actor_id == agent_alice.id


def test_reply_to_a_closed_case_is_409(api_as: Any, agent_alice: Any) -> None:
    seeded = facebook_thread(make_queue(), status="closed")
    response = api_as(agent_alice).post(f"/api/v1/cases/{seeded.case_id}/reply",
                                        json={"text": "Hi"})
    assert (response.status_code, response.json["error"]["code"]) == (409, "case_closed")


def test_x_public_reply_over_280_weighted_characters_is_refused_and_nothing_stored(
    runtime: Any, api_as: Any, agent_alice: Any,
) -> None:
    seeded = x_thread(make_queue())
    response = api_as(agent_alice).post(f"/api/v1/cases/{seeded.case_id}/reply",
                                        json={"text": CJK_141})
    assert response.status_code == 422
    assert response.json["error"]["fields"]["text"] == (
        "too long for an X reply: 282 weighted characters, at most 280")
    assert out_messages() == [] and events_of(seeded.case_id) == []
    assert case_now(seeded.case_id).assignee_id is None
    assert Queue(OUTBOUND, connection=runtime.redis).count == 0
    assert api_as(agent_alice).post(f"/api/v1/cases/{seeded.case_id}/reply",
                                    json={"text": CJK_141[:140]}).status_code == 201


def test_x_direct_message_may_be_longer_than_a_post(api_as: Any, agent_alice: Any) -> None:
    seeded = x_thread(make_queue())
    response = api_as(agent_alice).post(f"/api/v1/cases/{seeded.case_id}/reply",
                                        json={"text": CJK_141, "visibility": "private"})
    assert response.status_code == 201
    assert response.json["kind"] == "dm"


@pytest.mark.parametrize("text", ["Mail us at care@acme.example", "Call +44 20 7946 0958"])
def test_contact_details_in_a_public_reply_need_confirmation(
    api_as: Any, agent_alice: Any, text: str,
) -> None:
    seeded = facebook_thread(make_queue())
    api = api_as(agent_alice)
    refused = api.post(f"/api/v1/cases/{seeded.case_id}/reply", json={"text": text})
    assert refused.status_code == 422
    assert refused.json["error"]["code"] == "contact_details_in_public"
    assert "text" in refused.json["error"]["fields"]
    assert out_messages() == []
    confirmed = api.post(f"/api/v1/cases/{seeded.case_id}/reply",
                         json={"text": text, "confirm_public_contact_details": True})
    assert confirmed.status_code == 201


def test_contact_details_in_a_private_reply_need_no_confirmation(
    api_as: Any, agent_alice: Any,
) -> None:
    seeded = facebook_thread(make_queue())
    response = api_as(agent_alice).post(f"/api/v1/cases/{seeded.case_id}/reply", json={
        "text": "Mail us at care@acme.example", "visibility": "private"})
    assert response.status_code == 201


@pytest.mark.parametrize(("kind", "settings", "visibility", "reason"), [
    ("email", {}, "public", "email replies are private: they go to the customer only"),
    ("generic", {}, "private",
     "this source has no reply URL; answer the customer on the source itself"),
    ("voice", {}, "private", "this channel cannot send replies; call the customer back"),
    ("voice", {"sms_enabled": True}, "public",
     "a phone channel answers by private text message (SMS) only"),
])
def test_a_channel_that_cannot_send_that_visibility_is_422(
    api_as: Any, agent_alice: Any, kind: str, settings: dict[str, Any], visibility: str,
    reason: str,
) -> None:
    channel = connect_channel(kind, "+15005550006", settings=settings)
    seeded = seed_conversation(channel, external_id="a@b", visibility="private", kind="review",
                               thread_key="voice:+14155550100", customer_id="c",
                               queue=make_queue())
    response = api_as(agent_alice).post(f"/api/v1/cases/{seeded.case_id}/reply",
                                        json={"text": "Hi", "visibility": visibility})
    assert response.status_code == 422
    assert response.json["error"]["message"] == reason
    assert out_messages() == []


def test_a_dm_conversation_cannot_be_answered_in_public(api_as: Any, agent_alice: Any) -> None:
    channel = connect_channel("facebook", "p1", secrets={"access_token": "t"})
    seeded = seed_conversation(channel, external_id="m_1", visibility="private", kind="dm",
                               thread_key="fb:dm:p1:6712", customer_id="6712",
                               queue=make_queue())
    response = api_as(agent_alice).post(f"/api/v1/cases/{seeded.case_id}/reply",
                                        json={"text": "Hi", "visibility": "public"})
    assert response.status_code == 422


@pytest.mark.parametrize("body", [{}, {"text": "   "}, {"text": "hi", "visibility": "loud"}])
def test_reply_body_is_validated(api_as: Any, agent_alice: Any, body: dict[str, Any]) -> None:
    seeded = facebook_thread(make_queue())
    response = api_as(agent_alice).post(f"/api/v1/cases/{seeded.case_id}/reply", json=body)
    assert response.status_code == 422
    assert response.json["error"]["fields"]


def test_a_case_the_agent_cannot_see_is_404(api_as: Any) -> None:
    outsider = make_user("olga@example.com", "agent", "Olga Other", teams=["Billing"])
    seeded = facebook_thread(make_queue())
    response = api_as(outsider).post(f"/api/v1/cases/{seeded.case_id}/reply",
                                     json={"text": "Hi"})
    assert response.status_code == 404


# ---------------------------------------------------------------- resending


def test_retry_is_409_unless_the_message_failed(api_as: Any, agent_alice: Any) -> None:
    seeded = facebook_thread(make_queue())
    api = api_as(agent_alice)
    message_id = api.post(f"/api/v1/cases/{seeded.case_id}/reply", json={"text": "Hi"}).json["id"]
    response = api.post(f"/api/v1/messages/{message_id}/retry")
    assert (response.status_code, response.json["error"]["code"]) == (409, "not_failed")
    assert "is pending, not failed" in response.json["error"]["message"]
    inbound = api.post(f"/api/v1/messages/{seeded.message_id}/retry")
    assert (inbound.status_code, inbound.json["error"]["code"]) == (409, "not_outbound")
    assert "came from the customer" in inbound.json["error"]["message"]


def test_retry_of_a_message_on_a_case_the_agent_cannot_see_is_404(
    api_as: Any, agent_alice: Any,
) -> None:
    outsider = make_user("olga@example.com", "agent", "Olga Other", teams=["Billing"])
    seeded = facebook_thread(make_queue())
    message_id = api_as(agent_alice).post(f"/api/v1/cases/{seeded.case_id}/reply",
                                          json={"text": "Hi"}).json["id"]
    with unit_of_work() as session:
        message = session.get(Message, message_id)
        assert message is not None
        message.send_status = "failed"
    assert api_as(outsider).post(f"/api/v1/messages/{message_id}/retry").status_code == 404
    assert api_as(outsider).post("/api/v1/messages/999999/retry").status_code == 404


# ---------------------------------------------------------------- notes


def test_note_is_an_internal_case_event(api_as: Any, agent_alice: Any) -> None:
    seeded = facebook_thread(make_queue())
    response = api_as(agent_alice).post(f"/api/v1/cases/{seeded.case_id}/notes",
                                        json={"text": "Customer is a VIP, be nice"})
    assert response.status_code == 201
    body = response.json
    assert {k: body[k] for k in ("case_id", "text", "author_id", "mentions")} == {
        "case_id": seeded.case_id, "text": "Customer is a VIP, be nice",
        "author_id": agent_alice.id, "mentions": []}
    [note] = events_of(seeded.case_id, "note")
    assert note.id == body["id"] and note.data == {"text": "Customer is a VIP, be nice",
                                                   "mentions": []}
    assert out_messages() == []  # nothing goes to the customer


def test_a_mention_notifies_only_the_mentioned_agent_who_can_see_the_case(
    api_as: Any, agent_alice: Any, agent_bob: Any, supervisor_sam: Any,
    captured_events: list[Any],
) -> None:
    outsider = make_user("olga@example.com", "agent", "Olga Other", teams=["Billing"])
    seeded = facebook_thread(make_queue())
    response = api_as(agent_alice).post(f"/api/v1/cases/{seeded.case_id}/notes", json={
        "text": "@bob can you check the refund? cc @olga@example.com"})
    assert response.json["mentions"] == [agent_bob.id, outsider.id]
    mentions = [e for e in captured_events if e.name == "note.mention"]
    assert [(e.rooms, e.payload) for e in mentions] == [(
        (f"agent:{agent_bob.id}",),
        {"case_id": seeded.case_id, "note_id": response.json["id"], "by": "Alice Agent"})]


def test_mentions_match_email_first_name_or_full_name_in_any_case(
    db_session: Any, agent_alice: Any, agent_bob: Any, supervisor_sam: Any,
) -> None:
    def ids(text: str) -> list[int]:
        return [u.id for u in find_mentions(db_session, text)]

    assert ids("@SAM@example.com please") == [supervisor_sam.id]
    assert ids("thanks @Bob Agent and @alice.") == [agent_bob.id, agent_alice.id]
    assert ids("mail bob@example.com, @bobby, @alice-team, no one") == []


def test_a_blank_note_is_422(api_as: Any, agent_alice: Any) -> None:
    seeded = facebook_thread(make_queue())
    response = api_as(agent_alice).post(f"/api/v1/cases/{seeded.case_id}/notes",
                                        json={"text": " "})
    assert response.status_code == 422 and "text" in response.json["error"]["fields"]


# ---------------------------------------------------------------- canned responses


def test_canned_responses_are_searched_by_title_body_or_tag_in_any_case(
    api_as: Any, agent_alice: Any, supervisor_sam: Any,
) -> None:
    editor = api_as(supervisor_sam)
    for title, body, tags in [("Late delivery", "Sorry {{contact.first_name}}!", ["Shipping"]),
                              ("Refund policy", "Refunds take 5 days.", ["billing"]),
                              ("Opening hours", "We open at 9.", [])]:
        assert editor.post("/api/v1/canned-responses",
                           json={"title": title, "body": body, "tags": tags}).status_code == 201
    agent = api_as(agent_alice)

    def titles(q: str) -> list[str]:
        return [c["title"] for c in agent.get(f"/api/v1/canned-responses?q={q}").json]

    assert titles("") == ["Late delivery", "Opening hours", "Refund policy"]
    assert titles("LATE") == ["Late delivery"]
    assert titles("refunds TAKE") == ["Refund policy"]
    assert titles("shipping") == ["Late delivery"]
    assert titles("nothing") == []
    assert set(agent.get("/api/v1/canned-responses").json[0]) == {"id", "title", "body", "tags"}


@pytest.mark.parametrize(("method", "path"), [
    ("POST", "/api/v1/canned-responses"), ("PATCH", "/api/v1/canned-responses/{id}"),
    ("DELETE", "/api/v1/canned-responses/{id}"),
])
def test_agents_cannot_change_canned_responses(
    api_as: Any, agent_alice: Any, admin_ada: Any, method: str, path: str,
) -> None:
    canned_id = api_as(admin_ada).post("/api/v1/canned-responses",
                                       json={"title": "T", "body": "B"}).json["id"]
    client = api_as(agent_alice)
    response = client.client.open(path.format(id=canned_id), method=method,
                                  json={"title": "T2", "body": "B2"}, headers=client._headers())
    assert response.status_code == 403


def test_admins_edit_and_delete_canned_responses(api_as: Any, admin_ada: Any) -> None:
    api = api_as(admin_ada)
    created = api.post("/api/v1/canned-responses",
                       json={"title": "Hi", "body": "Hello", "tags": ["greet", "Greet"]})
    assert created.json["tags"] == ["greet"]
    canned_id = created.json["id"]
    patched = api.patch(f"/api/v1/canned-responses/{canned_id}", json={"body": "Hello there"})
    assert (patched.status_code, patched.json["title"], patched.json["body"]) == (
        200, "Hi", "Hello there")
    assert api.patch(f"/api/v1/canned-responses/{canned_id}",
                     json={"title": " "}).status_code == 422
    assert api.delete(f"/api/v1/canned-responses/{canned_id}").status_code == 204
    assert api.get("/api/v1/canned-responses").json == []
    assert api.delete(f"/api/v1/canned-responses/{canned_id}").status_code == 404


def test_server_side_rendering_fills_known_variables_and_drops_unknown_ones(
    agent_alice: Any,
) -> None:
    from inbox.models import Contact

    context = template_context(contact=Contact(display_name="Zoë Martin"), agent=agent_alice)
    assert render("Hi {{ contact.first_name }}, {{agent.name}} here.{{nope.x}}", context) == (
        "Hi Zoë, Alice Agent here.")


# ---------------------------------------------------------------- counting (no backends)


@pytest.mark.no_backends
@pytest.mark.parametrize(("text", "weight"), [
    ("Hello world", 11), ("Café ☕", 7), ("日本語のテキスト", 16),
    ("Track it here: https://acme.example/track/4412", 46),  # .example is no TLD
    ("Track it here: https://acme.com/track/" + "4" * 57, 38),  # a URL weighs 23
    ("👨\u200d👩\u200d👧\u200d👦", 2), ("🙋🏽 hi", 5), ("—“quoted”—", 10),
    ("a" * 280, 280), ("é" * 281, 281), ("e\u0301", 1), ("中" * 140, 280), (CJK_141, 282),
])
def test_x_weighted_length_follows_twitter_text(text: str, weight: int) -> None:
    assert weighted_length(text) == weight


@pytest.mark.no_backends
@pytest.mark.parametrize(("text", "found"), [
    ("write to zoe@example.net", ["zoe@example.net"]),
    ("call +44 20 7946 0958 today", ["+44 20 7946 0958"]),
    ("or (555) 123-4567", ["(555) 123-4567"]),
    ("order #4412 ships 2026-01-01", []),
    ("ticket 12345678", []),
    ("see https://acme.com/t/12345678901", []),
])
def test_contact_details_are_spotted(text: str, found: list[str]) -> None:
    assert contact_details(text) == found

