"""The sandbox beside a running service: the demo channels are connected to it, a reply
sent there turns "sent", and the customer's answer comes back into the same case."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import select

from inbox.models import AdminChange, Channel, Message
from inbox.sandbox import AnswerPolicy, Sandbox
from inbox.sandbox.credentials import generic_reply_url
from inbox.services import unit_of_work
from inbox.services.admin.sandbox import do_connect_demo_channels
from inbox.services.admin.workspace import do_create_demo_workspace
from inbox.services.ingest.drain import process_batch
from inbox.simulator.content import PERSONAS
from tests.conftest import LiveServer, wait_until
from tests.factories import make_queue
from tests.fakes.conversations import connect_channel
from tests.integration.test_outbound import run_outbound
from tests.signing import generic_headers

MARCUS = PERSONAS[1]


def test_the_demo_channels_get_credentials_and_settings_that_point_at_the_sandbox(
    runtime: Any, monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("INBOX_OUTBOUND_ALLOW", "127.0.0.1:5001")
    with unit_of_work() as session:
        do_create_demo_workspace(session)
    own = connect_channel("x", "42", name="@RealBrand", secrets={"bearer_token": "real"})
    with unit_of_work() as session:
        assert len(do_connect_demo_channels(session, "http://127.0.0.1:5001")) == 5
    with unit_of_work() as session:
        channels = {c.kind if c.id != own.id else "own": c
                    for c in session.scalars(select(Channel))}
        assert channels["facebook"].secrets["access_token"].startswith("sandbox-facebook-")
        assert channels["x"].secrets["bearer_token"].startswith("sandbox-x-")
        assert channels["voice"].settings["sms_enabled"] is True
        assert channels["voice"].secrets["account_sid"].startswith("AC")
        generic = channels["generic"]
        assert generic.settings["reply_url"] == generic_reply_url("http://127.0.0.1:5001",
                                                                  generic.id)
        assert generic.secrets["signing_secret"]  # the inbound secret stays
        assert channels["own"].secrets == {"signing_secret": "test-channel-secret",
                                           "bearer_token": "real"}
        edits = list(session.scalars(select(AdminChange)
                                     .where(AdminChange.action == "channel.edit")))
        assert len(edits) == 5 and all("sandbox" not in json.dumps(edit.changes.get("credentials"))
                   for edit in edits)  # recorded as admin changes, credentials masked
        assert do_connect_demo_channels(session, "http://127.0.0.1:5001") == []


@pytest.fixture
def sandbox(live_server: LiveServer) -> Iterator[Sandbox]:
    with Sandbox(service_url=live_server.url, policy=AnswerPolicy(1.0, (0.0, 0.0)),
                 seed=4) as running:
        yield running


def review(channel_id: int, client: Any) -> None:
    body = json.dumps({"id": "review-1", "type": "review", "rating": 1,
                       "text": "Order never arrived and no refund.",
                       "author": {"id": f"reviews.example.com:{MARCUS.handle}",
                                  "handle": MARCUS.handle, "name": MARCUS.name}}).encode()
    answer = client.post(f"/webhooks/generic/{channel_id}", data=body,
                         headers=generic_headers(body, "test-channel-secret"))
    assert answer.status_code == 200
    process_batch()


def case_messages(case_id: int) -> list[Message]:
    process_batch()  # what the web process stored meanwhile
    with unit_of_work() as session:
        return list(session.scalars(select(Message).where(Message.case_id == case_id)
                                    .order_by(Message.id)))


def test_a_reply_sent_to_the_sandbox_turns_sent_and_the_customer_answers_in_the_case(
    runtime: Any, client: Any, api_as: Any, supervisor_sam: Any, sandbox: Sandbox,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for name, value in sandbox.environment().items():
        monkeypatch.setenv(name, value)
    make_queue("Social care")
    channel = connect_channel("generic", None, name="Reviews")
    with unit_of_work() as session:  # the reply URL names the channel's own id
        session.get(Channel, channel.id).settings = {  # type: ignore[union-attr]
            "reply_url": generic_reply_url(sandbox.url, channel.id)}
    review(channel.id, client)
    with unit_of_work() as session:
        case_id = session.scalars(select(Message.case_id)).one()
    reply = api_as(supervisor_sam).post(f"/api/v1/cases/{case_id}/reply",
                                        json={"text": "So sorry, a refund is on its way."})
    assert reply.status_code == 201
    run_outbound(runtime)

    [received] = sandbox.ledger.entries()
    assert (received.channel, received.text) == ("generic", "So sorry, a refund is on its way.")
    ours = next(m for m in case_messages(case_id) if m.direction == "out")
    assert (ours.send_status, ours.external_id) == ("sent", received.platform_id)
    answered = wait_until(lambda: [m for m in case_messages(case_id)
                                   if m.direction == "in" and m.id > ours.id],
                          "the customer's answer in the case")
    assert answered[0].parent_external_id == received.platform_id
    note = wait_until(lambda: sandbox.ledger.entries()[0].answer.startswith("answered"),
                      "the answer noted on the sandbox's page")
    assert note
