"""Sending the plan: sign each delivery as its provider would, pace it, retry, count.

The simulator runs next to the service, so it reads the same settings (app-level provider
secrets) and the channels (external ids, signing secrets) from the same database. Secrets
are used to sign and never printed: the report holds counts only.
"""

from __future__ import annotations

import heapq
import logging
import random
import secrets
import time
from collections import Counter
from dataclasses import dataclass, field
from urllib.parse import urlencode

import requests
from sqlalchemy import select

from inbox.channels import generic, mailgun, meta, voice, x
from inbox.config import Settings
from inbox.simulator.plan import KIND_PROVIDERS, PlannedDelivery, Planner, Target

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 5
RETRY_BASE_SECONDS = 1.0
REQUEST_TIMEOUT = (3.05, 15)  # connect, read
CONNECTION_ERROR = "connection error"
# Kinds whose provider names the channel by its external id: without one nothing matches.
_NEEDS_EXTERNAL_ID = {"facebook", "instagram", "x", "email", "voice"}
# The app-level secret (Settings field) each provider signs with.
_APP_SECRETS = {"meta": "meta_app_secret", "x": "x_consumer_secret",
                "mailgun": "mailgun_signing_key", "voice": "twilio_auth_token"}
_ENV_NAMES = {"meta_app_secret": "META_APP_SECRET", "x_consumer_secret": "X_CONSUMER_SECRET",
              "mailgun_signing_key": "MAILGUN_SIGNING_KEY",
              "twilio_auth_token": "TWILIO_AUTH_TOKEN"}
_USER_AGENTS = {"meta": "facebookexternalua", "x": "TwitterWebhooks/1.0",
                "mailgun": "mailgun/treq-16.12.0", "voice": "TwilioProxy/1.1"}


@dataclass
class SimulationReport:
    url: str
    seed: int
    rate: float
    duration: float
    elapsed: float = 0.0
    # provider -> HTTP status ("200", "403", ...) or "connection error" -> count
    statuses: dict[str, Counter[str]] = field(default_factory=dict)
    labels: Counter[str] = field(default_factory=Counter)  # what was sent: "x:reply", ...
    duplicates: int = 0
    burst_items: Counter[str] = field(default_factory=Counter)  # topic -> items
    retried: int = 0
    gave_up: int = 0  # out of attempts, or still waiting to be retried at the end
    skipped: dict[str, str] = field(default_factory=dict)  # kind or provider -> why
    interrupted: bool = False

    @property
    def sent(self) -> Counter[str]:
        """Deliveries the service answered, per provider (any HTTP status)."""
        return Counter({provider: sum(n for status, n in counts.items()
                                      if status != CONNECTION_ERROR)
                        for provider, counts in self.statuses.items()})

    @property
    def total_sent(self) -> int:
        return sum(self.sent.values())

    @property
    def achieved_rate(self) -> float:
        return self.total_sent / self.elapsed if self.elapsed > 0 else 0.0

    def record(self, provider: str, status: str) -> None:
        self.statuses.setdefault(provider, Counter())[status] += 1

    def summary(self) -> str:
        lines = [f"Simulated {self.total_sent} deliveries to {self.url} in {self.elapsed:.1f} s "
                 f"({self.achieved_rate:.2f}/s, asked for {self.rate:g}/s), seed {self.seed}"]
        for provider in sorted(self.statuses):
            counts = self.statuses[provider]
            shown = ", ".join(f"{status} x{n}" for status, n in sorted(counts.items()))
            lines.append(f"  {provider:<10} {self.sent[provider]:>6} sent   {shown}")
        extras = [f"duplicates re-sent: {self.duplicates}"]
        if self.burst_items:
            extras.append("burst items: " + ", ".join(
                f"{topic} x{n}" for topic, n in sorted(self.burst_items.items())))
        extras.append(f"retries: {self.retried}, given up: {self.gave_up}")
        lines.append("  " + "; ".join(extras))
        for name, reason in sorted(self.skipped.items()):
            lines.append(f"  skipped {name}: {reason}")
        if self.interrupted:
            lines.append("  stopped by Ctrl-C")
        return "\n".join(lines)


