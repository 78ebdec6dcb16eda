"""Community answers: another member of the public replies in the customer's thread,
the customer thanks: the case is suggested for closing as answered by the community,
and closing it so resolves with disposition `answered_by_community`."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from inbox.models import Case, CaseEvent
from inbox.services import unit_of_work
from inbox.services.ingest.drain import drain
from tests.factories import make_channel, make_queue
from tests.signing import compact, generic_headers

SECRET = "community-secret"


def comment(client: Any, channel_id: int, item_id: str, text: str, author: str,
            in_reply_to: str | None = None) -> None:
    """A public comment under one post; a reply to a comment joins its conversation."""
    body = compact({"id": item_id, "type": "comment", "text": text, "thread_id": "post-1",
                    "author": {"id": author, "name": author.title(), "followers": 30},
                    **({"in_reply_to": in_reply_to} if in_reply_to else {})})
    assert client.post(f"/webhooks/generic/{channel_id}", data=body,
                       headers=generic_headers(body, SECRET)).status_code == 200


def the_case() -> Case:
    with unit_of_work() as session:
        return session.scalars(select(Case)).one()


def test_a_public_answer_then_the_customers_thanks_suggests_a_community_close(
        client: Any, api_as: Any, supervisor_sam: Any) -> None:
    make_queue("Social care")
    channel = make_channel("generic", "Forum", secret=SECRET)
    comment(client, channel.id, "q1", "@Acme my router keeps dropping, terrible, help?", "pat")
    comment(client, channel.id, "q2", "Thanks, will try", "pat", "q1")  # nobody answered yet
    drain()
    assert "community_answer" not in the_case().tags
    comment(client, channel.id, "a1", "Reset it by holding the button 10 s", "kim", "q1")
    drain()
    assert "community_answer" not in the_case().tags  # the answer alone suggests nothing
    comment(client, channel.id, "q3", "That worked, thank you Kim!", "pat", "a1")
    drain()
    case = the_case()
    assert "community_answer" in case.tags
    with unit_of_work() as session:
        event = session.scalars(select(CaseEvent).where(
            CaseEvent.case_id == case.id, CaseEvent.kind == "community_answer_suggested")).one()
    assert event.data["answer_message_id"] and event.data["thanks_message_id"]
    closed = api_as(supervisor_sam).post(f"/api/v1/cases/{case.id}/resolve",
                                         json={"disposition": "answered_by_community"})
    assert closed.status_code == 200, closed.json
    assert (the_case().status, the_case().disposition) == ("resolved", "answered_by_community")


def test_only_the_customer_thanking_suggests_it(client: Any) -> None:
    make_queue("Social care")
    channel = make_channel("generic", "Forum", secret=SECRET)
    comment(client, channel.id, "q1", "@Acme my bill is wrong, awful, help?", "pat")
    comment(client, channel.id, "a1", "Call them, it worked for me", "kim", "q1")
    comment(client, channel.id, "a2", "Thanks, good tip", "lee", "a1")  # a bystander's thanks
    drain()
    assert "community_answer" not in the_case().tags
