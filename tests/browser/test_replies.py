"""Replying from the desk: the platform receives it, the desk follows it to 'sent'."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import expect

from tests.browser.conftest import X_TWEET_ID
from tests.browser.desk import case_whose_subject_has, post_x_mention, wait_for

MENTION_ID = "1874500000000000201"


def test_a_reply_reaches_the_platform_and_turns_sent(
    open_desk: Any, server: Any, workspace: Any, platform_api: Any
) -> None:
    alice = open_desk(workspace.alice)
    post_x_mention(server.url, MENTION_ID, "@AcmeSupport my router keeps dropping the line")
    case = wait_for(case_whose_subject_has("router keeps dropping"), what="the case")
    alice.open(case.id)
    alice.page.keyboard.press("r")
    expect(alice.page.locator("#reply-text")).to_be_focused()
    expect(alice.page.locator("#mode-public")).to_be_checked()
    alice.page.keyboard.type("Sorry about that! We are checking your line now.")
    alice.page.keyboard.press("Control+Enter")
    calls = wait_for(lambda: platform_api.calls("POST", "/2/tweets"), what="the X API call")
    assert calls[0].json == {"text": "Sorry about that! We are checking your line now.",
                             "reply": {"in_reply_to_tweet_id": MENTION_ID}}
    assert calls[0].headers["authorization"] == "Bearer x-test-token"
    sent = alice.page.locator(".msg[data-direction=out] .send-status")
    expect(sent).to_have_attribute("data-send-status", "sent", timeout=10_000)
    expect(sent).to_have_text("Sent")
    expect(alice.page.locator("#case-holder")).to_have_text("Yours")  # answering claimed it
    alice.screenshot("reply-sent")

    # The customer answers our reply (its X id is the fake's): the desk says what to.
    post_x_mention(server.url, "1874500000000000202", "@AcmeSupport still dropping!",
                   in_reply_to=X_TWEET_ID)
    answer = alice.page.locator(".msg[data-direction=in]").last
    expect(answer).to_contain_text("still dropping!")
    expect(answer.locator(".msg__replied-to")).to_contain_text(
        "in reply to our reply: “Sorry about that! We are checking your line now.”")


THREAD_MAIL = b"""\
Message-ID: <order-77.reply@mail.example.org>
In-Reply-To: <order-77@mail.example.org>
References: <order-77@mail.example.org>
Date: Fri, 02 Jan 2026 09:30:00 +0100
From: "Okafor, Ada" <ada.okafor@example.org>
To: support@acme.example
Subject: Order 5521 still missing
MIME-Version: 1.0
Content-Type: text/plain; charset=utf-8

Hello, my order 5521 has still not arrived. Can you check?
Ada
"""


def test_an_email_reply_reaches_smtp_threaded_under_the_customer_mail(
    open_desk: Any, server: Any, workspace: Any, smtp_server: Any
) -> None:
    from tests.browser.desk import post_raw_email

    alice = open_desk(workspace.alice)
    post_raw_email(server.url, workspace.email, THREAD_MAIL.replace(b"\n", b"\r\n"))
    case = wait_for(case_whose_subject_has("Order 5521"), what="the email case")
    alice.open(case.id)
    expect(alice.page.locator("#mode-private")).to_be_checked()
    expect(alice.page.locator("#mode-public")).to_have_count(0)  # email is private only
    expect(alice.page.locator("#email-subject")).to_have_text(
        "Subject: Re: Order 5521 still missing")
    alice.page.locator("#reply-text").fill("Hello Ada, it left our depot. Sorry for the wait.")
    alice.page.get_by_role("button", name="Send reply").click()
    received = wait_for(lambda: smtp_server.received, what="the mail at the SMTP server")
    mail = received[0].message
    assert received[0].rcpt_tos == ["ada.okafor@example.org"]
    assert mail["Subject"] == "Re: Order 5521 still missing"
    assert mail["In-Reply-To"] == "<order-77.reply@mail.example.org>"
    assert mail["References"].split() == ["<order-77@mail.example.org>",
                                          "<order-77.reply@mail.example.org>"]
    assert "support@acme.example" in mail["From"]
    assert "it left our depot" in mail.get_content()
    status = alice.page.locator(".msg[data-direction=out] .send-status")
    expect(status).to_have_attribute("data-send-status", "sent", timeout=10_000)
