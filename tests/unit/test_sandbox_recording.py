"""The sandbox's platform side: each API answers a reply as its platform would, lists it
on the ledger and the page, and refuses calls without credentials (docs/sandbox.md)."""

from __future__ import annotations

import smtplib
from collections.abc import Iterator
from email.message import EmailMessage
from typing import Any

import pytest
import requests

from inbox.sandbox import Ledger, Reply, SandboxPlatform, SmtpReceiver
from tests.conftest import WAIT, wait_until

pytestmark = pytest.mark.no_backends
BEARER = {"Authorization": "Bearer sandbox-instagram-2"}
SID = "AC0123456789abcdef0123456789abcdef"


@pytest.fixture
def platform() -> Iterator[SandboxPlatform]:
    with SandboxPlatform() as sandbox:
        yield sandbox


def post(platform: SandboxPlatform, path: str, **kwargs: Any) -> requests.Response:
    return requests.post(platform.url + path, timeout=WAIT, **kwargs)


@pytest.mark.parametrize(("path", "request_args", "id_of", "listed"), [
    ("/v21.0/913_456/comments", {"json": {"message": "Sorry!"}, "headers": {
        "Authorization": "Bearer page-token"}},
     lambda body: body["id"], ("facebook", "public reply", "Sorry!", "", "913_456")),
    ("/v21.0/17900001/replies", {"json": {"message": "On it"}, "headers": BEARER},
     lambda body: body["id"], ("instagram", "public reply", "On it", "", "17900001")),
    ("/v21.0/me/messages", {"json": {"recipient": {"id": "6712"}, "message": {"text": "Hi"}},
                            "headers": BEARER},
     lambda body: body["message_id"], ("instagram", "direct message", "Hi", "6712", "")),
    ("/2/tweets", {"json": {"text": "@zoe fixed", "reply": {"in_reply_to_tweet_id": "18"}},
                   "headers": {"Authorization": "Bearer x"}},
     lambda body: body["data"]["id"], ("x", "public reply", "@zoe fixed", "", "18")),
    ("/2/dm_conversations/with/1234/messages", {"json": {"text": "DM"}, "headers": {
        "Authorization": "Bearer x"}},
     lambda body: body["data"]["dm_event_id"], ("x", "direct message", "DM", "1234", "")),
    (f"/2010-04-01/Accounts/{SID}/Messages.json", {
        "data": {"From": "+14155550100", "To": "+447700900022", "Body": "Call you at 3"},
        "auth": (SID, "token")},
     lambda body: body["sid"], ("voice", "text message (SMS)", "Call you at 3",
                                "+447700900022", "")),
    ("/generic/6", {"json": {"id": "inbox:9", "in_reply_to": "review-1", "text": "Thanks!",
                             "public": True}, "headers": {"X-Inbox-Signature": "sha256=ab"}},
     lambda body: body["id"], ("generic", "public reply", "Thanks!", "", "review-1")),
])
def test_each_platform_takes_a_reply_gives_it_an_id_and_lists_it(
    platform: SandboxPlatform, path: str, request_args: dict[str, Any], id_of: Any,
    listed: tuple[str, ...],
) -> None:
    response = post(platform, path, **request_args)
    assert response.status_code in (200, 201)
    [entry] = platform.ledger.entries()
    assert (entry.channel, entry.what, entry.text, entry.to, entry.answers) == listed
    assert entry.platform_id == id_of(response.json())


@pytest.mark.parametrize(("path", "request_args", "status"), [
    ("/v21.0/913_456/comments", {"json": {"message": "x"}}, 400),
    ("/2/tweets", {"json": {"text": "x"}}, 401),
    (f"/2010-04-01/Accounts/{SID}/Messages.json", {"data": {"Body": "x"},
                                                   "auth": ("ACother", "token")}, 401),
    ("/generic/6", {"json": {"text": "x"}}, 401),
])
def test_a_call_without_the_platforms_credentials_is_refused_and_not_listed(
    platform: SandboxPlatform, path: str, request_args: dict[str, Any], status: int,
) -> None:
    assert post(platform, path, **request_args).status_code == status
    assert platform.ledger.entries() == []
    assert len(platform.calls("POST", path)) == 1  # recorded all the same, for tests


def test_a_scripted_path_answers_in_turn_then_repeats_its_last_reply(
    platform: SandboxPlatform,
) -> None:
    platform.script("POST", "/2/tweets", Reply(429, headers={"Retry-After": "1"}),
                    Reply(201, {"data": {"id": "1900"}}))
    answers = [post(platform, "/2/tweets", json={"text": "hi"}) for _ in range(3)]
    assert [a.status_code for a in answers] == [429, 201, 201]
    assert answers[0].headers["Retry-After"] == "1"
    assert answers[2].json() == {"data": {"id": "1900"}}


def test_a_path_no_platform_has_answers_404(platform: SandboxPlatform) -> None:
    assert post(platform, "/admin", json={}).status_code == 404


def test_the_page_lists_replies_newest_first_and_escapes_what_agents_wrote(
    platform: SandboxPlatform,
) -> None:
    for text in ("first reply", "<script>alert(1)</script>"):
        post(platform, "/2/tweets", json={"text": text}, headers={"Authorization": "Bearer x"})
    page = requests.get(platform.url + "/", timeout=WAIT)
    assert page.headers["Content-Type"].startswith("text/html")
    assert "<script>alert" not in page.text and "&lt;script&gt;alert(1)" in page.text
    assert page.text.index("&lt;script&gt;") < page.text.index("first reply")
    listed = requests.get(platform.url + "/received.json", timeout=WAIT).json()
    assert [entry["text"] for entry in listed] == ["first reply", "<script>alert(1)</script>"]


def test_mail_sent_to_the_smtp_receiver_is_kept_and_listed_by_its_message_id() -> None:
    ledger = Ledger()
    mail = EmailMessage()
    mail["From"], mail["To"], mail["Subject"] = "support@acme.example", "zoe@example.net", "Re: Hi"
    mail["Message-ID"] = "<reply.1@acme.example>"
    mail["In-Reply-To"] = "<theirs.1@example.net>"
    mail.set_content("A courier is on the way.")
    with SmtpReceiver(ledger, ready_timeout=WAIT) as receiver:
        with smtplib.SMTP("127.0.0.1", receiver.port, timeout=WAIT) as smtp:
            smtp.send_message(mail)
        wait_until(lambda: ledger.entries(), "the mail to be listed")
    [entry] = ledger.entries()
    assert (entry.channel, entry.to, entry.subject, entry.text, entry.platform_id,
            entry.answers) == ("email", "zoe@example.net", "Re: Hi", "A courier is on the way.",
                               "reply.1@acme.example", "theirs.1@example.net")
    assert receiver.received[0].message["Subject"] == "Re: Hi"
