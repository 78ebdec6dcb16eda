"""Users, teams and API tokens."""

from __future__ import annotations

import functools
import hashlib
import re
import secrets

from sqlalchemy import select
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from inbox.models import ROLES, ApiToken, Team, User, utcnow
from inbox.realtime.publish import publish_access_change
from inbox.services.admin.sign_ins import do_end_sign_ins_of
from inbox.services.errors import Conflict, NotFound, ValidationFailed

DEFAULT_TEAM = "Everyone"
EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
TOKEN_PREFIX = "inbx_"  # noqa: S105 - a public prefix that makes leaked tokens greppable


def default_team(session: Session) -> Team:
    team = session.scalar(select(Team).where(Team.is_default.is_(True)))
    if team is None:
        team = Team(name=DEFAULT_TEAM, is_default=True)
        session.add(team)
        session.flush()
    return team


def team_by_name(session: Session, name: str) -> Team:
    team = session.scalar(select(Team).where(Team.name == name))
    if team is None:
        team = Team(name=name)
        session.add(team)
        session.flush()
    return team


def check_new_user(session: Session, email: str, role: str, password: str | None) -> str:
    email = email.strip().lower()
    problems: dict[str, str] = {}
    if not EMAIL_RE.match(email):
        problems["email"] = "not a valid email address"
    if role not in ROLES:
        problems["role"] = f"must be one of {', '.join(ROLES)}"
    if password is not None and len(password) < 8:
        problems["password"] = "must be at least 8 characters"  # noqa: S105
    if problems:
        raise ValidationFailed("the user cannot be created", fields=problems)
    if session.scalar(select(User.id).where(User.email == email)) is not None:
        raise Conflict(f"a user with email {email} already exists", fields={"email": "taken"})
    return email


def do_add_user(
    session: Session,
    email: str,
    role: str,
    *,
    name: str | None = None,
    password: str | None = None,
    teams: list[str] | None = None,
    capacity: dict[str, int] | None = None,
) -> User:
    """Create a user; without teams the user joins the workspace's default team."""
    email = check_new_user(session, email, role, password)
    user = User(
        email=email,
        name=name or email.split("@")[0].replace(".", " ").title(),
        role=role,
        password_hash=generate_password_hash(password) if password else None,
        capacity=capacity or {"voice": 1, "facebook": 5, "instagram": 5, "x": 5,
                              "generic": 5, "email": 4},
    )
    user.teams = [team_by_name(session, t) for t in teams] if teams else [default_team(session)]
    session.add(user)
    session.flush()
    return user


def user_by_email(session: Session, email: str) -> User:
    user = session.scalar(select(User).where(User.email == email.strip().lower()))
    if user is None:
        raise NotFound(f"no user with email {email}")
    return user


@functools.cache
def _stand_in_hash() -> str:
    return generate_password_hash(secrets.token_urlsafe(16))


def authenticate_password(session: Session, email: str, password: str) -> User | None:
    """The user these credentials prove, or None. An unknown or inactive account costs the
    same hashing as a real one, so the time taken does not tell which accounts exist."""
    user = session.scalar(select(User).where(User.email == email.strip().lower()))
    usable = user is not None and user.is_active and bool(user.password_hash)
    known_hash = user.password_hash if usable and user is not None else None
    matches = check_password_hash(known_hash or _stand_in_hash(), password)
    return user if usable and matches else None


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def do_create_token(session: Session, user: User, name: str = "") -> str:
    """Return a new token for `user`; only its hash is stored, so it is shown once."""
    return issue_token(session, user, name)[1]


def issue_token(session: Session, user: User, name: str = "") -> tuple[ApiToken, str]:
    """A new token's row and the token itself (shown once: only its hash is stored)."""
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    row = ApiToken(user_id=user.id, token_hash=_token_hash(token), name=name,
                   prefix=token[:len(TOKEN_PREFIX) + 4])
    session.add(row)
    session.flush()
    return row, token


def active_token(session: Session, token: str) -> ApiToken | None:
    """The token's row, if it is neither revoked nor its user deactivated."""
    row = session.scalar(
        select(ApiToken).where(
            ApiToken.token_hash == _token_hash(token), ApiToken.revoked_at.is_(None)
        )
    )
    if row is None or not row.user.is_active:
        return None
    return row


def user_for_token(session: Session, token: str) -> User | None:
    row = active_token(session, token)
    return row.user if row is not None else None


def do_revoke_token(session: Session, token: str) -> None:
    """Revoke a token; sockets it opened close within a moment of the commit."""
    row = session.scalar(select(ApiToken).where(ApiToken.token_hash == _token_hash(token)))
    if row is None:
        raise NotFound("no such token")
    do_revoke_token_row(session, row)


def do_revoke_token_row(session: Session, row: ApiToken) -> None:
    if row.revoked_at is None:
        row.revoked_at = utcnow()
    publish_access_change(session, disconnect_tokens=[row.id])


def do_deactivate_user(session: Session, user: User) -> None:
    """No more sign-in, tokens or open sockets for `user`; their cases stay as they are."""
    user.is_active = False
    for row in session.scalars(select(ApiToken).where(ApiToken.user_id == user.id,
                                                      ApiToken.revoked_at.is_(None))):
        row.revoked_at = utcnow()
    do_end_sign_ins_of(session, user.id)
    publish_access_change(session, disconnect_users=[user.id])


def do_set_password(session: Session, user: User, password: str) -> None:
    """A new password: every browser signed in as the user is signed out."""
    if len(password) < 8:
        raise ValidationFailed("the password is too short",
                               fields={"password": "must be at least 8 characters"})
    user.password_hash = generate_password_hash(password)
    do_end_sign_ins_of(session, user.id)
    publish_access_change(session, disconnect_users=[user.id])


def do_reactivate_user(session: Session, user: User) -> None:
    user.is_active = True


def do_set_role(session: Session, user: User, role: str) -> None:
    if role not in ROLES:
        raise ValidationFailed("the role cannot be changed",
                               fields={"role": f"must be one of {', '.join(ROLES)}"})
    user.role = role
    publish_access_change(session, users=[user.id])


def do_set_teams(session: Session, user: User, teams: list[str]) -> None:
    """Replace `user`'s teams (none: the default team); their sockets follow at once."""
    user.teams = [team_by_name(session, t) for t in teams] if teams else [default_team(session)]
    publish_access_change(session, users=[user.id])
