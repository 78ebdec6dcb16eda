"""The sandbox's customers: now and then the person a reply went to answers back, a few
seconds later, with a signed webhook delivery to the service — a follow-up question, a
thank-you or an angry escalation — so the demo's conversations keep going.

One thread holds the answers that are due. When one comes due, the conversation is
read from the database (threads.py; the reply must have been recorded as sent, which
takes the outbound worker a moment, so it is looked for again a few times), the delivery
built (answers.py), signed as its provider signs (the simulator's signing), and posted.
What happened is noted on the ledger's line for the reply.
"""

from __future__ import annotations

import heapq
import itertools
import logging
import random
import threading
import time
from dataclasses import dataclass

import requests

from inbox.sandbox.answers import answer_delivery, pick_answer
from inbox.sandbox.records import Ledger, Received
from inbox.sandbox.threads import Conversation, conversation_of

log = logging.getLogger(__name__)

LOOKUPS = 6  # tries to find the recorded reply, LOOKUP_SECONDS apart
LOOKUP_SECONDS = 2.0
MAX_ANSWERS_PER_CASE = 3  # however keen the agent, a customer tires of it
REQUEST_TIMEOUT = (3.05, 15)
_MOODS = {"follow-up": "a follow-up", "thank-you": "a thank-you", "angry": "an angry escalation"}


@dataclass(frozen=True)
class AnswerPolicy:
    share: float = 0.5  # of the replies received, how many get an answer
    delay: tuple[float, float] = (4.0, 10.0)  # seconds after the reply, at random between

    def __post_init__(self) -> None:
        if not 0 <= self.share <= 1:
            raise ValueError("the answer share is between 0 and 1")
        if not 0 <= self.delay[0] <= self.delay[1]:
            raise ValueError("the answer delay is 0 or more seconds, the shortest first")


class Customers:
    def __init__(self, ledger: Ledger, service_url: str, *, policy: AnswerPolicy | None = None,
                 public_url: str | None = None, seed: int | None = None) -> None:
        self.ledger = ledger
        self.service_url = service_url.rstrip("/")
        # Twilio signs the URL it called: the service checks it against INBOX_PUBLIC_URL.
        self.public_url = (public_url or service_url).rstrip("/")
        self.policy = policy or AnswerPolicy()
        self.rng = random.Random(seed)
        self._due: list[tuple[float, int, Received, int]] = []  # (when, order, reply, tries)
        self._order = itertools.count()
        self._answered: dict[int, int] = {}  # case id -> answers given
        self._wake = threading.Condition()
        self._stopping = False
        self._thread = threading.Thread(target=self._run, daemon=True, name="sandbox-customers")
        self._http = requests.Session()
        ledger.listen(self.consider)

    # --- scheduling ---------------------------------------------------------------------------

    def consider(self, received: Received) -> None:
        """Called for every reply the sandbox takes: answer it, sometimes, a little later."""
        with self._wake:
            if self.rng.random() >= self.policy.share:
                return
            wait = self.rng.uniform(*self.policy.delay)
        self._schedule(received, time.monotonic() + wait, tries=0)
        self.ledger.note_answer(received.number, f"will answer in about {wait:.0f} s")

    def _schedule(self, received: Received, when: float, tries: int) -> None:
        with self._wake:
            heapq.heappush(self._due, (when, next(self._order), received, tries))
            self._wake.notify()

    def _run(self) -> None:
        while True:
            with self._wake:
                while not self._stopping and (
                        not self._due or self._due[0][0] > time.monotonic()):
                    timeout = self._due[0][0] - time.monotonic() if self._due else None
                    self._wake.wait(timeout)
                if self._stopping:
                    return
                _, _, received, tries = heapq.heappop(self._due)
            try:
                self._answer(received, tries)
            except Exception:  # one bad answer must not end every later one
                log.exception("the customer's answer to reply %s failed", received.number)
                self.ledger.note_answer(received.number, "no answer: it could not be sent")

    # --- answering ----------------------------------------------------------------------------

    def _answer(self, received: Received, tries: int) -> None:
        talk = conversation_of(received.channel, received.platform_id)
        if talk is None:
            if tries + 1 < LOOKUPS:
                self._schedule(received, time.monotonic() + LOOKUP_SECONDS, tries + 1)
            else:
                self.ledger.note_answer(received.number, "no answer: not one of the "
                                        "simulated customers, or the reply was never recorded")
            return
        self.ledger.note_answer(received.number, self.answer(talk))

    def answer(self, talk: Conversation) -> str:
        """Send one answer in this conversation now; what happened, for the ledger."""
        from inbox.runtime import current
        from inbox.simulator.runner import sign

        given = self._answered.get(talk.case_id, 0)
        if given >= MAX_ANSWERS_PER_CASE:
            return f"no answer: {given} already in this conversation"
        mood, text = pick_answer(self.rng)
        item = answer_delivery(talk, text, self.rng)
        body, headers = sign(item, current().settings, {talk.channel.kind: talk.channel},
                             self.public_url, time.time())
        try:
            response = self._http.post(self.service_url + item.path, data=body,
                                       headers=headers, timeout=REQUEST_TIMEOUT)
        except requests.RequestException as exc:
            return f"{_MOODS[mood]} not delivered: {type(exc).__name__}"
        response.close()
        if response.ok:
            self._answered[talk.case_id] = given + 1
        return f"answered with {_MOODS[mood]} (HTTP {response.status_code}): {text}"

    # --- lifecycle ----------------------------------------------------------------------------

    def start(self) -> Customers:
        self._thread.start()
        return self

    def stop(self) -> None:
        with self._wake:
            self._stopping = True
            self._wake.notify()
        if self._thread.is_alive():
            self._thread.join(timeout=REQUEST_TIMEOUT[1] + 5)
        self._http.close()
