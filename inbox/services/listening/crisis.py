"""Crisis detection: volume over the window against the trailing baseline, per watch
term and per channel, and bursts of negative high-influence mentions (docs/listening.md).

A tick costs a few counting statements: per watch term two counts, per channel one
grouped count for each span, and one read of the window's negative mentions.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from inbox.models import Case, CrisisAlert, Message, User, WatchTerm, utcnow
from inbox.models.cases import OPEN_STATUSES
from inbox.realtime.publish import publish
from inbox.realtime.rooms import SUPERVISORS
from inbox.services.admin.audit import record_change
from inbox.services.cases import states as case_states
from inbox.services.errors import Conflict, found
from inbox.services.listening.crisis_settings import crisis_settings
from inbox.services.routing.crisis_step import ActiveCrisis


@dataclass(frozen=True)
class Spans:
    window_start: datetime
    baseline_start: datetime
    now: datetime

    @property
    def baseline_windows(self) -> float:
        """How many windows the baseline span holds (for a per-window rate)."""
        return max((self.window_start - self.baseline_start) / (self.now - self.window_start), 1.0)


def _spans(settings: dict[str, Any], now: datetime) -> Spans:
    window_start = now - timedelta(minutes=int(settings["window_minutes"]))
    return Spans(window_start, window_start - timedelta(hours=int(settings["baseline_hours"])),
                 now)


def _inbound(*where: Any) -> Any:
    return select(func.count(Message.id)).where(Message.direction == "in", *where)


def _term_volumes(session: Session, spans: Spans) -> list[tuple[str, str, int, float]]:
    found = []
    for term in session.scalars(select(WatchTerm.term).order_by(WatchTerm.id)):
        like = Message.text.ilike(f"%{term}%")
        observed = session.scalar(_inbound(like, Message.sent_at >= spans.window_start)) or 0
        before = session.scalar(_inbound(like, Message.sent_at >= spans.baseline_start,
                                         Message.sent_at < spans.window_start)) or 0
        found.append(("term", term, int(observed), before / spans.baseline_windows))
    return found


def count_mentions(session: Session, term: str, since: datetime) -> int:
    """Inbound messages containing `term` sent since `since` (what a spike stored)."""
    return int(session.scalar(_inbound(Message.text.ilike(f"%{term}%"),
                                       Message.sent_at >= since)) or 0)


def _channel_volumes(session: Session, spans: Spans) -> list[tuple[str, str, int, float]]:
    def grouped(start: datetime, end: datetime) -> dict[int, int]:
        return {channel_id: int(n) for channel_id, n in session.execute(
            select(Message.channel_id, func.count(Message.id)).where(
                Message.direction == "in", Message.sent_at >= start, Message.sent_at < end)
            .group_by(Message.channel_id))}

    observed = grouped(spans.window_start, spans.now + timedelta(minutes=1))
    before = grouped(spans.baseline_start, spans.window_start)
    return [("channel", str(channel_id), n, before.get(channel_id, 0) / spans.baseline_windows)
            for channel_id, n in sorted(observed.items())]


def _influence(facts: dict[str, Any] | None) -> int:
    return int((facts or {}).get("influence") or 0)


def _negative_burst(session: Session, settings: dict[str, Any], spans: Spans) -> int:
    """Negative mentions in the window whose author's influence is high (influence is
    kept in the message's facts as it was when it arrived)."""
    rows = session.scalars(select(Message.facts).where(
        Message.direction == "in", Message.sent_at >= spans.window_start,
        Message.sentiment <= float(settings["burst_sentiment"])))
    return sum(1 for facts in rows
               if _influence(facts) >= int(settings["burst_influence"]))


def is_crisis(observed: int, baseline: float, settings: dict[str, Any]) -> bool:
    return observed >= int(settings["min_volume"]) and observed > float(
        settings["multiple"]) * baseline


def alert_payload(alert: CrisisAlert) -> dict[str, Any]:
    return {"id": alert.id, "subject_kind": alert.subject_kind, "subject": alert.subject,
            "observed": alert.observed, "baseline": round(alert.baseline, 2),
            "raised_at": alert.raised_at.isoformat(),
            "cleared_at": alert.cleared_at.isoformat() if alert.cleared_at else None,
            "cleared_by_id": alert.cleared_by_id, "actions": alert.actions,
            "cases_changed": alert.cases_changed}


