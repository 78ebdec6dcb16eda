"""Sign-ins: each signed-in browser, so sessions can be listed and ended.

The session cookie names a sign-in; a request is signed in only while that sign-in is
neither revoked nor expired (checked through the access snapshots, so ending one is seen
by the next request in every process). "Keep me signed in" is a separate cookie holding
the sign-in's id and a random secret, of which only the SHA-256 is stored: each use
trades it for a new one, so a copied cookie works at most until its owner comes back,
and signing out, a password change or deactivation ends it for good.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import timedelta
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from inbox.models import SignIn, User, utcnow
from inbox.realtime.publish import publish_access_change
from inbox.services.errors import Forbidden, NotFound

SESSION_LIFETIME = timedelta(hours=12)  # a working day and then some, without "keep me"
REMEMBER_LIFETIME = timedelta(days=14)


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def do_open_sign_in(session: Session, user: User, *, remember: bool, user_agent: str,
                    address: str) -> tuple[SignIn, str | None]:
    """A new sign-in for `user`; with `remember`, the remember-me cookie's value too."""
    secret = secrets.token_urlsafe(32) if remember else None
    row = SignIn(user_id=user.id, remember_hash=_digest(secret) if secret else None,
                 user_agent=user_agent[:255], address=address[:64],
                 expires_at=utcnow() + (REMEMBER_LIFETIME if remember else SESSION_LIFETIME))
    session.add(row)
    session.flush()
    return row, f"{row.id}.{secret}" if secret else None


def active_sign_in(session: Session, sign_in_id: int, user_id: int) -> SignIn | None:
    row = session.get(SignIn, sign_in_id)
    if (row is None or row.user_id != user_id or row.revoked_at is not None
            or row.expires_at <= utcnow() or not row.user.is_active):
        return None
    return row


def do_remembered(session: Session, cookie: str) -> tuple[SignIn, str] | None:
    """The sign-in a remember-me cookie proves, and the cookie's next value; None for a
    cookie that is unknown, ended, expired, already used, or not one of ours."""
    sign_in_id, _, secret = cookie.partition(".")
    if not sign_in_id.isdigit() or not secret:
        return None
    row = session.get(SignIn, int(sign_in_id))
    if (row is None or row.remember_hash is None
            or not hmac.compare_digest(row.remember_hash, _digest(secret))):
        return None
    if active_sign_in(session, row.id, row.user_id) is None:
        return None
    fresh = secrets.token_urlsafe(32)
    row.remember_hash = _digest(fresh)
    row.last_seen_at = utcnow()
    row.expires_at = utcnow() + REMEMBER_LIFETIME
    return row, f"{row.id}.{fresh}"


def do_end_sign_in(session: Session, sign_in_id: int, actor: User) -> SignIn:
    """End one sign-in: its owner's, or anyone's for an admin."""
    row = session.get(SignIn, sign_in_id)
    if row is None or (row.user_id != actor.id and actor.role != "admin"):
        raise NotFound(f"sign-in {sign_in_id} not found")
    if row.revoked_at is None:
        row.revoked_at = utcnow()
        row.remember_hash = None
        # The user's live connections close; those of their other sign-ins reconnect at
        # once, the one signed out is refused and its desk goes to the sign-in page.
        publish_access_change(session, disconnect_users=[row.user_id])
    return row


def do_end_sign_ins_of(session: Session, user_id: int) -> int:
    """Every sign-in of a user ends (password changed, deactivated); how many were open."""
    ended = session.execute(
        update(SignIn).where(SignIn.user_id == user_id, SignIn.revoked_at.is_(None))
        .values(revoked_at=utcnow(), remember_hash=None))
    return int(getattr(ended, "rowcount", 0) or 0)


def sign_ins_of(session: Session, user: User | None, viewer: User) -> list[SignIn]:
    """Open sign-ins, newest first: `user`'s, or everyone's (admins) when None."""
    if user is None and viewer.role != "admin":
        raise Forbidden("only admins see everyone's sign-ins")
    stmt = (select(SignIn).where(SignIn.revoked_at.is_(None), SignIn.expires_at > utcnow())
            .order_by(SignIn.id.desc()))
    if user is not None:
        stmt = stmt.where(SignIn.user_id == user.id)
    return list(session.scalars(stmt))


def sign_in_view(row: SignIn, current_id: int | None = None) -> dict[str, Any]:
    return {"id": row.id, "user_id": row.user_id, "user_email": row.user.email,
            "user_agent": row.user_agent, "address": row.address,
            "created_at": row.created_at, "last_seen_at": row.last_seen_at,
            "expires_at": row.expires_at, "remembered": row.remember_hash is not None,
            "current": row.id == current_id}
