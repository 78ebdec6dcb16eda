"""Managing the team: users, teams, queues and API tokens, each change recorded.

Access follows at once: a role, team or queue change re-checks the affected agents'
open sockets (publish_access_change) and retires every process's snapshot of who may
see what (access_snapshots), so the next request and the next event obey it.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from inbox.models import ApiToken, Queue, Skill, Team, User
from inbox.models.people import user_teams
from inbox.realtime.publish import publish_access_change
from inbox.services.admin.audit import MASKED, differences, record_change
from inbox.services.admin.users import (
    do_add_user,
    do_deactivate_user,
    do_revoke_token_row,
    do_set_password,
    do_set_role,
    do_set_teams,
    issue_token,
    team_by_name,
)
from inbox.services.errors import Conflict, NotFound, ValidationFailed

QUEUE_MODES = ("pull", "push")
CHANNEL_CAPACITY_KINDS = ("voice", "facebook", "instagram", "x", "generic", "email")


def user_view(user: User) -> dict[str, Any]:
    return {"id": user.id, "email": user.email, "name": user.name, "role": user.role,
            "is_active": user.is_active, "presence": user.presence,
            "teams": sorted(t.name for t in user.teams),
            "skills": sorted(s.name for s in user.skills),
            "capacity": dict(user.capacity or {}),
            "approve_public_replies": user.approve_public_replies,
            "created_at": user.created_at}


def _user(session: Session, user_id: int) -> User:
    user = session.get(User, user_id)
    if user is None:
        raise NotFound(f"user {user_id} not found")
    return user


def _check_capacity(capacity: dict[str, Any]) -> dict[str, int]:
    problems = {f"capacity.{kind}": "a channel kind: " + ", ".join(CHANNEL_CAPACITY_KINDS)
                for kind in capacity if kind not in CHANNEL_CAPACITY_KINDS}
    problems |= {f"capacity.{kind}": "a whole number from 0 to 50"
                 for kind, value in capacity.items() if kind in CHANNEL_CAPACITY_KINDS
                 and (not isinstance(value, int) or isinstance(value, bool)
                      or not 0 <= value <= 50)}
    if problems:
        raise ValidationFailed("the capacity is not valid", fields=problems)
    return {kind: int(value) for kind, value in capacity.items()}


def _skills(session: Session, names: list[str]) -> list[Skill]:
    found = []
    for name in dict.fromkeys(n.strip() for n in names if n.strip()):
        skill = session.scalar(select(Skill).where(Skill.name == name))
        if skill is None:
            skill = Skill(name=name)
            session.add(skill)
        found.append(skill)
    return found


def do_create_user(session: Session, fields: dict[str, Any], actor: User | None) -> User:
    user = do_add_user(session, fields["email"], fields["role"], name=fields.get("name"),
                       password=fields.get("password"), teams=fields.get("teams") or None,
                       capacity=_check_capacity(fields["capacity"]) if fields.get("capacity")
                       else None)
    if fields.get("skills"):
        user.skills = _skills(session, fields["skills"])
    user.approve_public_replies = bool(fields.get("approve_public_replies"))
    session.flush()
    shown = user_view(user)
    record_change(session, actor, "user.create", "user", user.id,
                  {k: [None, shown[k]] for k in ("email", "name", "role", "teams", "skills",
                                                 "approve_public_replies")}
                  | ({"password": [None, MASKED]} if fields.get("password") else {}))
    return user


def do_edit_user(session: Session, user_id: int, changes: dict[str, Any],
                 actor: User | None) -> User:
    """Name, role, teams, skills, capacity, four eyes on public replies; is_active false
    deactivates (sessions, tokens and sockets end), true lets them sign in again."""
    user = _user(session, user_id)
    if actor is not None and user.id == actor.id and (
            changes.get("is_active") is False or changes.get("role", user.role) != user.role):
        raise Conflict("you cannot change your own role or deactivate yourself; ask "
                       "another admin", fields={"user": "yourself"})
    before = user_view(user)
    if "name" in changes:
        if not str(changes["name"] or "").strip():
            raise ValidationFailed("a user needs a name", fields={"name": "required"})
        user.name = str(changes["name"]).strip()
    if "role" in changes and changes["role"] != user.role:
        do_set_role(session, user, changes["role"])
    if "teams" in changes:
        do_set_teams(session, user, list(changes["teams"] or []))
    if "skills" in changes:
        user.skills = _skills(session, list(changes["skills"] or []))
    if "capacity" in changes:
        user.capacity = {**(user.capacity or {}), **_check_capacity(changes["capacity"] or {})}
    if "approve_public_replies" in changes:
        user.approve_public_replies = bool(changes["approve_public_replies"])
    if changes.get("password"):
        do_set_password(session, user, str(changes["password"]))
    if changes.get("is_active") is False and user.is_active:
        do_deactivate_user(session, user)
    elif changes.get("is_active") is True and not user.is_active:
        user.is_active = True
    session.flush()
    diff = differences(before, user_view(user))
    if changes.get("password"):
        diff["password"] = [MASKED, MASKED]  # it changed; what to is never recorded
    if diff:
        record_change(session, actor, "user.edit", "user", user.id, diff)
    return user


# --- teams --------------------------------------------------------------------------


def team_view(session: Session, team: Team) -> dict[str, Any]:
    members = session.scalar(select(func.count()).select_from(user_teams)
                             .where(user_teams.c.team_id == team.id))
    return {"id": team.id, "name": team.name, "is_default": team.is_default,
            "members": members or 0}


def do_create_team(session: Session, name: str, actor: User | None) -> Team:
    name = name.strip()
    if not name:
        raise ValidationFailed("a team needs a name", fields={"name": "required"})
    if session.scalar(select(Team.id).where(Team.name == name)) is not None:
        raise Conflict(f"a team named {name} exists", fields={"name": "taken"})
    team = team_by_name(session, name)
    record_change(session, actor, "team.create", "team", team.id, {"name": [None, name]})
    return team


def do_rename_team(session: Session, team_id: int, name: str, actor: User | None) -> Team:
    team = session.get(Team, team_id)
    if team is None:
        raise NotFound(f"team {team_id} not found")
    name = name.strip()
    if not name:
        raise ValidationFailed("a team needs a name", fields={"name": "required"})
    other = session.scalar(select(Team.id).where(Team.name == name))
    if other is not None and other != team.id:
        raise Conflict(f"a team named {name} exists", fields={"name": "taken"})
    record_change(session, actor, "team.edit", "team", team.id, {"name": [team.name, name]})
    team.name = name
    return team


def do_delete_team(session: Session, team_id: int, actor: User | None) -> None:
    team = session.get(Team, team_id)
    if team is None:
        raise NotFound(f"team {team_id} not found")
    if team.is_default:
        raise Conflict("the default team cannot be deleted", fields={"team": "default"})
    members = list(session.scalars(select(user_teams.c.user_id)
                                   .where(user_teams.c.team_id == team.id)))
    record_change(session, actor, "team.delete", "team", team.id, {"name": [team.name, None]})
    session.delete(team)
    publish_access_change(session, users=members)


# --- queues -------------------------------------------------------------------------


def queue_view(queue: Queue) -> dict[str, Any]:
    return {"id": queue.id, "name": queue.name, "description": queue.description,
            "mode": queue.mode, "offer_timeout_seconds": queue.offer_timeout_seconds,
            "approve_public_replies": queue.approve_public_replies,
            "approval_minutes": queue.approval_minutes,
            "teams": sorted(t.name for t in queue.teams)}


def _queue_members(session: Session, queue: Queue) -> list[int]:
    team_ids = [t.id for t in queue.teams]
    return list(session.scalars(select(user_teams.c.user_id)
                                .where(user_teams.c.team_id.in_(team_ids))))


def _apply_queue(session: Session, queue: Queue, fields: dict[str, Any]) -> None:
    if "name" in fields:
        name = str(fields["name"] or "").strip()
        if not name:
            raise ValidationFailed("a queue needs a name", fields={"name": "required"})
        other = session.scalar(select(Queue.id).where(Queue.name == name))
        if other is not None and other != queue.id:
            raise Conflict(f"a queue named {name} exists", fields={"name": "taken"})
        queue.name = name
    if "description" in fields:
        queue.description = str(fields["description"] or "")
    if "mode" in fields:
        if fields["mode"] not in QUEUE_MODES:
            raise ValidationFailed("unknown queue mode", fields={"mode": "pull or push"})
        queue.mode = fields["mode"]
    if "offer_timeout_seconds" in fields:
        queue.offer_timeout_seconds = int(fields["offer_timeout_seconds"])
    if "approve_public_replies" in fields:
        queue.approve_public_replies = bool(fields["approve_public_replies"])
    if "approval_minutes" in fields:
        queue.approval_minutes = int(fields["approval_minutes"])
    if "teams" in fields:
        queue.teams = [team_by_name(session, t) for t in fields["teams"] or []]


def do_create_queue(session: Session, fields: dict[str, Any], actor: User | None) -> Queue:
    queue = Queue(name="")
    _apply_queue(session, queue, {"mode": "pull", **fields})
    session.add(queue)
    session.flush()
    record_change(session, actor, "queue.create", "queue", queue.id,
                  {k: [None, v] for k, v in queue_view(queue).items() if k != "id"})
    publish_access_change(session, users=_queue_members(session, queue))
    return queue


def do_edit_queue(session: Session, queue_id: int, fields: dict[str, Any],
                  actor: User | None) -> Queue:
    queue = session.get(Queue, queue_id)
    if queue is None:
        raise NotFound(f"queue {queue_id} not found")
    before, members_before = queue_view(queue), _queue_members(session, queue)
    _apply_queue(session, queue, fields)
    session.flush()
    diff = differences(before, queue_view(queue))
    if diff:
        record_change(session, actor, "queue.edit", "queue", queue.id, diff)
    if "teams" in diff:
        publish_access_change(session, users=members_before + _queue_members(session, queue))
    return queue


# --- API tokens ---------------------------------------------------------------------


def token_view(row: ApiToken) -> dict[str, Any]:
    return {"id": row.id, "name": row.name, "prefix": row.prefix, "user_id": row.user_id,
            "user_email": row.user.email, "created_at": row.created_at,
            "last_used_at": row.last_used_at, "revoked_at": row.revoked_at}


def tokens_of(session: Session, user: User | None) -> list[ApiToken]:
    """`user`'s tokens, or every user's (None), newest first."""
    stmt = select(ApiToken).order_by(ApiToken.id.desc())
    if user is not None:
        stmt = stmt.where(ApiToken.user_id == user.id)
    return list(session.scalars(stmt))


def do_issue_token(session: Session, owner: User, name: str, actor: User | None
                   ) -> tuple[ApiToken, str]:
    if not name.strip():
        raise ValidationFailed("name the token after what will use it",
                               fields={"name": "required"})
    row, token = issue_token(session, owner, name.strip())
    record_change(session, actor, "token.create", "token", row.id,
                  {"name": [None, row.name], "user": [None, owner.email]})
    return row, token


def do_revoke_token_by_id(session: Session, token_id: int, actor: User) -> ApiToken:
    """Revoke a token: its owner's, or anyone's for an admin. The same 404 for a token
    that does not exist and one that is not yours."""
    row = session.get(ApiToken, token_id)
    if row is None or (row.user_id != actor.id and actor.role != "admin"):
        raise NotFound(f"token {token_id} not found")
    if row.revoked_at is None:
        do_revoke_token_row(session, row)
        record_change(session, actor, "token.revoke", "token", row.id,
                      {"name": [row.name, row.name], "user": [row.user.email, row.user.email]})
    return row
