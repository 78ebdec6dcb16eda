"""/api/v1/users, /teams, /queues (create, edit), /tokens, /sign-ins, /audit.
Supervisors read people and queues; admins change them; everyone manages their own tokens."""

from __future__ import annotations

from typing import Any

from flask import g, session
from sqlalchemy import select

from inbox.api.auth import SIGN_IN_KEY, current_api_user
from inbox.api.authorization import ADMINS, ANYONE, SUPERVISORS
from inbox.api.base import protected_blueprint
from inbox.models import Queue, Team, User
from inbox.schemas.team import (
    AdminChangeArgs,
    AdminChangeOut,
    QueueIn,
    QueueOut,
    QueuePatch,
    SignInOut,
    TeamIn,
    TeamOut,
    TokenIn,
    TokenListArgs,
    TokenOut,
    UserIn,
    UserOut,
    UserPatch,
)
from inbox.services import unit_of_work
from inbox.services.access import require_role
from inbox.services.admin.audit import audit_trail
from inbox.services.admin.sign_ins import do_end_sign_in, sign_in_view, sign_ins_of
from inbox.services.admin.team import (
    do_create_queue,
    do_create_team,
    do_create_user,
    do_delete_team,
    do_edit_queue,
    do_edit_user,
    do_issue_token,
    do_rename_team,
    do_revoke_token_by_id,
    queue_view,
    team_view,
    token_view,
    tokens_of,
    user_view,
)
from inbox.services.errors import NotFound

blp = protected_blueprint("team", __name__, "People, teams, queues and API tokens")
READERS = ("supervisor", "admin")


@blp.route("/users", allow=SUPERVISORS)
@blp.response(200, UserOut(many=True))
def get_users() -> list[dict[str, Any]]:
    with unit_of_work(read_only=True) as session:
        return [user_view(u) for u in session.scalars(select(User).order_by(User.name))]


@blp.route("/users", methods=["POST"], allow=ADMINS)
@blp.arguments(UserIn)
@blp.response(201, UserOut)
def post_user(body: dict[str, Any]) -> dict[str, Any]:
    with unit_of_work() as session:
        return user_view(do_create_user(session, body, current_api_user()))


@blp.route("/users/<int:user_id>", methods=["PATCH"], allow=ADMINS)
@blp.arguments(UserPatch)
@blp.response(200, UserOut)
def patch_user(body: dict[str, Any], user_id: int) -> dict[str, Any]:
    with unit_of_work() as session:
        return user_view(do_edit_user(session, user_id, body, current_api_user()))


@blp.route("/teams", allow=SUPERVISORS)
@blp.response(200, TeamOut(many=True))
def get_teams() -> list[dict[str, Any]]:
    with unit_of_work(read_only=True) as session:
        return [team_view(session, t) for t in session.scalars(select(Team).order_by(Team.name))]


@blp.route("/teams", methods=["POST"], allow=ADMINS)
@blp.arguments(TeamIn)
@blp.response(201, TeamOut)
def post_team(body: dict[str, Any]) -> dict[str, Any]:
    with unit_of_work() as session:
        return team_view(session, do_create_team(session, body["name"], current_api_user()))


@blp.route("/teams/<int:team_id>", methods=["PATCH"], allow=ADMINS)
@blp.arguments(TeamIn)
@blp.response(200, TeamOut)
def patch_team(body: dict[str, Any], team_id: int) -> dict[str, Any]:
    with unit_of_work() as session:
        return team_view(session, do_rename_team(session, team_id, body["name"],
                                                 current_api_user()))


@blp.route("/teams/<int:team_id>", methods=["DELETE"], allow=ADMINS)
@blp.response(204)
def delete_team(team_id: int) -> None:
    with unit_of_work() as session:
        do_delete_team(session, team_id, current_api_user())


@blp.route("/queues/all", allow=SUPERVISORS)
@blp.response(200, QueueOut(many=True))
def get_all_queues() -> list[dict[str, Any]]:
    with unit_of_work(read_only=True) as session:
        return [queue_view(q) for q in session.scalars(select(Queue).order_by(Queue.name))]


