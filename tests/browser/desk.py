"""The browser tests' vocabulary: a workspace, signed webhooks, and the desk as a page object."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import requests
from sqlalchemy import select

from inbox.models import Case, Channel, Contact, Message, Queue, SlaPolicy, utcnow
from inbox.services import unit_of_work
from inbox.services.routing.rules import do_create_rule
from tests.conftest import WAIT, make_user
from tests.signing import compact, generic_headers, x_headers

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "test-output" / "screenshots"
PASSWORD = "correct-horse-battery"  # tests.conftest.make_user's
CHANNEL_SECRET = "browser-test-channel-secret"
X_ACCOUNT_ID = "1480000000000000001"
MAILBOX = "support@acme.example"

# Seconds per priority: first response, next response, resolution (24x7, no calendar).
SLA_TARGETS = {
    "1": {"first_response": 15 * 60, "next_response": 30 * 60, "resolution": 4 * 3600},
    "2": {"first_response": 60 * 60, "next_response": 2 * 3600, "resolution": 8 * 3600},
    "default": {"first_response": 4 * 3600, "next_response": 8 * 3600, "resolution": 86400},
}


@dataclass
class Workspace:
    alice: Any  # agent
    bob: Any  # agent
    sam: Any  # supervisor
    social: int  # queue ids
    email_queue: int
    tier2: int
    x: int  # channel ids
    email: int
    reviews: int


def make_workspace() -> Workspace:
    """Queues with an SLA policy, X / email / review channels, an outage rule, three people."""
    with unit_of_work() as session:
        policy = SlaPolicy(name="Standard", calendar_id=None, targets=SLA_TARGETS,
                           warn_ratio=0.75, breach_actions=[{"action": "notify"}])
        session.add(policy)
        session.flush()
        queues = [Queue(name=name, sla_policy_id=policy.id)
                  for name in ("Social care", "Email", "Tier 2")]
        session.add_all(queues)
        channels = [
            Channel(kind="x", name="@AcmeSupport", external_id=X_ACCOUNT_ID,
                    secrets={"signing_secret": CHANNEL_SECRET, "bearer_token": "x-test-token"}),
            Channel(kind="email", name="Support mailbox", external_id=MAILBOX,
                    secrets={"signing_secret": CHANNEL_SECRET}),
            Channel(kind="generic", name="Reviews", external_id=None,
                    secrets={"signing_secret": CHANNEL_SECRET}),
        ]
        session.add_all(channels)
        session.flush()
        do_create_rule(session, {
            "name": "Outages are P1", "stop_processing": False,
            "conditions": {"keywords": ["outage"]},
            "actions": [{"type": "set_priority", "priority": 1}],
        }, None)
        ids = [q.id for q in queues] + [c.id for c in channels]
    return Workspace(
        alice=make_user("alice@example.com", "agent", "Alice Agent"),
        bob=make_user("bob@example.com", "agent", "Bob Agent"),
        sam=make_user("sam@example.com", "supervisor", "Sam Supervisor"),
        social=ids[0], email_queue=ids[1], tier2=ids[2], x=ids[3], email=ids[4], reviews=ids[5],
    )


# ---------------------------------------------------------------- webhooks, as platforms send them


def post_review(base_url: str, channel_id: int, item_id: str, text: str, **extra: Any) -> None:
    item = {"id": item_id, "type": "review", "text": text,
            "author": {"id": f"author-{item_id}", "name": "Pat Reviewer", "followers": 120},
            **extra}
    body = compact(item)
    response = requests.post(f"{base_url}/webhooks/generic/{channel_id}", data=body,
                             headers=generic_headers(body, CHANNEL_SECRET), timeout=WAIT)
    assert response.status_code == 200, response.text


def post_x_mention(base_url: str, tweet_id: str, text: str, *, handle: str = "ritag",
                   name: str = "Rita Gómez", user_id: str = "23456789",
                   in_reply_to: str | None = None, location: str | None = None) -> None:
    payload = {"for_user_id": X_ACCOUNT_ID, "tweet_create_events": [{
        "created_at": time.strftime("%a %b %d %H:%M:%S +0000 %Y", time.gmtime()),
        "id": int(tweet_id), "id_str": tweet_id, "text": text, "truncated": False,
        "in_reply_to_status_id_str": in_reply_to, "lang": "en",
        "entities": {"hashtags": [], "urls": [], "user_mentions": [
            {"screen_name": "AcmeSupport", "id_str": X_ACCOUNT_ID, "indices": [0, 12]}]},
        "user": {"id": int(user_id), "id_str": user_id, "name": name, "screen_name": handle,
                 "followers_count": 1520, "verified": False, "location": location},
        "timestamp_ms": str(int(time.time() * 1000)),
    }]}
    body = compact(payload)
    response = requests.post(f"{base_url}/webhooks/x", data=body, headers=x_headers(body),
                             timeout=WAIT)
    assert response.status_code == 200, response.text


def post_raw_email(base_url: str, channel_id: int, raw: bytes) -> None:
    headers = generic_headers(raw, CHANNEL_SECRET)
    headers["Content-Type"] = "message/rfc822"
    response = requests.post(f"{base_url}/webhooks/email/raw/{channel_id}", data=raw,
                             headers=headers, timeout=WAIT)
    assert response.status_code == 200, response.text


# ---------------------------------------------------------------- waiting on the database


def wait_for(check: Callable[[], Any], timeout: float = WAIT, what: str = "condition") -> Any:
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.02)


def queue_row(queue_id: int) -> Queue:
    with unit_of_work() as session:
        queue = session.get(Queue, queue_id)
        assert queue is not None
        return queue


def find_case(**where: Any) -> Case | None:
    with unit_of_work() as session:
        stmt = select(Case).order_by(Case.id.desc())
        for name, value in where.items():
            stmt = stmt.where(getattr(Case, name) == value)
        return session.scalars(stmt.limit(1)).first()


def case_whose_subject_has(text: str) -> Callable[[], Case | None]:
    def check() -> Case | None:
        with unit_of_work() as session:
            return session.scalars(
                select(Case).where(Case.subject.contains(text)).order_by(Case.id.desc())
            ).first()
    return check


def earlier_email_case(contact_id: int, email_channel: int, queue: int) -> int:
    """Rita wrote by email last week too: a resolved case, her mood going down."""
    now = utcnow()
    with unit_of_work() as session:
        contact = session.get(Contact, contact_id)
        assert contact is not None
        contact.email, contact.verified, contact.followers = "rita@example.es", True, 15200
        case = Case(queue_id=queue, channel_id=email_channel, contact_id=contact_id,
                    subject="Router replacement", status="resolved", priority=3,
                    disposition="answered", resolved_at=now - timedelta(days=5),
                    created_at=now - timedelta(days=6))
        session.add(case)
        session.flush()
        for days, text, sentiment in ((6, "My router died, can I get a new one?", 0.1),
                                      (5.5, "Still no reply, getting annoyed.", -0.3)):
            session.add(Message(channel_id=email_channel, external_id=f"mail-{days}",
                                case_id=case.id, contact_id=contact_id, direction="in",
                                visibility="private", kind="email", text=text,
                                subject="Router replacement", sentiment=sentiment,
                                sent_at=now - timedelta(days=days)))
        return case.id


# ---------------------------------------------------------------- the desk


class Desk:
    """One signed-in agent's desk in its own browser context."""

    def __init__(self, page: Any, base_url: str, user: Any) -> None:
        self.page = page
        self.base_url = base_url
        self.user = user
        self.dialogs: list[str] = []
        self.errors: list[str] = []
        page.on("dialog", self._dialog)
        page.on("pageerror", lambda error: self.errors.append(str(error)))

    def _dialog(self, dialog: Any) -> None:  # alert(), confirm(): never expected
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def sign_in(self) -> Desk:
        page = self.page
        page.goto(f"{self.base_url}/login")
        page.get_by_label("Email").fill(self.user.email)
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_url(f"{self.base_url}/")
        self.wait_live()
        return self

    def wait_live(self, timeout: float = WAIT * 1000) -> None:
        """Signed in, the bundle running, connected and loaded (the banner is clear)."""
        self.page.wait_for_selector("body[data-ready=true]", timeout=timeout)
        self.page.wait_for_selector("#connection[data-state=live]", state="attached",
                                    timeout=timeout)

    def row(self, case_id: int) -> Any:
        return self.page.locator(f"#case-row-{case_id}")

    def open(self, case_id: int) -> None:
        self.row(case_id).click()
        self.page.wait_for_selector(f"#case-view[data-case-id='{case_id}']:not([hidden])")
        self.page.wait_for_selector("#timeline li")

    def action(self, name: str) -> Any:
        return self.page.locator(f"#case-actions button[data-action={name}]")

    def api(self, method: str, path: str, body: Any = None) -> dict[str, Any]:
        """Call the REST API from inside the page, with this agent's session and CSRF."""
        result: dict[str, Any] = self.page.evaluate(
            """async ([method, path, body]) => {
                const csrf = document.querySelector('meta[name="csrf-token"]').content;
                const response = await fetch('/api/v1' + path, {method, credentials: 'same-origin',
                    headers: {'Content-Type': 'application/json', 'X-CSRFToken': csrf},
                    body: body === null ? undefined : JSON.stringify(body)});
                const text = await response.text();
                return {status: response.status, body: text ? JSON.parse(text) : null};
            }""",
            [method, path, body],
        )
        return result

    def screenshot(self, name: str) -> Path:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / f"{name}.png"
        self.page.screenshot(path=str(path))
        return path

    def state(self) -> str:
        return json.dumps({"dialogs": self.dialogs, "errors": self.errors})
