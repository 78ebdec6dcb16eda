"""`inbox run --demo` completes conversations: a reply on every channel kind goes to the
sandbox and turns "sent", and a simulated customer answers back into the case."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import requests

from tests.conftest import ROOT, WAIT, free_port, stop_process_group, wait_until

KINDS = ("facebook", "instagram", "x", "email", "voice", "generic")


class Api:
    def __init__(self, url: str, token: str) -> None:
        self.url, self.headers = url, {"Authorization": f"Bearer {token}"}

    def get(self, path: str) -> Any:
        answer = requests.get(self.url + path, headers=self.headers, timeout=WAIT)
        answer.raise_for_status()
        return answer.json()

    def post(self, path: str, body: dict[str, Any]) -> requests.Response:
        return requests.post(self.url + path, json=body, headers=self.headers, timeout=WAIT)


def reply_on_every_kind(api: Api, kind_of: dict[int, str],
                        replies: dict[str, tuple[int, int]]) -> bool:
    """Reply once per channel kind, on the first case that kind can answer; True when
    every kind has its reply (voice needs a caller whose number was not withheld)."""
    for case in api.get("/api/v1/cases?limit=100")["items"]:
        kind = kind_of[case["channel_id"]]
        if kind in replies:
            continue
        sent = api.post(f"/api/v1/cases/{case['id']}/reply",
                        {"text": f"Thanks for writing, we are on it ({kind})."})
        if sent.status_code == 201:
            replies[kind] = (case["id"], sent.json()["id"])
    return len(replies) == len(KINDS)


def send_status(api: Api, case_id: int, message_id: int) -> str:
    messages = api.get(f"/api/v1/cases/{case_id}")["messages"]
    return str(next(m for m in messages if m["id"] == message_id)["send_status"])


@pytest.mark.slow
@pytest.mark.no_backends
def test_a_demo_run_sends_replies_on_every_kind_and_customers_answer(tmp_path: Path) -> None:
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    env.update(INBOX_INSTANCE_PATH=str(tmp_path / "instance"),
               INBOX_SANDBOX_ANSWER_SHARE="1", INBOX_SANDBOX_ANSWER_DELAY="1")
    log = tmp_path / "run.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "inbox.cli", "run", "--demo", "--port", str(port)], env=env,
            cwd=ROOT, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    try:
        def ready() -> bool:
            if process.poll() is not None:
                raise RuntimeError("inbox run exited:\n" + log.read_text())
            return requests.get(url + "/readyz", timeout=5).ok

        wait_until(ready, "inbox run --demo to become ready")
        sandbox_url = next(line.rsplit(" ", 1)[1].rstrip("/")
                           for line in log.read_text().splitlines()
                           if line.startswith("Replies go to the sandbox platform:"))
        token = subprocess.run(
            [sys.executable, "-m", "inbox.cli", "tokens", "create", "admin@acme.example"],
            env=env, cwd=ROOT, capture_output=True, text=True, check=True).stdout.strip()
        api = Api(url, token)
        kind_of = {c["id"]: c["kind"] for c in api.get("/api/v1/channels")}
        replies: dict[str, tuple[int, int]] = {}
        wait_until(lambda: reply_on_every_kind(api, kind_of, replies),
                   "a case on every channel kind to reply to", timeout=3 * WAIT)

        for kind, (case_id, message_id) in replies.items():
            wait_until(lambda c=case_id, m=message_id: send_status(api, c, m) == "sent",
                       f"the {kind} reply to turn sent")
        received = requests.get(sandbox_url + "/received.json", timeout=WAIT).json()
        assert {entry["channel"] for entry in received} >= set(KINDS)

        def answered() -> list[Any]:
            return [m for case_id, message_id in replies.values()
                    for m in api.get(f"/api/v1/cases/{case_id}")["messages"]
                    if m["direction"] == "in" and m["id"] > message_id]

        assert wait_until(answered, "a customer's answer in one of the cases")
        assert "<h1>Sandbox platform</h1>" in requests.get(sandbox_url + "/", timeout=WAIT).text
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=WAIT) == 0
    finally:
        stop_process_group(process)
