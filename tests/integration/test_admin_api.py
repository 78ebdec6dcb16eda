"""Administration through the API alone: channels with their settings and credentials,
people, teams, queues and tokens; every change recorded with secrets masked."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from inbox.channels.generic import verify_inbox_signature
from inbox.channels.inbound import InboundRequest
from inbox.models import AdminChange, Delivery, Message
from inbox.sandbox import Reply, SandboxPlatform
from inbox.services import unit_of_work
from inbox.services.ingest.drain import drain
from tests.integration.test_outbound import run_outbound
from tests.signing import generic_headers, meta_headers, x_headers

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
PAGE_ID = "104859392837465"  # the page of fixtures/meta/feed_comment__basic.json
COMMENT_ID = "913374650012345_1203948576"


@pytest.fixture
def platform(monkeypatch: pytest.MonkeyPatch) -> Iterator[SandboxPlatform]:
    with SandboxPlatform() as fake:
        monkeypatch.setenv("INBOX_META_API_URL", fake.url + "/v21.0")
        yield fake


def review(item_id: str, text: str) -> bytes:
    return json.dumps({"id": item_id, "type": "review", "text": text,
                       "author": {"id": "reviewer-9", "name": "Reviewer Nine"}}).encode()


def setup_team(admin: Any, agent: Any) -> None:
    """A queue worked by the agent's team, through the API."""
    assert admin.patch(f"/api/v1/users/{agent.user.id}",
                       json={"teams": ["Social"]}).status_code == 200
    created = admin.post("/api/v1/queues", json={"name": "Social care", "teams": ["Social"]})
    assert created.status_code == 201, created.json


def outbound() -> list[Message]:
    with unit_of_work() as session:
        return list(session.scalars(select(Message).where(Message.direction == "out")))


def claim_and_reply(agent: Any, text: str) -> None:
    [case] = agent.get("/api/v1/cases?status=open").json["items"]
    assert agent.post(f"/api/v1/cases/{case['id']}/claim").status_code == 200
    sent = agent.post(f"/api/v1/cases/{case['id']}/reply", json={"text": text})
    assert sent.status_code == 201, sent.json


def test_a_generic_source_connected_by_api_gets_its_signed_reply(
        runtime: Any, client: Any, api_as: Any, admin_ada: Any, agent_alice: Any,
        platform: SandboxPlatform) -> None:
    admin, agent = api_as(admin_ada), api_as(agent_alice)
    setup_team(admin, agent)
    created = admin.post("/api/v1/channels", json={
        "kind": "generic", "name": "Reviews",
        "settings": {"reply_url": platform.url + "/replies"}})
    assert created.status_code == 201, created.json
    secret = created.json["signing_secret"]  # generated, shown this once
    assert created.json["can_send"] is True
    assert "signing_secret" not in admin.get(f"/api/v1/channels/{created.json['id']}").json
    body = review("rev-1", "Two stars: the refund never came")
    accepted = client.post(f"/webhooks/generic/{created.json['id']}", data=body,
                           headers=generic_headers(body, secret))
    assert accepted.status_code == 200
    drain()
    platform.script("POST", "/replies", Reply(200, {"id": "answer-1"}))
    claim_and_reply(agent, "Sorry! Refunding now.")
    run_outbound(runtime)
    [call] = platform.calls("POST")
    verify_inbox_signature(InboundRequest("POST", platform.url + "/replies", call.headers,
                                          call.body), secret, now=time.time(), key_prefix="t")
    assert call.json["text"] == "Sorry! Refunding now." and call.json["in_reply_to"] == "rev-1"
    [message] = outbound()
    assert (message.send_status, message.external_id) == ("sent", "answer-1")


def test_a_facebook_page_needs_its_token_to_send_and_then_replies(
        runtime: Any, client: Any, api_as: Any, admin_ada: Any, agent_alice: Any,
        platform: SandboxPlatform) -> None:
    admin, agent = api_as(admin_ada), api_as(agent_alice)
    setup_team(admin, agent)
    created = admin.post("/api/v1/channels", json={"kind": "facebook", "name": "Brand page",
                                                   "external_id": PAGE_ID})
    assert created.status_code == 201, created.json
    assert (created.json["can_send"], created.json["missing_to_send"]) == (False,
                                                                          ["access_token"])
    patched = admin.patch(f"/api/v1/channels/{created.json['id']}",
                          json={"credentials": {"access_token": "EAAB-page-token-77"}})
    assert (patched.status_code, patched.json["can_send"]) == (200, True)
    assert patched.json["credentials_set"] == ["access_token"]
    assert "EAAB-page-token-77" not in json.dumps(admin.get("/api/v1/channels").json)
    body = (FIXTURES / "meta" / "feed_comment__basic.json").read_bytes()
    assert client.post("/webhooks/meta", data=body, headers=meta_headers(body)).status_code \
        == 200
    drain()
    platform.script("POST", f"/v21.0/{COMMENT_ID}/comments", Reply(200, {"id": "c_99"}))
    claim_and_reply(agent, "We are on it.")
    run_outbound(runtime)
    [call] = platform.calls("POST")
    assert call.headers["authorization"] == "Bearer EAAB-page-token-77"
    assert [m.send_status for m in outbound()] == ["sent"]


