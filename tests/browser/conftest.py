"""Browser tests: Debian's chromium driven by Playwright against a real web process, a
real RQ worker, real backends, a fake platform API and a real SMTP server.

Never `playwright install`: the browser is /usr/bin/chromium (apt-get install chromium).
Screenshots go to test-output/screenshots/ (gitignored).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from inbox.sandbox import Reply, SandboxPlatform, SmtpReceiver
from tests.browser.desk import ROOT, Desk, Workspace, make_workspace
from tests.conftest import (
    WAIT,
    LiveProcess,
    LiveServer,
    process_env,
    wait_registered,
)

CHROMIUM = Path(os.environ.get("INBOX_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
BUNDLE = ROOT / "frontend" / "static" / "dist" / "desk.js"
SCREENSHOTS = ROOT / "test-output" / "screenshots"
X_TWEET_ID = "1900000000000000001"
X_CUSTOMER_ID = "23456789"  # tests.browser.desk.post_x_mention's author


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    for item in items:
        if Path(str(item.fspath)).is_relative_to(here):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def chromium() -> Iterator[Any]:
    """One headless Debian chromium for the run (each test gets fresh contexts)."""
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium (apt-get install "
                    "chromium); the browser tests never download one")
    if not BUNDLE.exists():
        pytest.fail(f"{BUNDLE.relative_to(ROOT)} is missing: build the desk first "
                    "(./dev test does; or cd frontend && npm ci && npm run build)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS,
                                             headless=True)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def platform_api() -> Iterator[SandboxPlatform]:
    """X's API as far as replies go: public replies and direct messages are accepted."""
    with SandboxPlatform() as fake:
        fake.script("POST", "/2/tweets", Reply(201, {"data": {"id": X_TWEET_ID, "text": "ok"}}))
        fake.script("POST", f"/2/dm_conversations/with/{X_CUSTOMER_ID}/messages",
                    Reply(201, {"data": {"dm_conversation_id": "c-1", "dm_event_id": "dm-1"}}))
        yield fake


@pytest.fixture
def smtp_server() -> Iterator[SmtpReceiver]:
    with SmtpReceiver(ready_timeout=WAIT) as server:
        yield server


@pytest.fixture
def backend_env(runtime: Any, platform_api: SandboxPlatform,
                smtp_server: SmtpReceiver) -> dict[str, str]:
    """The environment of the web and worker processes: platforms point at the sandbox."""
    return process_env(
        runtime,
        INBOX_X_API_URL=platform_api.url,
        INBOX_META_API_URL=platform_api.url + "/v21.0",
        INBOX_SMTP_HOST="127.0.0.1",
        INBOX_SMTP_PORT=str(smtp_server.port),
        INBOX_CALL_BLOCKS_SOCIAL="1",
    )


@pytest.fixture
def workspace(runtime: Any) -> Workspace:
    return make_workspace()


@pytest.fixture
def server(backend_env: dict[str, str], workspace: Workspace) -> Iterator[LiveServer]:
    """The web process; `server.stop()` and `server.start()` restart it on the same port."""
    live = LiveServer(backend_env).start()
    try:
        yield live
    finally:
        live.stop()


@pytest.fixture
def worker(runtime: Any, backend_env: dict[str, str],
           workspace: Workspace) -> Iterator[LiveProcess]:
    """An RQ worker on every queue (ingest, outbound, default), as in production."""
    process = LiveProcess(["worker"], backend_env).start()
    try:
        yield wait_registered(process, runtime.redis)  # listening before the first webhook
    finally:
        process.stop()


@pytest.fixture
def open_desk(chromium: Any, server: LiveServer, worker: LiveProcess,
              request: pytest.FixtureRequest) -> Iterator[Callable[..., Desk]]:
    """open_desk(user) -> that user's desk, signed in, in its own browser context."""
    contexts: list[Any] = []

    def opener(user: Any, init_script: str | None = None, **context_options: Any) -> Desk:
        context = chromium.new_context(viewport={"width": 1600, "height": 1000},
                                       **context_options)
        contexts.append(context)
        if init_script:
            context.add_init_script(init_script)
        desk = Desk(context.new_page(), server.url, user)
        desk.sign_in()
        return desk

    try:
        yield opener
        failed = getattr(request.node, "rep_call", None)
        if failed is not None and failed.failed:
            SCREENSHOTS.mkdir(parents=True, exist_ok=True)
            for index, context in enumerate(contexts):
                for page in context.pages:
                    page.screenshot(
                        path=str(SCREENSHOTS / f"FAILED-{request.node.name}-{index}.png"))
    finally:
        for context in contexts:
            context.close()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: Any) -> Iterator[None]:
    outcome = yield
    report = outcome.get_result()
    if report.when == "call":
        item.rep_call = report  # type: ignore[attr-defined]