def _apply_to_open_cases(session: Session, alert: CrisisAlert, spans: Spans) -> int:
    """The alert's actions on the open cases that a matching message fed in the window."""
    crisis = ActiveCrisis(alert.id, alert.subject_kind, alert.subject, alert.actions)
    rows = session.execute(select(Message.case_id, Message.text, Message.channel_id,
                                  Message.sentiment, Message.facts).where(
        Message.direction == "in", Message.case_id.is_not(None),
        Message.sent_at >= spans.window_start)).all()
    case_ids = sorted({int(r.case_id) for r in rows if crisis.matches(
        r.text or "", r.channel_id, r.sentiment or 0.0, _influence(r.facts))})
    changed = 0
    for case in session.scalars(select(Case).where(Case.id.in_(case_ids),
                                                   Case.status.in_(OPEN_STATUSES))):
        changed += _apply_to_case(session, case, alert)
    return changed


def _apply_to_case(session: Session, case: Case, alert: CrisisAlert) -> int:
    priority, queue_id = alert.actions.get("priority"), alert.actions.get("queue_id")
    before = (case.priority, case.queue_id)
    if priority and case.priority > int(priority):
        case.priority = int(priority)
    if queue_id and case.queue_id != queue_id and case.status in ("new", "queued"):
        case_states.do_transfer_to_queue_automatically(session, case, int(queue_id),
                                                       f"crisis alert {alert.id}")
    if (case.priority, case.queue_id) == before:
        return 0
    case.tags = sorted({*(case.tags or []), "crisis"})
    case_states.record_event(session, case, "crisis_action", from_status=case.status, data={
        "alert_id": alert.id, "from_priority": before[0], "to_priority": case.priority,
        "from_queue_id": before[1], "to_queue_id": case.queue_id})
    return 1


def _raise(session: Session, kind: str, subject: str, observed: int, baseline: float,
           settings: dict[str, Any], spans: Spans) -> CrisisAlert:
    actions = {key: settings[key] for key in ("priority", "queue_id", "notify",
                                              "burst_sentiment", "burst_influence")}
    alert = CrisisAlert(subject_kind=kind, subject=subject, observed=observed,
                        baseline=baseline, raised_at=spans.now, actions=actions)
    session.add(alert)
    session.flush()
    alert.cases_changed = _apply_to_open_cases(session, alert, spans)
    publish(session, "crisis.alert", alert_payload(alert), [SUPERVISORS])
    return alert


def detect_crises(session: Session, now: datetime | None = None) -> list[CrisisAlert]:
    """One detection tick: raises (and returns) the alerts not already active."""
    settings = crisis_settings(session)
    spans = _spans(settings, now or utcnow())
    active = {(a.subject_kind, a.subject) for a in active_alerts(session)}
    raised = []
    for kind, subject, observed, baseline in (_term_volumes(session, spans)
                                              + _channel_volumes(session, spans)):
        if (kind, subject) not in active and is_crisis(observed, baseline, settings):
            raised.append(_raise(session, kind, subject, observed, baseline, settings, spans))
    burst = _negative_burst(session, settings, spans)
    if ("negative_burst", "") not in active and burst >= int(settings["burst_count"]):
        raised.append(_raise(session, "negative_burst", "", burst, 0.0, settings, spans))
    return raised


def active_alerts(session: Session) -> list[CrisisAlert]:
    return list(session.scalars(select(CrisisAlert).where(CrisisAlert.cleared_at.is_(None))
                                .order_by(CrisisAlert.id.desc())))


def recent_alerts(session: Session, limit: int) -> list[CrisisAlert]:
    return list(session.scalars(select(CrisisAlert).order_by(CrisisAlert.id.desc())
                                .limit(limit)))


def do_clear_alert(session: Session, alert_id: int, by: User | None) -> CrisisAlert:
    alert = found(session, CrisisAlert, alert_id, "crisis alert")
    if alert.cleared_at is not None:
        raise Conflict("this crisis alert is cleared already", alert_id=alert_id)
    alert.cleared_at, alert.cleared_by_id = utcnow(), by.id if by else None
    record_change(session, by, "crisis_alert.clear", "crisis_alert", alert.id,
                  {"cleared_at": [None, alert.cleared_at.isoformat()]})
    publish(session, "crisis.cleared", alert_payload(alert), [SUPERVISORS])
    return alert


def detection_tick() -> list[int]:
    """The periodic job's work (workers.schedule): one tick in its own transaction;
    returns the ids of the alerts raised."""
    from inbox.services import unit_of_work

    with unit_of_work() as session:
        return [alert.id for alert in detect_crises(session)]