@pytest.mark.parametrize(("url", "reason"), [
    ("http://169.254.169.254/latest/meta-data", "link-local"),
    ("http://10.0.0.5/hook", "private"),
    ("http://127.0.0.1:6379/", "loopback"),
])
def test_reply_urls_that_reach_inside_are_refused_naming_the_field(
        api_as: Any, admin_ada: Any, monkeypatch: pytest.MonkeyPatch, url: str,
        reason: str) -> None:
    monkeypatch.setenv("INBOX_OUTBOUND_ALLOW", "")
    admin = api_as(admin_ada)
    refused = admin.post("/api/v1/channels", json={"kind": "generic", "name": "Forum",
                                                   "settings": {"reply_url": url}})
    assert refused.status_code == 422
    assert reason in refused.json["error"]["fields"]["settings.reply_url"]
    made = admin.post("/api/v1/channels", json={"kind": "generic", "name": "Forum"})
    edited = admin.patch(f"/api/v1/channels/{made.json['id']}",
                         json={"settings": {"reply_url": url}})
    assert edited.status_code == 422 and "settings.reply_url" in edited.json["error"]["fields"]


@pytest.mark.parametrize(("body", "field"), [
    ({"kind": "facebook", "name": "Page"}, "external_id"),
    ({"kind": "voice", "name": "Hotline", "external_id": "0800 123"}, "external_id"),
    ({"kind": "instagram", "name": "IG", "external_id": "1784"}, None),
    ({"kind": "generic", "name": "Forum", "settings": {"colour": "red"}}, "settings.colour"),
    ({"kind": "voice", "name": "Hotline", "external_id": "+14155550100",
      "settings": {"sms_enabled": "yes"}}, "settings.sms_enabled"),
    ({"kind": "x", "name": "Brand", "external_id": "99",
      "credentials": {"password": "hunter2"}}, "credentials.password"),
])
def test_each_kind_is_validated_naming_the_wrong_field(api_as: Any, admin_ada: Any,
                                                       body: dict[str, Any],
                                                       field: str | None) -> None:
    answer = api_as(admin_ada).post("/api/v1/channels", json=body)
    if field is None:
        assert answer.status_code == 201
    else:
        assert answer.status_code == 422, answer.json
        assert field in answer.json["error"]["fields"]


def test_a_disabled_channel_refuses_webhooks_and_stores_nothing(
        client: Any, api_as: Any, admin_ada: Any) -> None:
    from inbox.services.ingest.deliveries import forget_channel_keys

    admin = api_as(admin_ada)
    channel = admin.post("/api/v1/channels", json={"kind": "generic", "name": "Forum"}).json
    assert admin.patch(f"/api/v1/channels/{channel['id']}",
                       json={"is_active": False}).json["is_active"] is False
    forget_channel_keys()  # what the commit's follow-up does in the web process
    body = review("r-2", "hello")
    refused = client.post(f"/webhooks/generic/{channel['id']}", data=body,
                          headers=generic_headers(body, channel["signing_secret"]))
    assert refused.status_code == 403 and "disabled" in refused.json["error"]["message"]
    with unit_of_work() as session:
        assert session.scalar(select(func.count()).select_from(Delivery)) == 0
    admin.patch(f"/api/v1/channels/{channel['id']}", json={"is_active": True})
    forget_channel_keys()
    assert client.post(f"/webhooks/generic/{channel['id']}", data=body,
                       headers=generic_headers(body, channel["signing_secret"])
                       ).status_code == 200


