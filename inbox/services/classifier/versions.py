"""Model versions: training from agents' labels or from a file, the version in force (the
latest trained), its status, and the periodic check that retrains when enough new labels
exist (docs/enrichment.md, "Learning from agents")."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from inbox.jobs import DEFAULT, OneWaiting, enqueue_after_commit, job
from inbox.models import ComplaintLabel, ComplaintModel, Message, User
from inbox.services.classifier.training import Trained, check_trainable, train

# The cron retrains when at least this many labels are new since the last model, and
# there are at least this many in all (both classes present, MIN_PER_CLASS each).
NEW_LABELS_TO_RETRAIN = 50
LABELS_TO_TRAIN = 200


def latest_model(session: Session) -> ComplaintModel | None:
    return session.scalar(select(ComplaintModel).order_by(ComplaintModel.id.desc()).limit(1))


def _store(session: Session, trained: Trained, source: str, source_name: str | None,
           by: User | None) -> ComplaintModel:
    figures = trained.cross_validated
    model = ComplaintModel(
        source=source, source_name=source_name, trained_by_id=by.id if by else None,
        labels=trained.labels, complaints=trained.complaints, precision=figures.precision,
        recall=figures.recall, f1=figures.f1, threshold=trained.scorer.threshold,
        weights=trained.scorer.to_weights())
    session.add(model)
    session.flush()
    return model


def do_train_from_file(session: Session, texts: list[str], labels: list[bool],
                       source_name: str, by: User | None = None) -> ComplaintModel:
    return _store(session, train(texts, labels), "file", source_name, by)


def agents_labels(session: Session) -> tuple[list[str], list[bool]]:
    """Every label with its message's text (messages emptied by retention are left out)."""
    rows = session.execute(select(Message.text, ComplaintLabel.complaint).join(
        Message, Message.id == ComplaintLabel.message_id).where(Message.text != "")
        .order_by(ComplaintLabel.id)).all()
    return [row.text for row in rows], [bool(row.complaint) for row in rows]


def do_train_from_agents(session: Session, by: User | None = None) -> ComplaintModel:
    texts, labels = agents_labels(session)
    return _store(session, train(texts, labels), "agents", None, by)


TRAINING_WAITING = OneWaiting("inbox:classifier:training-requested", ttl_seconds=900)


@job(DEFAULT, job_timeout=900, result_ttl=300)
def train_from_agents(by_id: int | None = None) -> int | None:
    """Training asked for from a screen or the API, run by a worker: web processes never
    load the training library. The new model's id (None: too few labels by now)."""
    from inbox.services import unit_of_work
    from inbox.services.errors import ValidationFailed

    TRAINING_WAITING.started()
    with unit_of_work() as session:
        by = session.get(User, by_id) if by_id is not None else None
        try:
            return do_train_from_agents(session, by).id
        except ValidationFailed:
            return None


def do_request_training(session: Session, by: User) -> dict[str, Any]:
    """Refused (422) when the labels cannot train a model; else a worker trains one."""
    check_trainable([bool(c) for c, in session.execute(select(ComplaintLabel.complaint))])
    enqueue_after_commit(session, train_from_agents, by.id, one_waiting=TRAINING_WAITING)
    return {**status(session), "training_requested": True}


def _labels_since(session: Session, since: datetime | None) -> int:
    stmt = select(func.count()).select_from(ComplaintLabel)
    if since is not None:
        stmt = stmt.where(ComplaintLabel.updated_at > since)
    return int(session.scalar(stmt) or 0)


def training_due(session: Session) -> bool:
    latest = latest_model(session)
    new = _labels_since(session, latest.trained_at if latest else None)
    return new >= NEW_LABELS_TO_RETRAIN and _labels_since(session, None) >= LABELS_TO_TRAIN \
        and session.scalar(select(func.count(func.distinct(ComplaintLabel.complaint)))) == 2


def retrain_if_due() -> int | None:
    """The periodic job's work: the new model's id, or None when nothing was due."""
    from inbox.services import unit_of_work
    from inbox.services.errors import ValidationFailed

    with unit_of_work() as session:
        if not training_due(session):
            return None
        try:
            return do_train_from_agents(session).id
        except ValidationFailed:  # e.g. a class below MIN_PER_CLASS once emptied texts go
            return None


def status(session: Session) -> dict[str, Any]:
    """The model in force (None: the rules alone decide) and the labels gathered."""
    latest = latest_model(session)
    counts = {bool(complaint): int(count) for complaint, count in session.execute(
        select(ComplaintLabel.complaint, func.count()).group_by(ComplaintLabel.complaint))}
    labels = {"complaints": int(counts.get(True, 0)), "other": int(counts.get(False, 0)),
              "new_since_model": _labels_since(session, latest.trained_at if latest else None)}
    model = None if latest is None else {
        "id": latest.id, "trained_at": latest.trained_at.isoformat(), "source": latest.source,
        "source_name": latest.source_name, "labels": latest.labels,
        "complaints": latest.complaints, "threshold": latest.threshold,
        "features": len(latest.weights.get("terms", {})),
        "cross_validated": {"precision": latest.precision, "recall": latest.recall,
                            "f1": latest.f1},
    }
    return {"model": model, "labels": labels,
            "retrain_when": {"new_labels": NEW_LABELS_TO_RETRAIN, "labels": LABELS_TO_TRAIN}}
