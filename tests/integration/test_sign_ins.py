"""Sign-ins: each browser's session is recorded, listed and ends for good — at sign-out, by
its owner or an admin, at a password change — so a copied cookie stops working; "keep me
signed in" is a one-use secret traded for a new one at each use."""

from __future__ import annotations

import re
from typing import Any

PASSWORD = "correct-horse-battery"  # tests.conftest.make_user's


def sign_in(app: Any, email: str, remember: bool = False) -> Any:
    client = app.test_client()
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert token is not None
    data = {"csrf_token": token.group(1), "email": email, "password": PASSWORD}
    if remember:
        data["remember"] = "1"
    assert client.post("/login", data=data).status_code == 302
    return client


def csrf_of(client: Any) -> str:
    token = re.search(r'name="csrf-token" content="([^"]+)"', client.get("/").get_data(
        as_text=True))
    assert token is not None
    return token.group(1)


def with_cookie(app: Any, name: str, value: str) -> Any:
    """Another browser holding a copy of one cookie."""
    thief = app.test_client()
    thief.set_cookie(name, value)
    return thief


def signed_in(client: Any) -> bool:
    return client.get("/").status_code == 200


def test_a_copied_session_stops_working_once_its_owner_signs_out(
        app: Any, agent_alice: Any) -> None:
    browser = sign_in(app, agent_alice.email)
    copy = browser.get_cookie("session").value
    assert signed_in(with_cookie(app, "session", copy))
    [listed] = browser.get("/api/v1/sign-ins").json
    assert listed["current"] is True and listed["remembered"] is False
    assert browser.post("/logout", data={"csrf_token": csrf_of(browser)}).status_code == 302
    assert not signed_in(browser)
    assert not signed_in(with_cookie(app, "session", copy))


def test_keep_me_signed_in_is_a_one_use_secret_traded_at_each_use(
        app: Any, agent_alice: Any) -> None:
    browser = sign_in(app, agent_alice.email, remember=True)
    remember = browser.get_cookie("inbox_remember")
    assert remember is not None and remember.http_only
    restarted = with_cookie(app, "inbox_remember", remember.value)  # no session any more
    assert signed_in(restarted)
    traded = restarted.get_cookie("inbox_remember").value
    assert traded != remember.value
    assert not signed_in(with_cookie(app, "inbox_remember", remember.value))  # used up
    assert signed_in(with_cookie(app, "inbox_remember", traded))


def test_signing_out_ends_keep_me_signed_in_too(app: Any, agent_alice: Any) -> None:
    browser = sign_in(app, agent_alice.email, remember=True)
    remember = browser.get_cookie("inbox_remember").value
    browser.post("/logout", data={"csrf_token": csrf_of(browser)})
    assert browser.get_cookie("inbox_remember") is None
    assert not signed_in(with_cookie(app, "inbox_remember", remember))


def test_a_sign_in_ended_from_the_list_signs_that_browser_out(
        app: Any, agent_alice: Any, agent_bob: Any, api_as: Any) -> None:
    laptop = sign_in(app, agent_alice.email)
    phone = sign_in(app, agent_alice.email)
    listed = laptop.get("/api/v1/sign-ins").json
    assert len(listed) == 2
    [other] = [s for s in listed if not s["current"]]
    assert api_as(agent_bob).delete(f"/api/v1/sign-ins/{other['id']}").status_code == 404
    ended = laptop.delete(f"/api/v1/sign-ins/{other['id']}",
                          headers={"X-CSRFToken": csrf_of(laptop)})
    assert ended.status_code == 204
    assert not signed_in(phone)
    assert signed_in(laptop)


def test_a_new_password_signs_every_browser_out(
        app: Any, agent_alice: Any, admin_ada: Any, api_as: Any) -> None:
    browser = sign_in(app, agent_alice.email, remember=True)
    remember = browser.get_cookie("inbox_remember").value
    changed = api_as(admin_ada).patch(f"/api/v1/users/{agent_alice.id}",
                                      json={"password": "a-brand-new-secret"})
    assert changed.status_code == 200, changed.json
    assert not signed_in(browser)
    assert not signed_in(with_cookie(app, "inbox_remember", remember))
    assert api_as(admin_ada).patch(f"/api/v1/users/{agent_alice.id}",
                                   json={"password": "short"}).status_code == 422
    everyone = api_as(admin_ada).get("/api/v1/sign-ins?all=true").json
    assert [s for s in everyone if s["user_id"] == agent_alice.id] == []
