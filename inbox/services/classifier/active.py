"""The scorer in force, kept per process: one small read per ingest batch finds whether a
newer version exists; its weights are loaded only when it does."""

from __future__ import annotations

import threading

from sqlalchemy import select
from sqlalchemy.orm import Session

from inbox.models import ComplaintModel
from inbox.services.classifier.scoring import ComplaintScorer

_lock = threading.Lock()
_cached: dict[tuple[int, str], ComplaintScorer] = {}


def active_scorer(session: Session) -> ComplaintScorer | None:
    head = session.execute(select(ComplaintModel.id, ComplaintModel.trained_at)
                           .order_by(ComplaintModel.id.desc()).limit(1)).first()
    if head is None:
        return None
    key = (int(head.id), head.trained_at.isoformat())  # ids repeat in a recreated database
    with _lock:
        scorer = _cached.get(key)
    if scorer is None:
        model = session.get(ComplaintModel, head.id)
        assert model is not None
        scorer = ComplaintScorer.from_weights(model.id, model.weights, model.threshold)
        with _lock:
            _cached.clear()
            _cached[key] = scorer
    return scorer
