"""The desk's JavaScript bundle: built before the browser tests run, and when it is
missing the page says so in words instead of failing silently."""

from __future__ import annotations

import re
from typing import Any

import pytest

from inbox.web import pages
from tests.browser.conftest import BUNDLE
from tests.browser.desk import PASSWORD


def _signed_in(client: Any, email: str) -> None:
    login = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', login)
    assert token is not None
    response = client.post("/login", data={"csrf_token": token.group(1), "email": email,
                                           "password": PASSWORD})
    assert response.status_code == 302


def test_the_desk_bundle_is_built() -> None:
    assert BUNDLE.is_file() and BUNDLE.stat().st_size > 10_000, (
        f"{BUNDLE} is missing: run ./dev test (it builds the front end), "
        "or cd frontend && npm ci && npm run build")


def test_the_desk_page_loads_the_bundle_with_a_version(client: Any, workspace: Any) -> None:
    _signed_in(client, workspace.alice.email)
    page = client.get("/")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert re.search(r'<script type="module" src="/static/dist/desk\.js\?v=\d+">', html)
    assert "is not built" not in html
    assert "script-src 'self'" in page.headers["Content-Security-Policy"]


@pytest.mark.parametrize(("page", "path"), [("pages", "/"), ("admin", "/admin")])
def test_without_its_bundle_a_page_says_how_to_build_it(
    client: Any, workspace: Any, monkeypatch: pytest.MonkeyPatch, page: str, path: str
) -> None:
    from inbox.web import admin

    monkeypatch.setattr({"pages": pages, "admin": admin}[page], "BUNDLE", "dist/not-built.js")
    _signed_in(client, workspace.sam.email)
    html = client.get(path).get_data(as_text=True)
    assert "JavaScript is not built" in html
    assert "npm ci &amp;&amp; npm run build" in html
    assert "not-built.js?v=" not in html


def test_the_admin_page_loads_its_own_bundle_under_the_same_policy(
    client: Any, workspace: Any, runtime: Any
) -> None:
    from tests.conftest import make_user

    make_user("ada@example.com", "admin", "Ada Admin")
    _signed_in(client, "ada@example.com")
    page = client.get("/admin")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert re.search(r'<script type="module" src="/static/dist/admin\.js\?v=\d+">', html)
    assert "script-src 'self'" in page.headers["Content-Security-Policy"]
    assert 'href="/admin"' in client.get("/").get_data(as_text=True)  # the desk links to it


def test_the_browser_finds_a_favicon_where_it_looks(client: Any) -> None:
    icon = client.get("/favicon.ico")  # asked for whatever the page says; no sign-in needed
    assert icon.status_code == 200 and icon.mimetype == "image/svg+xml"
    assert b"<svg" in icon.get_data()
    assert 'rel="icon"' in client.get("/login").get_data(as_text=True)
