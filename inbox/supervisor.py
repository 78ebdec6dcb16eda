"""`inbox run`'s children: started together, each restarted with backoff when it exits,
all stopped together on Ctrl-C or SIGTERM (docs/operations.md, "Outages")."""

from __future__ import annotations

import logging
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from inbox.outage import Backoff

log = logging.getLogger("inbox.run")

FIRST_RESTART_SECONDS = 1.0
MAX_RESTART_SECONDS = 30.0
# A child that ran this long before exiting is not crash-looping: restart it promptly.
STEADY_SECONDS = 60.0
STOP_TIMEOUT_SECONDS = 10.0


@dataclass
class Child:
    name: str
    args: list[str]
    env: dict[str, str]
    process: subprocess.Popen[bytes] | None = None
    started_at: float = 0.0
    restart_at: float | None = None
    backoff: Backoff = field(
        default_factory=lambda: Backoff(FIRST_RESTART_SECONDS, MAX_RESTART_SECONDS))

    def start(self) -> None:
        self.process = subprocess.Popen([sys.executable, "-m", "inbox.cli", *self.args],
                                        env=self.env)
        self.started_at = time.monotonic()
        self.restart_at = None

    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None


class Supervisor:
    def __init__(self, children: list[Child]) -> None:
        self.children = children

    def start(self) -> None:
        for child in self.children:
            child.start()

    def watch(self, stopping: Callable[[], bool], poll_seconds: float = 0.3) -> None:
        """Until `stopping()`: restart each child that exited, later after each quick exit."""
        while not stopping():
            now = time.monotonic()
            for child in self.children:
                if child.running() or stopping():
                    continue
                if child.restart_at is None:
                    if now - child.started_at >= STEADY_SECONDS:
                        child.backoff.reset()
                    delay = child.backoff.next_delay()
                    child.restart_at = now + delay
                    code = child.process.returncode if child.process else None
                    log.warning("%s exited (code %s); restarting it in %.1f s",
                                child.name, code, delay)
                elif now >= child.restart_at:
                    child.start()
                    log.warning("%s restarted (pid %s)", child.name,
                                child.process.pid if child.process else "-")
            time.sleep(poll_seconds)

    def stop(self) -> None:
        """SIGTERM to all, then SIGKILL to whatever is still running after the timeout."""
        for child in self.children:
            if child.running() and child.process is not None:
                child.process.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + STOP_TIMEOUT_SECONDS
        for child in self.children:
            if child.process is None:
                continue
            try:
                child.process.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                child.process.kill()
                child.process.wait()