def test_a_disabled_page_refuses_metas_webhooks_for_it_alone(
        client: Any, api_as: Any, admin_ada: Any) -> None:
    """Meta calls one URL for every page: the body names the page, and only a delivery
    whose every page is disabled is refused; one that also names an enabled page is kept."""
    admin = api_as(admin_ada)
    page = admin.post("/api/v1/channels", json={"kind": "facebook", "name": "Brand page",
                                                "external_id": PAGE_ID}).json
    admin.post("/api/v1/channels", json={"kind": "facebook", "name": "Second page",
                                         "external_id": "209384756102938"})
    assert admin.patch(f"/api/v1/channels/{page['id']}",
                       json={"is_active": False}).status_code == 200
    single = (FIXTURES / "meta" / "feed_comment__basic.json").read_bytes()
    refused = client.post("/webhooks/meta", data=single, headers=meta_headers(single))
    assert refused.status_code == 403, refused.json
    assert PAGE_ID in refused.json["error"]["message"]
    assert "disabled" in refused.json["error"]["message"]
    with unit_of_work() as session:
        assert session.scalar(select(func.count()).select_from(Delivery)) == 0
    both = (FIXTURES / "meta" / "batch__two_entries.json").read_bytes()
    assert client.post("/webhooks/meta", data=both, headers=meta_headers(both)
                       ).status_code == 200
    admin.patch(f"/api/v1/channels/{page['id']}", json={"is_active": True})
    assert client.post("/webhooks/meta", data=single, headers=meta_headers(single)
                       ).status_code == 200
    with unit_of_work() as session:
        assert session.scalar(select(func.count()).select_from(Delivery)) == 2


def test_a_disabled_x_account_refuses_its_webhooks(
        client: Any, api_as: Any, admin_ada: Any) -> None:
    admin = api_as(admin_ada)
    body = (FIXTURES / "x" / "tweet_create__mention.json").read_bytes()
    account = json.loads(body)["for_user_id"]
    channel = admin.post("/api/v1/channels", json={"kind": "x", "name": "Brand on X",
                                                   "external_id": account}).json
    admin.patch(f"/api/v1/channels/{channel['id']}", json={"is_active": False})
    refused = client.post("/webhooks/x", data=body, headers=x_headers(body))
    assert refused.status_code == 403 and account in refused.json["error"]["message"]
    with unit_of_work() as session:
        assert session.scalar(select(func.count()).select_from(Delivery)) == 0


def test_a_rotated_secret_keeps_the_old_one_for_its_grace_period(
        client: Any, api_as: Any, admin_ada: Any) -> None:
    from inbox.services.ingest.deliveries import forget_channel_keys

    admin = api_as(admin_ada)
    channel = admin.post("/api/v1/channels", json={"kind": "generic", "name": "Forum"}).json
    old = channel["signing_secret"]
    rotated = admin.post(f"/api/v1/channels/{channel['id']}/rotate-secret",
                         json={"grace_hours": 1})
    assert rotated.status_code == 200 and rotated.json["signing_secret"] != old
    assert rotated.json["rotation_grace_until"] is not None
    forget_channel_keys()
    url = f"/webhooks/generic/{channel['id']}"
    for n, secret in enumerate((old, rotated.json["signing_secret"])):
        body = review(f"r-{n}", "still fine")
        assert client.post(url, data=body, headers=generic_headers(body, secret)
                           ).status_code == 200
    again = admin.post(f"/api/v1/channels/{channel['id']}/rotate-secret",
                       json={"grace_hours": 0})
    forget_channel_keys()
    body = review("r-9", "old secret")
    assert client.post(url, data=body, headers=generic_headers(
        body, rotated.json["signing_secret"])).status_code == 401
    assert client.post(url, data=body, headers=generic_headers(
        body, again.json["signing_secret"])).status_code == 200


def test_a_channel_in_use_cannot_be_deleted_only_disabled(
        client: Any, api_as: Any, admin_ada: Any) -> None:
    admin = api_as(admin_ada)
    unused = admin.post("/api/v1/channels", json={"kind": "generic", "name": "Spare"}).json
    assert admin.delete(f"/api/v1/channels/{unused['id']}").status_code == 204
    assert admin.get(f"/api/v1/channels/{unused['id']}").status_code == 404
    used = admin.post("/api/v1/channels", json={"kind": "generic", "name": "Forum"}).json
    body = review("r-1", "a message")
    client.post(f"/webhooks/generic/{used['id']}", data=body,
                headers=generic_headers(body, used["signing_secret"]))
    drain()
    refused = admin.delete(f"/api/v1/channels/{used['id']}")
    assert refused.status_code == 409 and "disable it instead" in refused.json["error"]["message"]