@blp.route("/queues", methods=["POST"], allow=ADMINS)
@blp.arguments(QueueIn)
@blp.response(201, QueueOut)
def post_queue(body: dict[str, Any]) -> dict[str, Any]:
    with unit_of_work() as session:
        return queue_view(do_create_queue(session, body, current_api_user()))


@blp.route("/queues/<int:queue_id>", methods=["PATCH"], allow=ADMINS)
@blp.arguments(QueuePatch)
@blp.response(200, QueueOut)
def patch_queue(body: dict[str, Any], queue_id: int) -> dict[str, Any]:
    with unit_of_work() as session:
        return queue_view(do_edit_queue(session, queue_id, body, current_api_user()))


@blp.route("/tokens", allow=ANYONE)
@blp.arguments(TokenListArgs, location="query")
@blp.response(200, TokenOut(many=True))
def get_tokens(args: dict[str, Any]) -> list[dict[str, Any]]:
    me = current_api_user()
    if args["all"]:
        require_role(me, "admin")
    with unit_of_work(read_only=True) as session:
        return [token_view(t) for t in tokens_of(session, None if args["all"] else me)]


@blp.route("/tokens", methods=["POST"], allow=ANYONE)
@blp.arguments(TokenIn)
@blp.response(201, TokenOut)
def post_token(body: dict[str, Any]) -> dict[str, Any]:
    me = current_api_user()
    with unit_of_work() as session:
        owner = me
        if body.get("user_id") not in (None, me.id):
            require_role(me, "admin")
            found = session.get(User, body["user_id"])
            if found is None:
                raise NotFound(f"user {body['user_id']} not found")
            owner = found
        row, token = do_issue_token(session, owner, body["name"], me)
        return {**token_view(row), "token": token}  # shown this once


@blp.route("/tokens/<int:token_id>", methods=["DELETE"], allow=ANYONE)
@blp.response(200, TokenOut)
def delete_token(token_id: int) -> dict[str, Any]:
    with unit_of_work() as session:
        return token_view(do_revoke_token_by_id(session, token_id, current_api_user()))


@blp.route("/sign-ins", allow=ANYONE)
@blp.arguments(TokenListArgs, location="query")
@blp.response(200, SignInOut(many=True))
def get_sign_ins(args: dict[str, Any]) -> list[dict[str, Any]]:
    """Browsers signed in: yours, or everyone's for an admin (all=true)."""
    me = current_api_user()
    current = session.get(SIGN_IN_KEY) if g.get("auth_method") == "session" else None
    with unit_of_work(read_only=True) as db:
        return [sign_in_view(row, current)
                for row in sign_ins_of(db, None if args["all"] else me, me)]


@blp.route("/sign-ins/<int:sign_in_id>", methods=["DELETE"], allow=ANYONE)
@blp.response(204)
def delete_sign_in(sign_in_id: int) -> None:
    """End a sign-in: that browser is signed out at its next request."""
    with unit_of_work() as db:
        do_end_sign_in(db, sign_in_id, current_api_user())


@blp.route("/audit", allow=ADMINS)
@blp.arguments(AdminChangeArgs, location="query")
@blp.response(200, AdminChangeOut(many=True))
def get_audit(args: dict[str, Any]) -> Any:
    """Every admin change (channels, people, teams, queues, tokens, contacts erased or
    merged): who, when, what changed, secrets masked; filtered and paged."""
    with unit_of_work(read_only=True) as session:
        return audit_trail(session, args)


@blp.route("/admin/changes", allow=ADMINS)
@blp.arguments(AdminChangeArgs, location="query")
@blp.response(200, AdminChangeOut(many=True))
def get_admin_changes(args: dict[str, Any]) -> Any:
    """The same as /audit, by the name the admin page first used."""
    with unit_of_work(read_only=True) as session:
        return audit_trail(session, args)
