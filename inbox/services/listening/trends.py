"""The listening screen's figures, computed in SQL over inbound messages: volume by
channel per 5 minutes, the sentiment trend, top hashtags and watch terms, and the most
influential complainers today (docs/listening.md)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Integer, func, select, text
from sqlalchemy.orm import Session

from inbox.models import Channel, Contact, Message, WatchTerm, utcnow
from inbox.services.dbutil import is_postgresql

BUCKET_SECONDS = 300
NEGATIVE = -0.05  # at or below: a complaint's tone (the listening rule's threshold)
TOP = 10


def _bucket(session: Session) -> Any:
    """The 5-minute bucket a message's sent time falls in, as epoch seconds / 300."""
    if is_postgresql(session):
        return func.floor(func.extract("epoch", Message.sent_at) / BUCKET_SECONDS).cast(Integer)
    return func.cast(func.strftime("%s", Message.sent_at), Integer) / BUCKET_SECONDS


def _at(bucket: int) -> str:
    return datetime.fromtimestamp(int(bucket) * BUCKET_SECONDS).astimezone().isoformat()


def _volume(session: Session, since: datetime) -> list[dict[str, Any]]:
    bucket = _bucket(session).label("bucket")
    rows = session.execute(select(bucket, Message.channel_id, func.count(Message.id))
                           .where(Message.direction == "in", Message.sent_at >= since)
                           .group_by(bucket, Message.channel_id).order_by(bucket))
    return [{"at": _at(b), "channel_id": channel_id, "count": int(n)}
            for b, channel_id, n in rows]


def _sentiment(session: Session, since: datetime) -> list[dict[str, Any]]:
    bucket = _bucket(session).label("bucket")
    rows = session.execute(select(bucket, func.avg(Message.sentiment), func.count(Message.id))
                           .where(Message.direction == "in", Message.sent_at >= since,
                                  Message.sentiment.is_not(None))
                           .group_by(bucket).order_by(bucket))
    return [{"at": _at(b), "average": round(float(avg), 3), "count": int(n)}
            for b, avg, n in rows]


# Hashtags are a JSON list in the facts: unnested by each dialect's own function.
_HASHTAGS_SQL = {
    True: text("SELECT lower(h.tag) AS tag, count(*) AS n FROM messages m, "
               "jsonb_array_elements_text(m.facts -> 'hashtags') AS h(tag) "
               "WHERE m.direction = 'in' AND m.sent_at >= :since "
               "GROUP BY lower(h.tag) ORDER BY n DESC, tag LIMIT :top"),
    False: text("SELECT lower(h.value) AS tag, count(*) AS n FROM messages m, "
                "json_each(m.facts, '$.hashtags') AS h "
                "WHERE m.direction = 'in' AND m.sent_at >= :since "
                "GROUP BY lower(h.value) ORDER BY n DESC, tag LIMIT :top"),
}


def _hashtags(session: Session, since: datetime) -> list[dict[str, Any]]:
    rows = session.execute(_HASHTAGS_SQL[is_postgresql(session)], {"since": since, "top": TOP})
    return [{"tag": tag, "count": int(n)} for tag, n in rows]


def _terms(session: Session, since: datetime) -> list[dict[str, Any]]:
    counts: list[dict[str, Any]] = []
    for term in session.scalars(select(WatchTerm.term).order_by(WatchTerm.id)):
        n = session.scalar(select(func.count(Message.id)).where(
            Message.direction == "in", Message.sent_at >= since,
            Message.text.ilike(f"%{term}%")))
        counts.append({"term": term, "count": int(n or 0)})
    return sorted(counts, key=lambda c: -int(c["count"]))[:TOP]


def _complainers(session: Session, since: datetime) -> list[dict[str, Any]]:
    rows = session.execute(
        select(Contact.id, Contact.display_name, Contact.influence_score, Contact.followers,
               func.count(Message.id))
        .join(Message, Message.contact_id == Contact.id)
        .where(Message.direction == "in", Message.sent_at >= since,
               Message.sentiment <= NEGATIVE)
        .group_by(Contact.id, Contact.display_name, Contact.influence_score, Contact.followers)
        .order_by(Contact.influence_score.desc(), func.count(Message.id).desc(), Contact.id)
        .limit(TOP))
    return [{"contact_id": cid, "name": name, "influence": influence, "followers": followers,
             "complaints": int(n)} for cid, name, influence, followers, n in rows]


def listening_trends(session: Session, hours: int, now: datetime | None = None
                     ) -> dict[str, Any]:
    now = now or utcnow()
    since = now - timedelta(hours=hours)
    today = now.replace(hour=0, minute=0, second=0, microsecond=0)
    channels = {c.id: c.name for c in session.scalars(select(Channel))}
    return {
        "since": since.isoformat(), "bucket_seconds": BUCKET_SECONDS,
        "channels": [{"id": cid, "name": name} for cid, name in sorted(channels.items())],
        "volume": _volume(session, since), "sentiment": _sentiment(session, since),
        "hashtags": _hashtags(session, since), "terms": _terms(session, since),
        "complainers_today": _complainers(session, today),
    }