def test_admin_changes_are_recorded_with_secrets_masked(api_as: Any, admin_ada: Any) -> None:
    admin = api_as(admin_ada)
    channel = admin.post("/api/v1/channels", json={
        "kind": "facebook", "name": "Page", "external_id": "123",
        "credentials": {"access_token": "EAAB-secret-token-value"}}).json
    admin.patch(f"/api/v1/channels/{channel['id']}", json={"name": "Brand page"})
    changes = admin.get("/api/v1/admin/changes?target_kind=channel").json
    assert [c["action"] for c in changes] == ["channel.edit", "channel.create"]
    assert changes[0]["changes"] == {"name": ["Page", "Brand page"]}
    assert changes[1]["actor"] == "ada@example.com"
    assert changes[1]["changes"]["credentials"][1]["access_token"] == "set"
    with unit_of_work() as session:
        stored = json.dumps([c.changes for c in session.scalars(select(AdminChange))])
    assert "EAAB-secret-token-value" not in stored


def test_agents_cannot_administer(api_as: Any, agent_alice: Any) -> None:
    agent = api_as(agent_alice)
    assert agent.post("/api/v1/channels", json={"kind": "generic",
                                                "name": "x"}).status_code == 403
    assert agent.post("/api/v1/queues", json={"name": "Mine"}).status_code == 403
    assert agent.patch(f"/api/v1/users/{agent_alice.id}",
                       json={"role": "admin"}).status_code == 403
    assert agent.get("/api/v1/admin/changes").status_code == 403


def test_people_teams_and_queues_are_managed_and_access_follows(
        api_as: Any, admin_ada: Any) -> None:
    admin = api_as(admin_ada)
    made = admin.post("/api/v1/users", json={
        "email": "Nia@Example.com", "role": "agent", "name": "Nia", "password": "long-password",
        "teams": ["Billing"], "skills": ["french"], "capacity": {"email": 6}})
    assert made.status_code == 201, made.json
    assert (made.json["email"], made.json["teams"], made.json["skills"]) == (
        "nia@example.com", ["Billing"], ["french"])
    bad = admin.post("/api/v1/users", json={"email": "x@example.com", "role": "agent",
                                            "capacity": {"fax": 2}})
    assert bad.status_code == 422 and "capacity.fax" in bad.json["error"]["fields"]
    queue = admin.post("/api/v1/queues", json={"name": "Invoices", "teams": ["Billing"]})
    assert queue.status_code == 201 and queue.json["teams"] == ["Billing"]
    teams = {t["name"]: t for t in admin.get("/api/v1/teams").json}
    assert teams["Billing"]["members"] == 1
    renamed = admin.patch(f"/api/v1/teams/{teams['Billing']['id']}", json={"name": "Finance"})
    assert renamed.json["name"] == "Finance"
    [invoices] = [q for q in admin.get("/api/v1/queues/all").json if q["name"] == "Invoices"]
    assert invoices["teams"] == ["Finance"]
    off = admin.patch(f"/api/v1/users/{made.json['id']}", json={"is_active": False})
    assert off.json["is_active"] is False
    assert admin.patch(f"/api/v1/users/{admin_ada.id}",
                       json={"is_active": False}).status_code == 409


def test_tokens_are_listed_by_prefix_with_last_use_and_revoked(
        client: Any, api_as: Any, agent_alice: Any, admin_ada: Any) -> None:
    agent = api_as(agent_alice)
    created = agent.post("/api/v1/tokens", json={"name": "crm sync"})
    assert created.status_code == 201
    token = created.json["token"]
    assert token.startswith(created.json["prefix"]) and len(created.json["prefix"]) < 12
    headers = {"Authorization": f"Bearer {token}"}
    assert client.get("/api/v1/cases", headers=headers).status_code == 200
    [listed] = [t for t in agent.get("/api/v1/tokens").json if t["name"] == "crm sync"]
    assert listed["last_used_at"] is not None and "token" not in listed
    assert api_as(admin_ada).delete(f"/api/v1/tokens/{listed['id']}").status_code == 200
    assert client.get("/api/v1/cases", headers=headers).status_code == 401
    others = api_as(admin_ada).post("/api/v1/tokens", json={"name": "admin's"}).json
    assert agent.delete(f"/api/v1/tokens/{others['id']}").status_code == 404


def test_a_fresh_install_has_a_default_team_and_queue(tmp_path: Path) -> None:
    """`inbox db upgrade` on an empty database: cases have somewhere to go at once."""
    from sqlalchemy import create_engine, text

    from inbox import migrate

    url = f"sqlite:///{tmp_path / 'fresh.db'}"
    migrate.upgrade(url)
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            teams = connection.execute(text("SELECT name, is_default FROM teams")).all()
            queues = connection.execute(text("SELECT name FROM queues")).all()
    finally:
        engine.dispose()
    assert [(t.name, bool(t.is_default)) for t in teams] == [("Everyone", True)]
    assert [q.name for q in queues] == ["General"]
