"""The sandbox's customers: what they answer, and that each answer reaches the service in
a shape its adapter reads as part of the conversation the reply was in."""

from __future__ import annotations

import random
from urllib.parse import urlencode

import pytest

from inbox.channels.registry import adapter_for
from inbox.sandbox import AnswerPolicy, Customers, Ledger
from inbox.sandbox.answers import answer_delivery, pick_answer
from inbox.sandbox.threads import Conversation, persona_for
from inbox.simulator.base import Target
from inbox.simulator.content import PERSONAS

pytestmark = pytest.mark.no_backends
MARCUS = PERSONAS[1]
CHANNELS = {
    "facebook": Target("facebook", 1, "104859392837465", "Acme on Facebook"),
    "instagram": Target("instagram", 2, "17841400000000001", "Acme on Instagram"),
    "x": Target("x", 3, "1480000000000000001", "@AcmeSupport"),
    "email": Target("email", 4, "support@acme.example", "support@acme.example", secret="s"),
    "voice": Target("voice", 5, "+14155550100", "Acme support line"),
    "generic": Target("generic", 6, None, "Reviews and forums", secret="s"),
}
IDENTITIES = {"facebook": MARCUS.fb_id, "instagram": MARCUS.ig_id, "x": MARCUS.x_id,
              "email": MARCUS.email, "voice": MARCUS.phone,
              "generic": f"reviews.example.com:{MARCUS.handle}"}


def talk(kind: str, visibility: str, our_id: str, **extra: object) -> Conversation:
    return Conversation(channel=CHANNELS[kind], case_id=7, persona=MARCUS,
                        identity=IDENTITIES[kind], our_id=our_id, our_visibility=visibility,
                        subject=str(extra.pop("subject", "Order not delivered")),
                        parent_id=str(extra.pop("parent_id", "theirs-1")), **extra)  # type: ignore[arg-type]


@pytest.mark.parametrize(("conversation", "parent", "thread"), [
    (talk("facebook", "public", "555_888", parent_facts={"post_id": "104859392837465_555"}),
     "555_888", "fb:post:104859392837465_555"),
    (talk("facebook", "private", "m_ours"), "m_ours",
     f"fb:dm:104859392837465:{MARCUS.fb_id}"),
    (talk("instagram", "public", "17900002", parent_facts={"media_id": "17890001"}),
     "17900002", "ig:media:17890001"),
    (talk("instagram", "private", "m_ig"), "m_ig", f"ig:dm:17841400000000001:{MARCUS.ig_id}"),
    (talk("x", "public", "1900000000000000001"), "1900000000000000001", None),
    (talk("generic", "public", "sandbox-ab12"), "sandbox-ab12", "generic:item:sandbox-ab12"),
])
def test_an_answer_names_the_reply_it_answers(conversation: Conversation, parent: str,
                                               thread: str | None) -> None:
    item = answer_delivery(conversation, "Thanks, that worked!", random.Random(1))
    [message] = adapter_for(item.provider).parse(item.body or b"", {
        "content-type": item.content_type}).messages
    assert message.parent_external_id == parent
    assert message.author.external_id == conversation.identity
    assert message.text.endswith("Thanks, that worked!")  # a tweet starts with @AcmeSupport
    if thread is not None:
        assert message.thread_key == thread


def test_an_x_direct_message_answer_comes_in_the_customers_dm_thread() -> None:
    item = answer_delivery(talk("x", "private", "1777"), "Still broken", random.Random(1))
    [message] = adapter_for("x").parse(item.body or b"", {}).messages
    assert (message.kind, message.thread_key, message.author.external_id) == (
        "dm", f"x:dm:1480000000000000001:{MARCUS.x_id}", MARCUS.x_id)


def test_an_email_answer_references_our_reply_and_keeps_the_subject() -> None:
    conversation = talk("email", "private", "ours.2@acme.example", subject="Re: Order late",
                        references=("theirs.1@example.net", "ours.2@acme.example"))
    item = answer_delivery(conversation, "How long will that take?", random.Random(1))
    assert item.path == "/webhooks/email/raw/4"
    [message] = adapter_for("email_raw").parse(item.body or b"", {}).messages
    assert {"ours.2@acme.example", "theirs.1@example.net"} <= set(message.references)
    assert message.subject == "Re: Order late"
    assert message.author.external_id == MARCUS.email


def test_a_texted_customer_answers_with_a_voicemail_from_their_number() -> None:
    item = answer_delivery(talk("voice", "private", "SMabc"), "Thank you!", random.Random(1))
    [message] = adapter_for("voice").parse(urlencode(item.form or ()).encode(), {
        "content-type": item.content_type}).messages
    assert (message.kind, message.text, message.thread_key) == (
        "voicemail", "Thank you!", f"voice:{MARCUS.phone}")


def test_answers_are_follow_ups_thank_yous_and_angry_escalations() -> None:
    rng = random.Random(3)
    moods = {pick_answer(rng)[0] for _ in range(200)}
    assert moods == {"follow-up", "thank-you", "angry"}


@pytest.mark.parametrize("kind", sorted(IDENTITIES))
def test_the_simulated_customer_is_found_by_their_id_on_each_channel(kind: str) -> None:
    assert persona_for(kind, IDENTITIES[kind]) == MARCUS


def test_someone_not_simulated_is_never_answered_for() -> None:
    assert persona_for("x", "42") is None


@pytest.mark.parametrize(("share", "noted"), [(0.0, ""), (1.0, "will answer in about 3 s")])
def test_the_share_of_replies_answered_is_the_policys(share: float, noted: str) -> None:
    ledger = Ledger()
    Customers(ledger, "http://127.0.0.1:9", policy=AnswerPolicy(share, (3.0, 3.0)))
    entry = ledger.add(channel="x", what="public reply", text="hi", platform_id="1")
    [listed] = ledger.entries()
    assert (listed.number, listed.answer) == (entry.number, noted)


@pytest.mark.parametrize(("share", "delay"), [(1.5, (1.0, 2.0)), (0.5, (3.0, 1.0))])
def test_a_policy_out_of_range_is_refused(share: float, delay: tuple[float, float]) -> None:
    with pytest.raises(ValueError):
        AnswerPolicy(share, delay)
