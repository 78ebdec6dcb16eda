"""Every API endpoint needs a user; admin resources need the right role."""

from __future__ import annotations

from typing import Any

import pytest

from inbox import create_app

PUBLIC = {"/api/v1/openapi.json"}


def api_routes() -> list[tuple[str, str]]:
    app = create_app()
    routes = []
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/v1") or rule.rule in PUBLIC:
            continue
        path = rule.rule
        for name in rule.arguments:
            path = path.replace(f"<int:{name}>", "1").replace(f"<{name}>", "1")
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            routes.append((method, path))
    return sorted(set(routes))


@pytest.mark.parametrize(("method", "path"), api_routes())
def test_anonymous_calls_are_401(client: Any, method: str, path: str) -> None:
    response = client.open(path, method=method, json={})
    assert response.status_code == 401
    assert response.json["error"]["code"] == "unauthenticated"


ADMIN_ONLY = [
    ("POST", "/api/v1/channels", {"kind": "generic", "name": "x"}),
    ("POST", "/api/v1/deliveries/replay", {"failed": True}),
    ("GET", "/api/v1/deliveries/1", None),
    ("POST", "/api/v1/calendars", {"name": "x"}),
    ("POST", "/api/v1/sla-policies", {"name": "x"}),
]
SUPERVISOR = [
    ("GET", "/api/v1/channels", None),
    ("GET", "/api/v1/deliveries", None),
    ("GET", "/api/v1/rules", None),
    ("POST", "/api/v1/rules", {"name": "x"}),
    ("POST", "/api/v1/rules/dry-run", {"message": {"text": "hi"}}),
    ("GET", "/api/v1/sla-policies", None),
    ("GET", "/api/v1/watch-terms", None),
    ("GET", "/api/v1/monitored", None),
]


@pytest.mark.parametrize(("role", "method", "path", "body"), [
    *(("agent_alice", *call) for call in ADMIN_ONLY + SUPERVISOR),
    *(("supervisor_sam", *call) for call in ADMIN_ONLY),
])
def test_agents_and_supervisors_are_refused_what_is_above_them(
    api_as: Any, request: pytest.FixtureRequest, role: str, method: str, path: str, body: Any
) -> None:
    client = api_as(request.getfixturevalue(role))
    response = client.client.open(path, method=method, json=body, headers=client._headers())
    assert response.status_code == 403


def test_session_writes_need_the_csrf_token(app: Any, agent_alice: Any) -> None:
    browser = app.test_client()
    login = browser.get("/login")
    token = login.text.split('name="csrf_token" value="')[1].split('"')[0]
    response = browser.post("/login", data={"email": "alice@example.com",
                                            "password": "correct-horse-battery",
                                            "csrf_token": token})
    assert response.status_code == 302
    # signing in starts a new session, with a new CSRF token: the desk's page carries it
    token = browser.get("/").text.split('name="csrf-token" content="')[1].split('"')[0]
    assert browser.get("/api/v1/cases").status_code == 200  # reads need no token
    refused = browser.post("/api/v1/queues/1/next")
    assert refused.status_code == 400 and refused.json["error"]["code"] == "csrf_failed"
    allowed = browser.post("/api/v1/queues/1/next", headers={"X-CSRFToken": token})
    assert allowed.status_code == 404  # past CSRF: the queue does not exist


def test_wrong_password_is_refused_without_saying_which_part(client: Any,
                                                            agent_alice: Any) -> None:
    page = client.get("/login").text
    token = page.split('name="csrf_token" value="')[1].split('"')[0]
    response = client.post("/login", data={"email": "alice@example.com", "password": "nope",
                                           "csrf_token": token})
    assert response.status_code == 401
    assert "Wrong email or password" in response.text


def test_login_redirect_never_leaves_the_site(client: Any, agent_alice: Any) -> None:
    page = client.get("/login").text
    token = page.split('name="csrf_token" value="')[1].split('"')[0]
    response = client.post("/login?next=https://evil.example/", data={
        "email": "alice@example.com", "password": "correct-horse-battery", "csrf_token": token})
    assert response.status_code == 302 and response.headers["Location"] == "/"
