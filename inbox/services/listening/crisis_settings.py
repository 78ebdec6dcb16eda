"""The workspace's crisis thresholds and actions: one stored row over defaults."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from inbox.models import CrisisSettings, Queue, User
from inbox.services.admin.audit import differences, record_change
from inbox.services.errors import ValidationFailed

DEFAULTS: dict[str, Any] = {
    "multiple": 3.0,  # the window's volume must exceed this multiple of the baseline
    "window_minutes": 15,
    "baseline_hours": 24,  # the trailing baseline, before the window
    "min_volume": 10,  # fewer mentions than this in the window never raise an alert
    "burst_count": 5,  # negative high-influence mentions in the window that raise one
    "burst_sentiment": -0.4,
    "burst_influence": 60,
    "priority": 1,  # matching cases are raised to this priority (None: left alone)
    "queue_id": None,  # matching cases are routed to this queue (None: left alone)
    "notify": True,  # a desktop notification beside the banner (the alert is always sent)
}


def crisis_settings(session: Session) -> dict[str, Any]:
    row = session.scalar(select(CrisisSettings).order_by(CrisisSettings.id).limit(1))
    return {**DEFAULTS, **(row.values if row else {})}


def do_update_crisis_settings(session: Session, changes: dict[str, Any],
                              by: User | None) -> dict[str, Any]:
    queue_id = changes.get("queue_id")
    if queue_id is not None and session.get(Queue, queue_id) is None:
        raise ValidationFailed(f"queue {queue_id} not found", fields={"queue_id": "unknown"})
    row = session.scalar(select(CrisisSettings).order_by(CrisisSettings.id).limit(1))
    if row is None:
        row = CrisisSettings(values={})
        session.add(row)
    before = {**DEFAULTS, **row.values}
    after = {**before, **changes}
    row.values = {key: after[key] for key in DEFAULTS}
    session.flush()
    record_change(session, by, "crisis_settings.update", "crisis_settings", row.id,
                  differences(before, after))
    return dict(row.values)
