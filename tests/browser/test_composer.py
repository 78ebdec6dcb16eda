"""The reply composer knows the channel: live limits, SMS parts, contact details in
public, canned responses with variables."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import expect

from inbox.services import unit_of_work
from inbox.services.sending import canned
from tests.browser.conftest import X_CUSTOMER_ID
from tests.browser.desk import case_whose_subject_has, post_x_mention, wait_for
from tests.fakes.conversations import connect_channel, seed_conversation


def _x_case(open_desk: Any, server: Any, workspace: Any, tweet_id: str, text: str) -> Any:
    alice = open_desk(workspace.alice)
    post_x_mention(server.url, tweet_id, text)
    case = wait_for(case_whose_subject_has(text.split(" ", 1)[1]), what="the X case")
    alice.open(case.id)
    return alice


def test_an_x_reply_counts_weighted_characters_like_twitter_text(
    open_desk: Any, server: Any, workspace: Any
) -> None:
    alice = _x_case(open_desk, server, workspace, "1874500000000000301", "@AcmeSupport hello?")
    text = alice.page.locator("#reply-text")
    counter = alice.page.locator("#reply-counter")
    text.fill("a" * 250 + " https://example.com/" + "long/" * 20)  # a URL weighs 23
    expect(counter).to_have_text("6 weighted characters left")
    text.press("End")
    text.press_sequentially(" 😀😀😀😀")  # emoji weigh 2 each
    expect(counter).to_have_text("3 weighted characters over the limit of 280")
    expect(counter).to_have_attribute("data-over", "true")
    expect(alice.page.locator("#reply-send")).to_be_disabled()
    text.press("Backspace")
    text.press("Backspace")
    expect(counter).to_have_text("1 weighted characters left")
    expect(alice.page.locator("#reply-send")).to_be_enabled()


def test_an_sms_reply_counts_gsm7_and_ucs2_parts(open_desk: Any, server: Any,
                                                  workspace: Any) -> None:
    voice = connect_channel("voice", "+14155550100", name="Support line")
    seeded = seed_conversation(voice, external_id="CA-1", thread_key="call:+447700900123",
                               visibility="private", kind="missed_call",
                               customer_id="+447700900123", text="Missed call",
                               queue=_queue(workspace.social))
    alice = open_desk(workspace.alice)
    alice.open(seeded.case_id)
    expect(alice.page.locator("#mode-private")).to_be_checked()
    expect(alice.page.locator("label[for=mode-private]")).to_contain_text("Text message (SMS)")
    text = alice.page.locator("#reply-text")
    counter = alice.page.locator("#reply-counter")
    text.fill("a" * 160)
    expect(counter).to_contain_text("1 SMS part (GSM-7, 160 per part)")
    text.fill("a" * 161)
    expect(counter).to_contain_text("2 SMS parts (GSM-7, 153 per part)")
    text.fill("a" * 151 + "€" * 5)  # 156 characters, but "€" takes two GSM-7 septets: 161
    expect(counter).to_contain_text("2 SMS parts (GSM-7, 153 per part)")
    text.fill("Dziękuję " + "a" * 61)  # "ę" is not GSM-7: the whole text goes UCS-2
    expect(counter).to_contain_text("1 SMS part (UCS-2, 70 per part)")
    text.fill("Dziękuję " + "a" * 62)
    expect(counter).to_contain_text("2 SMS parts (UCS-2, 67 per part)")


def _queue(queue_id: int) -> Any:
    from inbox.models import Queue
    from inbox.services import unit_of_work

    with unit_of_work() as session:
        return session.get(Queue, queue_id)


def test_contact_details_in_a_public_reply_are_caught_and_moved_to_a_private_message(
    open_desk: Any, server: Any, workspace: Any, platform_api: Any
) -> None:
    alice = _x_case(open_desk, server, workspace, "1874500000000000302",
                    "@AcmeSupport I was charged twice")
    text = alice.page.locator("#reply-text")
    text.fill("So sorry! Write to billing@acme.example or call +44 20 7946 0958.")
    warning = alice.page.locator("#contact-warning")
    expect(warning).to_be_visible()
    expect(warning).to_contain_text("billing@acme.example")
    expect(warning).to_contain_text("+44 20 7946 0958")
    text.press("Control+Enter")  # not sent: the warning asks first
    expect(alice.page.locator("#switch-private")).to_be_focused()
    assert platform_api.calls("POST") == []
    alice.screenshot("contact-details-warning")
    alice.page.get_by_role("button", name="Move to a private message").click()
    expect(alice.page.locator("#mode-private")).to_be_checked()
    expect(warning).to_be_hidden()
    alice.page.get_by_role("button", name="Send reply").click()
    calls = wait_for(lambda: platform_api.calls(
        "POST", f"/2/dm_conversations/with/{X_CUSTOMER_ID}/messages"), what="the DM")
    assert "billing@acme.example" in calls[0].json["text"]
    assert platform_api.calls("POST", "/2/tweets") == []
    expect(alice.page.locator(".msg[data-direction=out]")).to_have_attribute("data-visibility",
                                                                            "private")


def test_canned_responses_are_searchable_and_fill_in_their_variables(
    open_desk: Any, server: Any, workspace: Any
) -> None:
    with unit_of_work() as session:
        canned.create(session, workspace.sam, {
            "title": "Refund on its way",
            "body": "Hi {{contact.first_name}}, your refund is on its way. "
                    "{{agent.name}}{{unknown.thing}}",
            "tags": ["billing"]})
        canned.create(session, workspace.sam, {"title": "Outage apology",
                                               "body": "We are fixing it.", "tags": ["outage"]})
    alice = _x_case(open_desk, server, workspace, "1874500000000000303",
                    "@AcmeSupport where is my money")
    alice.page.get_by_role("button", name="Canned responses").click()
    search = alice.page.get_by_label("Search canned responses")
    expect(search).to_be_focused()
    items = alice.page.locator("#canned-list .canned-item")
    expect(items).to_have_count(2)
    search.fill("refund")
    expect(items).to_have_count(1)
    expect(items.first).to_contain_text("Refund on its way")
    items.first.click()
    expect(alice.page.locator("#reply-text")).to_have_value(
        "Hi Rita, your refund is on its way. Alice Agent")
    expect(alice.page.locator("#canned")).to_be_hidden()


def test_a_channel_without_its_credentials_says_so_before_the_agent_writes(
    open_desk: Any, server: Any, workspace: Any
) -> None:
    page_channel = connect_channel("facebook", "104859392837465", name="Brand page")
    seeded = seed_conversation(page_channel, external_id="913374650012345_1203948576",
                               thread_key="fb:post:913374650012345", visibility="public",
                               kind="comment", customer_id="2200000000000001",
                               text="Where is my parcel?", queue=_queue(workspace.social))
    alice = open_desk(workspace.alice)
    alice.open(seeded.case_id)
    notice = alice.page.locator("#reply-not-set-up")
    expect(notice).to_contain_text("not set up to send replies yet (missing: access_token)")
    alice.page.locator("#reply-text").fill("On its way!")
    expect(alice.page.locator("#reply-send")).to_be_disabled()
