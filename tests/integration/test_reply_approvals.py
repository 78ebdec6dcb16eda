"""Four-eyes public replies: a queue's or an agent's public replies wait for a
supervisor, who approves (as written or edited) or sends them back; the platform gets a
reply only once approved, exactly once (docs/sending.md)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from rq import Queue
from sqlalchemy import select, update

from inbox.jobs import OUTBOUND
from inbox.models import AdminChange, Case, CaseEvent, Message, User, utcnow
from inbox.models import Queue as InboxQueue
from inbox.sandbox import Reply, SandboxPlatform
from inbox.services import unit_of_work
from inbox.services.sending import outbound
from tests.factories import make_queue
from tests.fakes.conversations import Seeded, connect_channel, seed_conversation
from tests.integration.test_outbound import run_outbound

MENTION_ID = "1880000000000000001"
OUR_TWEET_ID = "1880000000000000999"
CUSTOMER_ID = "17"


@pytest.fixture
def x_api(monkeypatch: pytest.MonkeyPatch) -> Iterator[SandboxPlatform]:
    with SandboxPlatform() as platform:
        monkeypatch.setenv("INBOX_X_API_URL", platform.url)
        platform.script("POST", "/2/tweets", Reply(201, {"data": {"id": OUR_TWEET_ID}}))
        platform.script("POST", f"/2/dm_conversations/with/{CUSTOMER_ID}/messages",
                        Reply(201, {"data": {"dm_event_id": "dm-1"}}))
        yield platform


def four_eyes_queue(**fields: Any) -> InboxQueue:
    return make_queue("Social care", approve_public_replies=True, **fields)


def x_mention(queue: InboxQueue, *, private: bool = False) -> Seeded:
    channel = connect_channel("x", "2244994945", secrets={"bearer_token": "t"})
    if private:
        return seed_conversation(channel, external_id="dm-in-1", visibility="private",
                                 kind="dm", thread_key=f"x:dm:{CUSTOMER_ID}",
                                 customer_id=CUSTOMER_ID, queue=queue)
    return seed_conversation(channel, external_id=MENTION_ID, visibility="public",
                             kind="mention", thread_key=f"x:conv:{MENTION_ID}|by:{CUSTOMER_ID}",
                             customer_id=CUSTOMER_ID, queue=queue,
                             text="@Acme my parcel is lost again")


def reply(api_as: Any, user: Any, case_id: int, text: str = "Sorry! Looking now.") -> Any:
    answer = api_as(user).post(f"/api/v1/cases/{case_id}/reply", json={"text": text})
    assert answer.status_code == 201, answer.json
    return answer.json


def message_now(message_id: int) -> Message:
    with unit_of_work() as session:
        message = session.get(Message, message_id)
        assert message is not None
        return message


def event_kinds(case_id: int) -> list[str]:
    with unit_of_work() as session:
        return list(session.scalars(select(CaseEvent.kind).where(CaseEvent.case_id == case_id)
                                    .order_by(CaseEvent.id)))


def event_of(case_id: int, kind: str) -> CaseEvent:
    with unit_of_work() as session:
        return session.scalars(select(CaseEvent).where(CaseEvent.case_id == case_id,
                                                       CaseEvent.kind == kind)).one()


def test_a_public_reply_in_a_four_eyes_queue_waits_and_no_worker_sends_it(
    runtime: Any, api_as: Any, agent_alice: Any, x_api: SandboxPlatform,
) -> None:
    seeded = x_mention(four_eyes_queue())
    body = reply(api_as, agent_alice, seeded.case_id)
    assert body["send_status"] == "awaiting_approval"
    assert Queue(OUTBOUND, connection=runtime.redis).count == 0
    # Even a sweep long after (lost jobs, interrupted sends) leaves it waiting.
    with unit_of_work() as session:
        session.execute(update(Message).where(Message.id == body["id"])
                        .values(send_state_at=utcnow() - timedelta(days=1)))
    assert outbound.sweep_stuck() == {"requeued": 0, "interrupted": 0}
    assert outbound.send(body["id"]) == "skipped"  # a stray job finds nothing to send
    run_outbound(runtime)
    assert x_api.calls("POST") == []
    message = message_now(body["id"])
    assert message.send_status == "awaiting_approval"
    assert message.facts["approval"]["state"] == "awaiting"
    assert message.facts["approval"]["requested_by"] == "Alice Agent"
    assert "reply_awaiting_approval" in event_kinds(seeded.case_id)


def test_a_private_reply_never_waits(runtime: Any, api_as: Any, agent_alice: Any,
                                     x_api: SandboxPlatform) -> None:
    seeded = x_mention(four_eyes_queue(), private=True)
    body = reply(api_as, agent_alice, seeded.case_id, "Send us your order number here.")
    assert (body["visibility"], body["send_status"]) == ("private", "pending")
    run_outbound(runtime)
    [call] = x_api.calls("POST")
    assert call.path == f"/2/dm_conversations/with/{CUSTOMER_ID}/messages"
    assert message_now(body["id"]).send_status == "sent"


def test_a_queue_without_four_eyes_sends_at_once(runtime: Any, api_as: Any, agent_alice: Any,
                                                 x_api: SandboxPlatform) -> None:
    seeded = x_mention(make_queue("Social care"))
    assert reply(api_as, agent_alice, seeded.case_id)["send_status"] == "pending"


def test_an_agent_flagged_for_four_eyes_waits_in_any_queue(
    api_as: Any, agent_alice: Any, admin_ada: Any, x_api: SandboxPlatform,
) -> None:
    seeded = x_mention(make_queue("Social care"))
    changed = api_as(admin_ada).patch(f"/api/v1/users/{agent_alice.id}",
                                      json={"approve_public_replies": True})
    assert changed.status_code == 200 and changed.json["approve_public_replies"] is True
    assert reply(api_as, agent_alice, seeded.case_id)["send_status"] == "awaiting_approval"
    with unit_of_work() as session:
        [change] = session.scalars(select(AdminChange).where(AdminChange.action == "user.edit"))
        assert change.changes == {"approve_public_replies": [False, True]}


def test_a_supervisors_own_public_reply_does_not_wait(
    api_as: Any, supervisor_sam: Any, x_api: SandboxPlatform,
) -> None:
    seeded = x_mention(four_eyes_queue())
    assert reply(api_as, supervisor_sam, seeded.case_id)["send_status"] == "pending"


def test_approval_sends_it_exactly_once_and_a_second_approval_is_409(
    runtime: Any, api_as: Any, agent_alice: Any, supervisor_sam: Any, admin_ada: Any,
    x_api: SandboxPlatform, captured_events: list[Any],
) -> None:
    seeded = x_mention(four_eyes_queue())
    body = reply(api_as, agent_alice, seeded.case_id, "Sorry! Your parcel is on its way.")
    approved = api_as(supervisor_sam).post(f"/api/v1/approvals/{body['id']}/approve")
    assert approved.status_code == 200 and approved.json["send_status"] == "pending"
    again = api_as(admin_ada).post(f"/api/v1/approvals/{body['id']}/approve")
    assert again.status_code == 409
    assert again.json["error"]["code"] == "not_awaiting_approval"
    run_outbound(runtime)
    run_outbound(runtime)
    [call] = x_api.calls("POST")
    assert call.json == {"text": "Sorry! Your parcel is on its way.",
                         "reply": {"in_reply_to_tweet_id": MENTION_ID}}
    message = message_now(body["id"])
    assert (message.send_status, message.external_id) == ("sent", OUR_TWEET_ID)
    assert message.facts["approval"]["decided_by"] == "Sam Supervisor"
    kinds = event_kinds(seeded.case_id)
    assert kinds.index("reply_awaiting_approval") < kinds.index("reply_approved") \
        < kinds.index("agent_replied")
    assert event_of(seeded.case_id, "reply_approved").actor_id == supervisor_sam.id
    changed = [e for e in captured_events if e.name == "approval.changed"]
    assert [e.payload["state"] for e in changed] == ["awaiting", "approved"]
    assert all("supervisors" in e.rooms and f"agent:{agent_alice.id}" in e.rooms
               for e in changed)


def test_a_reply_waiting_when_its_case_closed_is_not_approved_nor_sent(
    runtime: Any, api_as: Any, agent_alice: Any, supervisor_sam: Any, x_api: SandboxPlatform,
) -> None:
    seeded = x_mention(four_eyes_queue())
    body = reply(api_as, agent_alice, seeded.case_id)
    with unit_of_work() as session:
        session.execute(update(Case).where(Case.id == seeded.case_id).values(status="closed"))
    late = api_as(supervisor_sam).post(f"/api/v1/approvals/{body['id']}/approve")
    assert late.status_code == 409 and late.json["error"]["code"] == "case_closed"
    run_outbound(runtime)
    assert x_api.calls("POST") == []
    assert message_now(body["id"]).send_status == "awaiting_approval"


def test_edit_and_approve_sends_the_edited_text_and_keeps_the_original(
    runtime: Any, api_as: Any, agent_alice: Any, supervisor_sam: Any, x_api: SandboxPlatform,
) -> None:
    seeded = x_mention(four_eyes_queue())
    body = reply(api_as, agent_alice, seeded.case_id, "ur parcel is lost lol")
    approved = api_as(supervisor_sam).post(f"/api/v1/approvals/{body['id']}/approve",
                                           json={"text": "  We are sorry: we are tracing it. "})
    assert approved.status_code == 200
    assert approved.json["text"] == "We are sorry: we are tracing it."
    run_outbound(runtime)
    [call] = x_api.calls("POST")
    assert call.json["text"] == "We are sorry: we are tracing it."
    event = event_of(seeded.case_id, "reply_approved")
    assert event.data["edited"] is True and event.data["original_text"] == "ur parcel is lost lol"


def test_an_edit_over_the_platforms_limit_is_422_and_the_reply_still_waits(
    api_as: Any, agent_alice: Any, supervisor_sam: Any, x_api: SandboxPlatform,
) -> None:
    seeded = x_mention(four_eyes_queue())
    body = reply(api_as, agent_alice, seeded.case_id)
    refused = api_as(supervisor_sam).post(f"/api/v1/approvals/{body['id']}/approve",
                                          json={"text": "x" * 281})
    assert refused.status_code == 422 and "text" in refused.json["error"]["fields"]
    assert message_now(body["id"]).send_status == "awaiting_approval"


def test_send_back_returns_it_to_the_agent_with_the_comment_and_nothing_is_sent(
    runtime: Any, api_as: Any, agent_alice: Any, supervisor_sam: Any, x_api: SandboxPlatform,
    captured_events: list[Any],
) -> None:
    seeded = x_mention(four_eyes_queue())
    body = reply(api_as, agent_alice, seeded.case_id, "Not our fault, ask the courier.")
    path = f"/api/v1/approvals/{body['id']}/return"
    blank = api_as(supervisor_sam).post(path, json={"comment": "  "})
    assert blank.status_code == 422 and "comment" in blank.json["error"]["fields"]
    returned = api_as(supervisor_sam).post(path, json={"comment": "Apologise first, please."})
    assert returned.status_code == 200 and returned.json["send_status"] == "returned"
    run_outbound(runtime)
    assert x_api.calls("POST") == []
    message = message_now(body["id"])
    assert message.facts["approval"]["comment"] == "Apologise first, please."
    assert event_of(seeded.case_id, "reply_returned").data == {
        "message_id": body["id"], "comment": "Apologise first, please."}
    [update_event] = [e for e in captured_events if e.name == "message.updated"
                      and e.payload["send_status"] == "returned"]
    assert update_event.payload["approval"]["comment"] == "Apologise first, please."
    assert update_event.payload["text"] == "Not our fault, ask the courier."
    assert f"agent:{agent_alice.id}" in update_event.rooms
    late = api_as(supervisor_sam).post(f"/api/v1/approvals/{body['id']}/approve")
    assert late.status_code == 409 and late.json["error"]["code"] == "not_awaiting_approval"
    # The agent reworks it: a new reply, waiting again.
    assert reply(api_as, agent_alice, seeded.case_id, "Sorry! We will chase the courier.")[
        "send_status"] == "awaiting_approval"


def test_agents_cannot_approve_and_nobody_approves_their_own_reply(
    api_as: Any, agent_alice: Any, agent_bob: Any, x_api: SandboxPlatform,
) -> None:
    seeded = x_mention(four_eyes_queue())
    body = reply(api_as, agent_alice, seeded.case_id)
    for agent in (agent_alice, agent_bob):
        assert api_as(agent).post(f"/api/v1/approvals/{body['id']}/approve").status_code == 403
    with unit_of_work() as session:  # Alice is promoted while her reply waits
        session.execute(update(User).where(User.id == agent_alice.id).values(role="supervisor"))
    own = api_as(agent_alice).post(f"/api/v1/approvals/{body['id']}/approve")
    assert own.status_code == 409 and own.json["error"]["code"] == "own_reply"
    assert message_now(body["id"]).send_status == "awaiting_approval"


def test_deciding_on_a_message_that_is_not_a_waiting_reply_is_404_or_409(
    api_as: Any, supervisor_sam: Any, agent_alice: Any, x_api: SandboxPlatform,
) -> None:
    seeded = x_mention(make_queue("Social care"))
    sent = reply(api_as, agent_alice, seeded.case_id)
    client = api_as(supervisor_sam)
    assert client.post("/api/v1/approvals/999999/approve").status_code == 404
    customers = client.post(f"/api/v1/approvals/{seeded.message_id}/approve")
    assert customers.status_code == 404
    pending = client.post(f"/api/v1/approvals/{sent['id']}/approve")
    assert pending.status_code == 409
    assert pending.json["error"]["send_status"] in ("pending", "sending", "sent")


def test_the_supervisors_list_shows_each_waiting_reply_with_its_case_and_clock(
    api_as: Any, agent_alice: Any, supervisor_sam: Any, x_api: SandboxPlatform,
) -> None:
    seeded = x_mention(four_eyes_queue(approval_minutes=10))
    body = reply(api_as, agent_alice, seeded.case_id, "Sorry! Checking now.")
    assert api_as(agent_alice).get("/api/v1/approvals").status_code == 403
    [item] = api_as(supervisor_sam).get("/api/v1/approvals").json
    assert item["message_id"] == body["id"] and item["case_id"] == seeded.case_id
    assert (item["queue"], item["contact"], item["requested_by"]) == (
        "Social care", "Zoë Martin", "Alice Agent")
    assert item["customer_text"] == "@Acme my parcel is lost again"
    assert item["text"] == "Sorry! Checking now." and item["overdue"] is False
    with unit_of_work() as session:  # ten minutes later
        message = session.get(Message, body["id"])
        assert message is not None
        approval = message.facts["approval"]
        message.facts = {**message.facts, "approval": {
            **approval, "due_at": (utcnow() - timedelta(seconds=1)).isoformat()}}
    [late] = api_as(supervisor_sam).get("/api/v1/approvals").json
    assert late["overdue"] is True
    board = api_as(supervisor_sam).get("/api/v1/wallboard").json
    assert board["approvals"] == {"waiting": 1, "overdue": 1}
    api_as(supervisor_sam).post(f"/api/v1/approvals/{body['id']}/approve")
    assert api_as(supervisor_sam).get("/api/v1/approvals").json == []


def test_queue_four_eyes_settings_are_edited_by_admins_and_recorded(
    api_as: Any, admin_ada: Any,
) -> None:
    queue = make_queue("Social care")
    changed = api_as(admin_ada).patch(f"/api/v1/queues/{queue.id}", json={
        "approve_public_replies": True, "approval_minutes": 20})
    assert changed.status_code == 200
    assert (changed.json["approve_public_replies"], changed.json["approval_minutes"]) == (True, 20)
    refused = api_as(admin_ada).patch(f"/api/v1/queues/{queue.id}",
                                      json={"approval_minutes": 0})
    assert refused.status_code == 422 and "approval_minutes" in refused.json["error"]["fields"]
    with unit_of_work() as session:
        [change] = session.scalars(select(AdminChange).where(AdminChange.action == "queue.edit"))
        assert change.changes == {"approve_public_replies": [False, True],
                                  "approval_minutes": [15, 20]}


def test_the_approvals_page_opens_for_supervisors_and_agents_are_refused(
        app: Any, agent_alice: Any, supervisor_sam: Any) -> None:
    from tests.integration.test_signin import PASSWORD, attempt

    for user, status in ((agent_alice, 403), (supervisor_sam, 200)):
        client = app.test_client()
        assert attempt(client, user.email, PASSWORD).status_code in (302, 303)
        page = client.get("/approvals")
        assert page.status_code == status
        if status == 200:
            html = page.get_data(as_text=True)
            assert 'id="to-approvals" aria-current="page"' in html
            assert "dist/approvals.js" in html


def test_of_supervisors_deciding_at_once_exactly_one_wins_and_it_is_sent_once(
    runtime: Any, api_as: Any, agent_alice: Any, x_api: SandboxPlatform,
) -> None:
    from concurrent.futures import ThreadPoolExecutor

    from inbox.services.errors import ServiceError
    from inbox.services.sending import approvals
    from tests.conftest import make_user

    seeded = x_mention(four_eyes_queue())
    message_id = reply(api_as, agent_alice, seeded.case_id)["id"]
    deciders = [make_user(f"sup{n}@example.com", "supervisor", f"Sup {n}") for n in range(6)]

    def decide(n: int) -> str:
        try:
            with unit_of_work() as session:
                user = session.get(User, deciders[n].id)
                assert user is not None
                if n % 2:
                    approvals.send_back(session, user, message_id, f"no, says {n}")
                else:
                    approvals.approve(session, user, message_id, f"Sorry! (approved by {n})")
            return "won"
        except ServiceError as refused:
            return f"{refused.status} {refused.code}"

    with ThreadPoolExecutor(max_workers=len(deciders)) as pool:
        outcomes = list(pool.map(decide, range(len(deciders))))
    assert sorted(outcomes) == ["409 not_awaiting_approval"] * 5 + ["won"]
    run_outbound(runtime)
    winner = outcomes.index("won")
    message = message_now(message_id)
    assert message.facts["approval"]["decided_by"] == f"Sup {winner}"
    if winner % 2:
        assert (message.send_status, x_api.calls("POST")) == ("returned", [])
    else:
        [call] = x_api.calls("POST")
        assert call.json["text"] == f"Sorry! (approved by {winner})"
    decisions = [k for k in event_kinds(seeded.case_id) if k in ("reply_approved",
                                                                   "reply_returned")]
    assert len(decisions) == 1