def load_targets(settings: Settings) -> tuple[dict[str, Target], set[str], dict[str, str]]:
    """(the first active channel of each kind, providers that cannot be signed, what is
    skipped and why)."""
    from inbox.models import CHANNEL_KINDS, Channel
    from inbox.runtime import unit_of_work

    targets: dict[str, Target] = {}
    with unit_of_work() as session:
        channels = session.scalars(select(Channel).where(Channel.is_active.is_(True))
                                   .order_by(Channel.id)).all()
        for channel in channels:
            if channel.kind in targets or channel.kind not in CHANNEL_KINDS:
                continue
            if channel.kind in _NEEDS_EXTERNAL_ID and not channel.external_id:
                continue  # nothing a provider sends could name it
            secret = str((channel.secrets or {}).get("signing_secret") or "")
            targets[channel.kind] = Target(channel.kind, channel.id, channel.external_id,
                                           channel.name, secret=secret)
    skipped = {kind: f"no active {kind} channel ({KIND_PROVIDERS[kind]} not sent)"
               for kind in CHANNEL_KINDS if kind not in targets}
    excluded: set[str] = set()
    for provider, setting in _APP_SECRETS.items():
        if not getattr(settings, setting):
            excluded.add(provider)
            skipped[f"{provider} webhooks"] = f"{_ENV_NAMES[setting]} is not set"
    for provider, kind in (("generic", "generic"), ("email_raw", "email")):
        if kind in targets and not targets[kind].secret:
            excluded.add(provider)
            skipped[f"{provider} webhooks"] = f"the {kind} channel has no signing secret"
    return targets, excluded, skipped


# --- signing ---------------------------------------------------------------------------------


def sign(item: PlannedDelivery, settings: Settings, targets: dict[str, Target],
         public_url: str, now: float) -> tuple[bytes, dict[str, str]]:
    """The exact bytes to post and the headers, signed the way the item's provider signs."""
    headers = {"Content-Type": item.content_type}
    if item.provider in _USER_AGENTS:
        headers["User-Agent"] = _USER_AGENTS[item.provider]
    if item.provider == "mailgun":
        # A fresh one-time token and timestamp per request: Mailgun never reuses a token.
        token, timestamp = secrets.token_hex(25), str(int(now))
        signature = mailgun.sign(settings.mailgun_signing_key, timestamp, token)
        pairs = [("timestamp", timestamp), ("token", token), ("signature", signature),
                 *(item.form or ())]
        return urlencode(pairs).encode("ascii"), headers
    if item.provider == "voice":
        pairs = list(item.form or ())
        # Twilio signs the URL it called; the service rebuilds it from INBOX_PUBLIC_URL.
        headers["X-Twilio-Signature"] = voice.sign(settings.twilio_auth_token,
                                                   public_url + item.path, pairs)
        return urlencode(pairs).encode("ascii"), headers
    body = item.body or b""
    if item.provider == "meta":
        headers.update(meta.signed_headers(body, settings.meta_app_secret))
    elif item.provider == "x":
        headers.update(x.signed_headers(body, settings.x_consumer_secret))
    else:  # generic and email_raw: the channel's own secret, with a fresh timestamp
        kind = "generic" if item.provider == "generic" else "email"
        headers.update(generic.signed_headers(body, targets[kind].secret, int(now)))
    return body, headers


# --- running ---------------------------------------------------------------------------------


def _post(http: requests.Session, url: str, body: bytes,
          headers: dict[str, str]) -> str:
    try:
        response = http.post(url, data=body, headers=headers, timeout=REQUEST_TIMEOUT)
    except (requests.ConnectionError, requests.Timeout,
            requests.exceptions.ChunkedEncodingError) as exc:
        log.debug("cannot reach %s: %s", url, type(exc).__name__)
        return CONNECTION_ERROR
    response.close()
    return str(response.status_code)


def _worth_retrying(status: str) -> bool:
    # What a provider retries: nothing stored (no answer, 5xx) or asked to slow down (429).
    return status == CONNECTION_ERROR or status == "429" or status.startswith("5")


