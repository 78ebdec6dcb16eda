"""The sandbox's mail side: a real SMTP server (aiosmtpd) that keeps what it receives and
lists each mail in the ledger, so email replies turn "sent" like any other."""

from __future__ import annotations

import email
import email.policy
import socket
from dataclasses import dataclass
from email.message import EmailMessage
from typing import Any

from aiosmtpd.controller import Controller

from inbox.sandbox.records import Ledger

READY_SECONDS = 30.0  # aiosmtpd's own 5 s is too little on a busy machine


@dataclass(frozen=True)
class Mail:
    mail_from: str
    rcpt_tos: list[str]
    data: bytes

    @property
    def message(self) -> EmailMessage:
        parsed = email.message_from_bytes(self.data, policy=email.policy.default)
        assert isinstance(parsed, EmailMessage)
        return parsed


def _plain_text(message: EmailMessage) -> str:
    part = message.get_body(preferencelist=("plain", "html"))
    try:
        return str(part.get_content()).strip() if part is not None else ""
    except (LookupError, ValueError):
        return ""


class _Recorder:
    def __init__(self, ledger: Ledger) -> None:
        self.ledger = ledger
        self.received: list[Mail] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        mail = Mail(envelope.mail_from, list(envelope.rcpt_tos),
                    bytes(envelope.original_content or envelope.content))
        self.received.append(mail)
        message = mail.message
        self.ledger.add(channel="email", what="email", to=", ".join(mail.rcpt_tos),
                        text=_plain_text(message), subject=str(message["Subject"] or ""),
                        platform_id=str(message["Message-ID"] or "").strip().strip("<>"),
                        answers=str(message["In-Reply-To"] or "").strip().strip("<>"))
        return "250 OK"


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket() as probe:
        probe.bind((host, 0))
        return int(probe.getsockname()[1])


class SmtpReceiver:
    def __init__(self, ledger: Ledger | None = None, *, host: str = "127.0.0.1",
                 port: int = 0, ready_timeout: float = READY_SECONDS) -> None:
        self.host = host
        self.port = port or free_port(host)
        self._recorder = _Recorder(ledger or Ledger())
        self._controller = Controller(self._recorder, hostname=host, port=self.port,
                                      ready_timeout=ready_timeout)

    @property
    def received(self) -> list[Mail]:
        return self._recorder.received

    def start(self) -> SmtpReceiver:
        self._controller.start()
        return self

    def stop(self) -> None:
        self._controller.stop()

    def __enter__(self) -> SmtpReceiver:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
