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