def run_simulation(url: str, *, rate: float, duration: float, seed: int | None,
                   public_url: str | None = None) -> SimulationReport:
    """Send `rate` signed deliveries a second for `duration` seconds (0: until Ctrl-C).

    `public_url` is the base Twilio signatures are computed over; it must equal the
    service's INBOX_PUBLIC_URL and defaults to `url` (as `inbox run` sets them). Long
    because the pacing loop and its report share their counters.
    """
    if rate <= 0:
        raise ValueError("rate must be more than 0 deliveries a second")
    if duration < 0:
        raise ValueError("duration must be 0 (until Ctrl-C) or more seconds")
    from inbox.runtime import current

    settings = current().settings
    seed = random.SystemRandom().randrange(2**32) if seed is None else seed
    base = url.rstrip("/")
    signing_base = (public_url or url).rstrip("/")
    report = SimulationReport(url=base, seed=seed, rate=rate, duration=duration)
    targets, excluded, report.skipped = load_targets(settings)
    planner = Planner(seed, targets, start=time.time(), spacing=1.0 / rate, exclude=excluded)
    retries: list[tuple[float, int, PlannedDelivery, int]] = []  # (due, order, item, attempt)
    upcoming = next(planner, None)
    order = 0
    started = time.monotonic()
    http = requests.Session()
    try:
        while True:
            now = time.monotonic() - started
            if duration and now >= duration:
                break
            planned_due = upcoming.at if upcoming is not None else None
            if planned_due is not None and duration and planned_due >= duration:
                planned_due = None
            retry_due = retries[0][0] if retries else None
            if planned_due is None and (retry_due is None or (duration and retry_due >= duration)):
                break
            take_retry = retry_due is not None and (planned_due is None or retry_due < planned_due)
            due = retry_due if take_retry else planned_due
            assert due is not None
            if due > now:
                time.sleep(due - now)
            if take_retry:
                _, _, item, attempt = heapq.heappop(retries)
                report.retried += 1
            else:
                assert upcoming is not None
                item, attempt = upcoming, 1
                upcoming = next(planner, None)
                report.labels[item.label] += 1
                report.duplicates += item.duplicate
                if item.topic:
                    report.burst_items[item.topic] += 1
            body, headers = sign(item, settings, targets, signing_base, time.time())
            status = _post(http, base + item.path, body, headers)
            report.record(item.provider, status)
            if _worth_retrying(status):
                if attempt < MAX_ATTEMPTS:
                    order += 1
                    delay = RETRY_BASE_SECONDS * 2 ** (attempt - 1)
                    heapq.heappush(retries, (time.monotonic() - started + delay, order, item,
                                             attempt + 1))
                else:
                    report.gave_up += 1
    except KeyboardInterrupt:
        report.interrupted = True  # Ctrl-C is how an endless run ends: report, do not crash
    finally:
        http.close()
        report.elapsed = time.monotonic() - started
    report.gave_up += len(retries)
    return report


def send_spike(url: str, term: str, *, count: int, gap: float, seed: int | None,
               public_url: str | None = None) -> SimulationReport:
    """`inbox simulate --spike TERM`: `count` complaints naming TERM, `gap` seconds apart,
    signed and posted like any simulated delivery (retried on 5xx, 429 or no answer)."""
    from inbox.runtime import current

    settings = current().settings
    seed = random.SystemRandom().randrange(2**32) if seed is None else seed
    base, signing_base = url.rstrip("/"), (public_url or url).rstrip("/")
    report = SimulationReport(url=base, seed=seed, rate=1.0 / gap if gap else 0.0,
                              duration=count * gap)
    targets, excluded, report.skipped = load_targets(settings)
    planner = Planner(seed, targets, start=time.time(), spacing=gap or 0.01, exclude=excluded)
    started = time.monotonic()
    with requests.Session() as http:
        for item in planner.spike(term, count, gap):
            time.sleep(max(0.0, item.at - (time.monotonic() - started)))
            report.labels[item.label] += 1
            report.burst_items[term] += 1
            for attempt in range(1, MAX_ATTEMPTS + 1):
                body, headers = sign(item, settings, targets, signing_base, time.time())
                status = _post(http, base + item.path, body, headers)
                report.record(item.provider, status)
                if not _worth_retrying(status):
                    break
                report.retried += attempt < MAX_ATTEMPTS
                time.sleep(RETRY_BASE_SECONDS * 2 ** (attempt - 1))
            else:
                report.gave_up += 1
    report.elapsed = time.monotonic() - started
    return report
