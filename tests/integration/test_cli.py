"""The `inbox` console script's admin commands, run as a user would."""

from __future__ import annotations

import subprocess
import sys
from typing import Any

from tests.conftest import ROOT, process_env


def inbox(runtime: Any, *args: str, env: dict[str, str] | None = None
          ) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "inbox.cli", *args], env=process_env(runtime, **(env or {})),
        cwd=ROOT, capture_output=True, text=True, timeout=60,
    )


def test_users_add_then_tokens_create_gives_a_working_token(runtime: Any, client: Any) -> None:
    added = inbox(runtime, "users", "add", "Carla@Example.com", "--role", "agent",
                  "--name", "Carla", "--password", "long-enough-pw")
    assert added.returncode == 0, added.stderr
    assert "created agent carla@example.com" in added.stdout
    created = inbox(runtime, "tokens", "create", "carla@example.com")
    assert created.returncode == 0, created.stderr
    token = created.stdout.strip()
    assert "\n" not in token and token.startswith("inbx_")
    response = client.get("/api/v1/cases", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200


def test_users_add_without_team_joins_the_default_team(runtime: Any) -> None:
    from sqlalchemy import select

    from inbox.models import User
    from inbox.services import unit_of_work

    assert inbox(runtime, "users", "add", "dan@example.com", "--role", "supervisor").returncode == 0
    with unit_of_work() as session:
        user = session.scalar(select(User).where(User.email == "dan@example.com"))
        assert user is not None
        assert [team.is_default for team in user.teams] == [True]


def test_users_add_generates_and_prints_a_password_when_none_given(runtime: Any) -> None:
    added = inbox(runtime, "users", "add", "eve@example.com", "--role", "admin")
    assert added.returncode == 0
    assert "password: " in added.stdout


def test_users_add_refuses_a_duplicate_with_a_reason(runtime: Any) -> None:
    assert inbox(runtime, "users", "add", "f@example.com", "--role", "agent").returncode == 0
    again = inbox(runtime, "users", "add", "f@example.com", "--role", "agent")
    assert again.returncode == 1
    assert "already exists" in again.stderr
    assert "Traceback" not in again.stderr


def test_users_add_refuses_a_bad_role(runtime: Any) -> None:
    result = inbox(runtime, "users", "add", "g@example.com", "--role", "boss")
    assert result.returncode == 2
    assert "boss" in result.stderr


def test_tokens_create_for_an_unknown_user_fails_clearly(runtime: Any) -> None:
    result = inbox(runtime, "tokens", "create", "nobody@example.com")
    assert result.returncode == 1
    assert "no user with email nobody@example.com" in result.stderr


def test_channels_are_managed_from_the_command_line(runtime: Any) -> None:
    added = inbox(runtime, "channels", "add", "generic", "--name", "Forum",
                  "--setting", "reply_url=http://127.0.0.1:9/replies",
                  "--setting", 'reply_visibilities=["public"]')
    assert added.returncode == 0, added.stderr
    channel_id, url = added.stdout.split()
    assert url.endswith(f"/webhooks/generic/{channel_id}")
    assert "signing secret: " in added.stderr
    listed = inbox(runtime, "channels", "list").stdout
    assert f"{channel_id}\tgeneric\tForum\t-\tenabled\tcan send" in listed
    edited = inbox(runtime, "channels", "edit", channel_id, "--unset", "reply_url")
    assert "cannot send yet: missing reply_url" in edited.stdout, edited.stderr
    assert "\tdisabled\t" in inbox(runtime, "channels", "disable", channel_id).stdout
    assert "\tenabled\t" in inbox(runtime, "channels", "enable", channel_id).stdout
    rotated = inbox(runtime, "channels", "rotate-secret", channel_id, "--grace-hours", "2")
    assert rotated.returncode == 0 and len(rotated.stdout.strip()) >= 32
    deleted = inbox(runtime, "channels", "delete", channel_id)
    assert deleted.returncode == 0 and "deleted" in deleted.stderr


def test_channel_commands_validate_like_the_api(runtime: Any) -> None:
    wrong_id = inbox(runtime, "channels", "add", "instagram", "--name", "IG",
                     "--external-id", "brand.ig")
    assert wrong_id.returncode == 1
    assert "an Instagram channel" in wrong_id.stderr and "external_id" in wrong_id.stderr
    no_phone = inbox(runtime, "channels", "add", "voice", "--name", "Hotline",
                     "--external-id", "0800-123")
    assert no_phone.returncode == 1 and "E.164" in no_phone.stderr
    short = inbox(runtime, "channels", "add", "generic", "--name", "Forum", "--secret", "short")
    assert short.returncode == 1 and "16 to 200" in short.stderr
    unknown = inbox(runtime, "channels", "add", "generic", "--name", "Forum",
                    "--setting", "colour=red")
    assert unknown.returncode == 1 and "settings.colour" in unknown.stderr


def test_channels_add_prints_urls_on_the_port_inbox_run_serves(runtime: Any) -> None:
    served = runtime.settings.instance_path / "served-url"
    served.write_text("http://127.0.0.1:5123\n")
    try:
        env = {k: v for k, v in process_env(runtime).items() if k != "INBOX_PUBLIC_URL"}
        added = subprocess.run(
            [sys.executable, "-m", "inbox.cli", "channels", "add", "email", "--name", "Support",
             "--external-id", "help@brand.example"], env=env, cwd=ROOT,
            capture_output=True, text=True, timeout=60)
    finally:
        served.unlink()
    assert added.returncode == 0, added.stderr
    channel_id, url = added.stdout.split()
    assert url == "http://127.0.0.1:5123/webhooks/email/mailgun"
    assert f"http://127.0.0.1:5123/webhooks/email/raw/{channel_id}" in added.stderr


def test_teams_queues_and_tokens_from_the_command_line(runtime: Any) -> None:
    assert inbox(runtime, "teams", "add", "Billing").returncode == 0
    assert inbox(runtime, "users", "add", "eve@example.com", "--role", "agent",
                 "--team", "Billing").returncode == 0
    assert inbox(runtime, "queues", "add", "Invoices", "--team", "Billing").returncode == 0
    assert "Invoices\tpull\tBilling" in inbox(runtime, "queues", "list").stdout
    assert "\tBilling\t1 members" in inbox(runtime, "teams", "list").stdout
    token = inbox(runtime, "tokens", "create", "eve@example.com", "--name", "crm").stdout.strip()
    [line] = inbox(runtime, "tokens", "list", "--email", "eve@example.com").stdout.splitlines()
    token_id, prefix, name = line.split("\t")[:3]
    assert token.startswith(prefix) and name == "crm" and line.endswith("\t-")
    assert inbox(runtime, "tokens", "revoke-id", token_id).returncode == 0
    assert not inbox(runtime, "tokens", "list").stdout.splitlines()[0].endswith("\t-")


def test_event_webhooks_from_the_command_line(runtime: Any) -> None:
    from inbox.sandbox import Reply, SandboxPlatform
    from tests.integration.test_outbound import run_outbound

    with SandboxPlatform() as recorder:
        recorder.script("POST", "/hook", Reply(500))
        refused = inbox(runtime, "webhooks", "add", "http://10.1.2.3/hook", "--event",
                        "case.created", env={"INBOX_OUTBOUND_ALLOW": ""})
        assert refused.returncode == 1 and "url" in refused.stderr
        unknown = inbox(runtime, "webhooks", "add", recorder.url + "/hook", "--event", "nope")
        assert unknown.returncode == 1 and "events" in unknown.stderr
        added = inbox(runtime, "webhooks", "add", recorder.url + "/hook", "--event",
                      "sla.breached", "--description", "pager")
        assert added.returncode == 0, added.stderr
        assert len(added.stdout.strip()) == 64  # the secret, alone on standard output
        listed = inbox(runtime, "webhooks", "list").stdout.split("\t")
        assert listed[1:4] == ["enabled", recorder.url + "/hook", "sla.breached"]
        subscription_id = listed[0]
        _publish_a_breach()
        run_outbound(runtime)
        [line] = inbox(runtime, "webhooks", "deliveries", "--status", "failed").stdout.splitlines()
        row_id, delivery_id, _, event, status, attempts, code = line.split("\t")[:7]
        assert (event, status, attempts, code) == ("sla.breached", "failed", "1", "500")
        recorder.script("POST", "/hook", Reply(200))
        replayed = inbox(runtime, "webhooks", "replay", row_id)
        assert replayed.returncode == 0 and delivery_id in replayed.stdout
        run_outbound(runtime)
        [line] = inbox(runtime, "webhooks", "deliveries").stdout.splitlines()
        assert line.split("\t")[4] == "delivered"
        assert [c.headers["x-inbox-delivery"] for c in recorder.calls("POST")] == [
            delivery_id] * 2
        assert inbox(runtime, "webhooks", "remove", subscription_id).returncode == 0
        assert inbox(runtime, "webhooks", "list").stdout == ""
        assert inbox(runtime, "webhooks", "remove", subscription_id).returncode == 1


def _publish_a_breach() -> None:
    from inbox.models import utcnow
    from inbox.realtime.publish import publish
    from inbox.services import unit_of_work

    with unit_of_work() as session:
        publish(session, "sla.breached", {"case_id": 1, "target": "resolution",
                                          "due_at": utcnow().isoformat(), "queue_id": None},
                ["supervisors"])
