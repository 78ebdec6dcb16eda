"""One message of a batch being taken in, and what taking it in decides about it."""

from __future__ import annotations

import enum
from dataclasses import dataclass

from inbox.channels.base import NormalizedMessage
from inbox.models import Case, Channel
from inbox.services.contacts.identities import ContactFacts
from inbox.services.ingest.enrichment import Enrichment
from inbox.services.routing.engine import RoutingDecision


class MessageOutcome(enum.Enum):
    NEW_CASE = "new_case"
    APPENDED = "appended"
    JOINED = "joined"  # a new conversation joined the customer's open case (join rule)
    REOPENED = "reopened"
    DUPLICATE = "duplicate"
    ECHO = "echo"
    MONITORED = "monitored"
    LOGGED = "logged"


@dataclass(eq=False)
class Arrival:
    """One normalized message of a batch and what ingesting it learns."""

    channel: Channel
    msg: NormalizedMessage
    delivery_id: int | None
    contact: ContactFacts | None = None
    enrichment: Enrichment | None = None
    listening: bool = False
    log_only: bool = False
    thread_key: str | None = None
    id: int | None = None  # the stored message; None: a duplicate
    case: Case | None = None
    outcome: MessageOutcome | None = None
    decision: RoutingDecision | None = None  # of the case it opens
    complaint_probability: float | None = None  # the complaint model's; None: no model

    def reset(self) -> None:
        """Forget what a rolled-back attempt learnt, to take the message in again."""
        self.contact = self.enrichment = self.thread_key = self.id = None
        self.case = self.outcome = self.decision = self.complaint_probability = None
        self.listening = self.log_only = False

    # message_payload() reads an arrival as it reads a stored message.
    @property
    def case_id(self) -> int | None:
        return self.case.id if self.case is not None else None

    @property
    def direction(self) -> str:
        return "out" if self.msg.is_echo else "in"

    @property
    def visibility(self) -> str:
        return self.msg.visibility

    @property
    def kind(self) -> str:
        return self.msg.kind

    @property
    def text(self) -> str:
        return self.msg.text or ""

    @property
    def send_status(self) -> str | None:
        return "sent" if self.msg.is_echo else None

    @property
    def key(self) -> tuple[int, str]:
        return (self.channel.id, self.msg.external_id[:255])

    @property
    def thread(self) -> tuple[int, str]:
        assert self.thread_key is not None
        return (self.channel.id, self.thread_key)

    @property
    def works_a_case(self) -> bool:
        return not (self.msg.is_echo or self.listening or self.log_only)
