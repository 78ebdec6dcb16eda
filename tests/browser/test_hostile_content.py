"""Customer content is text, never markup: scripts, event handlers and javascript: links
arriving in posts, profile links and HTML email render inert."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import expect

from tests.browser.desk import case_whose_subject_has, post_raw_email, post_review, wait_for

HOSTILE_TEXT = ('Great shop <img src=x onerror=alert(1)> <script>alert(2)</script> '
                '<a href="javascript:alert(3)">my order</a> javascript:alert(4) '
                'see https://example.org/help')

HOSTILE_MAIL = b"""\
Message-ID: <hostile-1@mail.example.com>
Date: Fri, 02 Jan 2026 09:30:00 +0100
From: Mallory <mallory@example.com>
To: support@acme.example
Subject: Invoice question
MIME-Version: 1.0
Content-Type: text/html; charset=utf-8

<p>Hello <b>support</b>, about my invoice:</p>
<img src=x onerror="alert(7)">
<a href="javascript:alert(8)">open invoice</a>
<a href="https://example.org/invoice">invoice page</a>
<script>alert(9)</script>
<iframe src="javascript:alert(10)"></iframe>
<svg onload="alert(11)"></svg>
"""


def _assert_inert(desk: Any) -> None:
    timeline = desk.page.locator("#timeline")
    expect(timeline.locator("img, script, iframe, svg, object, embed")).to_have_count(0)
    expect(desk.page.locator("[onerror], [onload], [onclick]")).to_have_count(0)
    expect(desk.page.locator("a[href^='javascript:' i]")).to_have_count(0)
    for link in desk.page.locator("#timeline a[href], #contact-panel a[href]").all():
        assert link.get_attribute("target") == "_blank"
        assert "noopener" in (link.get_attribute("rel") or "")
    desk.page.wait_for_timeout(300)  # give any handler that slipped through time to fire
    assert desk.dialogs == [], f"customer content ran script: {desk.dialogs}"
    assert desk.page.evaluate("window.__pwned === undefined")


def test_html_and_javascript_links_in_a_post_render_as_inert_text(
    open_desk: Any, server: Any, workspace: Any
) -> None:
    alice = open_desk(workspace.alice)
    post_review(server.url, workspace.reviews, "r-xss", HOSTILE_TEXT,
                url="javascript:alert(5)",
                author={"id": "mallory", "name": "<b onmouseover=alert(6)>Mallory</b>",
                        "url": "javascript:alert(6)"})
    case = wait_for(case_whose_subject_has("Great shop"), what="the case")
    expect(alice.row(case.id)).to_contain_text("<img src=x onerror=alert(1)>")
    alice.open(case.id)
    body = alice.page.locator("#timeline .msg .msg__body").first
    expect(body).to_contain_text('<img src=x onerror=alert(1)> <script>alert(2)</script>')
    expect(body).to_contain_text('<a href="javascript:alert(3)">my order</a> javascript:alert(4)')
    link = body.locator("a")
    expect(link).to_have_count(1)  # only the https address became a link
    expect(link).to_have_attribute("href", "https://example.org/help")
    expect(alice.page.locator("#timeline .msg__author")).to_contain_text(
        "<b onmouseover=alert(6)>Mallory</b>")
    expect(alice.page.locator("#timeline .unsafe-link").first).to_be_visible()
    alice.page.locator("#timeline .msg__author").hover()
    _assert_inert(alice)
    alice.screenshot("hostile-post-inert")


def test_hostile_html_email_renders_sanitized(open_desk: Any, server: Any, workspace: Any) -> None:
    alice = open_desk(workspace.alice)
    post_raw_email(server.url, workspace.email, HOSTILE_MAIL.replace(b"\n", b"\r\n"))
    case = wait_for(case_whose_subject_has("Invoice question"), what="the email case")
    alice.open(case.id)
    body = alice.page.locator("#timeline .msg .msg__body").first
    expect(body).to_contain_text("about my invoice")
    _assert_inert(alice)
    if alice.page.locator("#timeline .msg__body--html").count():  # the API gave the HTML
        expect(body.locator("b")).to_have_text("support")  # formatting kept
        expect(body.locator("a[href='https://example.org/invoice']")).to_have_attribute(
            "rel", "noopener noreferrer nofollow")
