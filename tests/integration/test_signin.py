"""Sign-in that resists attack: wrong passwords lock the account for a while (429 with
Retry-After, even for the right password), a flood from one address is cut off, a right
password is never counted against anyone, and an unknown account costs the same hashing
as a real one."""

from __future__ import annotations

import re
from typing import Any

import pytest

PASSWORD = "correct-horse-battery"  # tests.conftest.make_user's


def attempt(client: Any, email: str, password: str) -> Any:
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert token is not None
    return client.post("/login", data={"csrf_token": token.group(1), "email": email,
                                       "password": password})


def test_five_wrong_passwords_lock_the_account_even_for_the_right_one(
        app: Any, agent_alice: Any, agent_bob: Any) -> None:
    client = app.test_client()
    for _ in range(5):
        assert attempt(client, agent_alice.email, "not-it").status_code == 401
    locked = attempt(client, agent_alice.email, PASSWORD)
    assert locked.status_code == 429
    assert int(locked.headers["Retry-After"]) > 0
    assert "Too many sign-in attempts" in locked.get_data(as_text=True)
    assert attempt(app.test_client(), agent_bob.email, PASSWORD).status_code == 302  # Bob's fine
    # the lock is the account's, whatever case the address was typed in
    assert attempt(client, agent_alice.email.upper(), PASSWORD).status_code == 429


def test_signing_in_right_is_never_counted(app: Any, agent_alice: Any) -> None:
    for _ in range(8):
        client = app.test_client()
        assert attempt(client, agent_alice.email, PASSWORD).status_code == 302


def test_a_flood_from_one_address_is_cut_off_before_hashing(
        app: Any, agent_alice: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    from inbox.services.admin import users

    hashed = []
    real = users.check_password_hash
    monkeypatch.setattr(users, "check_password_hash",
                        lambda *args: hashed.append(1) or real(*args))
    client = app.test_client()
    answers = [attempt(client, f"nobody{n}@example.com", "guess").status_code
               for n in range(25)]
    assert answers[:20] == [401] * 20
    assert set(answers[20:]) == {429}
    assert len(hashed) == 20  # the refused ones cost no hashing


def test_an_unknown_account_costs_the_same_hashing_as_a_real_one(
        app: Any, agent_alice: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    from inbox.services.admin import users

    hashed: list[str] = []
    real = users.check_password_hash
    monkeypatch.setattr(users, "check_password_hash",
                        lambda stored, password: hashed.append(stored) or real(stored, password))
    client = app.test_client()
    assert attempt(client, "nobody@example.com", "guess").status_code == 401
    assert attempt(client, agent_alice.email, "guess").status_code == 401
    unknown, known = hashed
    # the same algorithm and work factor: only the salt and the digest differ
    assert unknown.split("$")[0] == known.split("$")[0]


def test_production_pages_ask_for_https_only(app: Any) -> None:
    app.config["SESSION_COOKIE_SECURE"] = True
    assert "max-age=" in app.test_client().get("/login").headers["Strict-Transport-Security"]
    app.config["SESSION_COOKIE_SECURE"] = False
    assert "Strict-Transport-Security" not in app.test_client().get("/login").headers
