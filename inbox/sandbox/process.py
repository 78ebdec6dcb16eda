"""The sandbox as one piece: platform APIs, SMTP, the ledger and the customers, started
and stopped together; `inbox sandbox` runs it as a process (`inbox run --demo` supervises
one), `Sandbox` runs it in-process (tests)."""

from __future__ import annotations

import logging
import os
import signal
import socket
import threading
from typing import Any

import click

from inbox.channels.senders.destinations import ALLOW_VARIABLE
from inbox.sandbox.customers import AnswerPolicy, Customers
from inbox.sandbox.platform import SandboxPlatform, local_host
from inbox.sandbox.records import Ledger
from inbox.sandbox.smtp import SmtpReceiver

log = logging.getLogger("inbox.sandbox")


def free_port(host: str = "127.0.0.1", preferred: int | None = None) -> int:
    """`preferred` when nothing listens there, else a port the OS picks."""
    for port in ([preferred] if preferred else []) + [0]:
        with socket.socket() as probe:
            try:
                probe.bind((host, port))
            except OSError:
                continue
            return int(probe.getsockname()[1])
    raise OSError(f"no free port on {host}")


def sandbox_environment(host: str, port: int, smtp_port: int,
                        allowed: str | None = None) -> dict[str, str]:
    """The environment that sends a service's replies to a sandbox on these ports."""
    url = f"http://{local_host(host)}:{port}"
    allow = ",".join(part for part in ((allowed or "").strip(" ,"),
                                       f"{local_host(host)}:{port}") if part)
    return {
        "INBOX_META_API_URL": f"{url}/v21.0",
        "INBOX_X_API_URL": url,
        "INBOX_TWILIO_API_URL": url,
        "INBOX_SMTP_HOST": local_host(host),
        "INBOX_SMTP_PORT": str(smtp_port),
        # The generic source's reply URL is admin-given, so checked: loopback must be named.
        ALLOW_VARIABLE: allow,
    }


class Sandbox:
    def __init__(self, *, host: str = "127.0.0.1", port: int = 0, smtp_port: int = 0,
                 service_url: str = "", public_url: str | None = None,
                 policy: AnswerPolicy | None = None, seed: int | None = None) -> None:
        self.ledger = Ledger()
        self.smtp = SmtpReceiver(self.ledger, host=host, port=smtp_port)
        self.platform = SandboxPlatform(self.ledger, host=host, port=port,
                                        service_url=service_url,
                                        smtp=f"{local_host(host)}:{self.smtp.port}")
        self.customers = Customers(self.ledger, service_url, policy=policy,
                                   public_url=public_url, seed=seed) if service_url else None

    @property
    def url(self) -> str:
        return self.platform.url

    def environment(self, allowed: str | None = None) -> dict[str, str]:
        host, port = self.platform.url.removeprefix("http://").rsplit(":", 1)
        return sandbox_environment(host, int(port), self.smtp.port, allowed)

    def start(self) -> Sandbox:
        self.smtp.start()
        self.platform.start()
        if self.customers is not None:
            self.customers.start()
        return self

    def stop(self) -> None:
        if self.customers is not None:
            self.customers.stop()
        self.platform.stop()
        self.smtp.stop()

    def __enter__(self) -> Sandbox:
        return self.start()

    def __exit__(self, *exc: Any) -> None:
        self.stop()


def parse_delay(text: str) -> tuple[float, float]:
    """"4-10" -> (4.0, 10.0); "3" -> (3.0, 3.0)."""
    low, _, high = text.partition("-")
    try:
        return float(low), float(high or low)
    except ValueError:
        raise click.BadParameter(f"{text!r} is not SECONDS or MIN-MAX seconds") from None


def serve(host: str, port: int, smtp_port: int, service_url: str | None,
          policy: AnswerPolicy) -> int:
    """`inbox sandbox`: connect the demo channels, serve until Ctrl-C or SIGTERM."""
    from inbox import runtime
    from inbox.services import unit_of_work
    from inbox.services.admin.sandbox import do_connect_demo_channels

    logging.basicConfig(level="INFO",
                        format="%(asctime)s %(process)d %(name)s %(levelname)s %(message)s")
    settings = runtime.start().settings
    service = (service_url or settings.public_url).rstrip("/")
    sandbox = Sandbox(host=host, port=port, smtp_port=smtp_port, service_url=service,
                      public_url=settings.public_url, policy=policy)
    # The generic reply URL is checked against the outbound policy as it is saved.
    allowed = sandbox.environment(os.environ.get(ALLOW_VARIABLE))[ALLOW_VARIABLE]
    os.environ[ALLOW_VARIABLE] = allowed
    with unit_of_work() as session:
        connected = do_connect_demo_channels(session, sandbox.url)
        names = [channel.name for channel in connected]
    stopping = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stopping.set())
    with sandbox:
        log.info("sandbox platform at %s/ (SMTP on port %d), answering %s; %s", sandbox.url,
                 sandbox.smtp.port, service,
                 f"connected {', '.join(names)}" if names else "demo channels already connected")
        log.info("a service sends its replies here with: %s", " ".join(
            f"{name}={value}" for name, value in sandbox.environment().items()))
        stopping.wait()
    return 0
