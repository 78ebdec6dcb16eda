"""/api/v1/rules (supervisors and admins) and the dry run."""

from __future__ import annotations

from typing import Any

from inbox.api.auth import current_api_user
from inbox.api.authorization import SUPERVISORS
from inbox.api.base import protected_blueprint
from inbox.schemas.routing import (
    DryRunIn,
    DryRunOut,
    RecentDryRunIn,
    RecentDryRunOut,
    RuleIn,
    RuleOut,
    RulePatch,
    RuleRevisionOut,
)
from inbox.services import unit_of_work
from inbox.services.routing import rules
from inbox.services.routing.recent_dry_run import dry_run_recent

blp = protected_blueprint("rules", __name__, "Routing rules (data, not code)")


@blp.route("/rules", allow=SUPERVISORS)
@blp.response(200, RuleOut(many=True))
def get_rules() -> Any:
    with unit_of_work() as session:
        return rules.list_rules(session)


@blp.route("/rules", methods=["POST"], allow=SUPERVISORS)
@blp.arguments(RuleIn)
@blp.response(201, RuleOut)
def post_rule(body: dict[str, Any]) -> Any:
    user = current_api_user()
    with unit_of_work() as session:
        return rules.do_create_rule(session, body, user)


@blp.route("/rules/<int:rule_id>", allow=SUPERVISORS)
@blp.response(200, RuleOut)
def get_rule(rule_id: int) -> Any:
    with unit_of_work() as session:
        return rules.get_rule(session, rule_id)


@blp.route("/rules/<int:rule_id>", methods=["PATCH"], allow=SUPERVISORS)
@blp.arguments(RulePatch)
@blp.response(200, RuleOut)
def patch_rule(body: dict[str, Any], rule_id: int) -> Any:
    user = current_api_user()
    expected = body.pop("version", None)
    with unit_of_work() as session:
        return rules.do_update_rule(session, rule_id, body, user, expected)


@blp.route("/rules/<int:rule_id>", methods=["DELETE"], allow=SUPERVISORS)
@blp.response(204)
def delete_rule(rule_id: int) -> None:
    with unit_of_work() as session:
        rules.do_delete_rule(session, rule_id, current_api_user())


@blp.route("/rules/<int:rule_id>/history", allow=SUPERVISORS)
@blp.response(200, RuleRevisionOut(many=True))
def get_history(rule_id: int) -> Any:
    with unit_of_work() as session:
        return rules.rule_history(session, rule_id)


@blp.route("/rules/dry-run", methods=["POST"], allow=SUPERVISORS)
@blp.arguments(DryRunIn)
@blp.response(200, DryRunOut)
def dry_run(body: dict[str, Any]) -> Any:
    with unit_of_work() as session:
        return rules.dry_run(session, body["message"], body.get("rule"))


@blp.route("/rules/dry-run/recent", methods=["POST"], allow=SUPERVISORS)
@blp.arguments(RecentDryRunIn)
@blp.response(200, RecentDryRunOut(many=True))
def dry_run_recent_cases(body: dict[str, Any]) -> Any:
    """The rules (and an unsaved one, tried first) against the latest cases' first
    messages: which would match and what each case would get. Nothing is written."""
    with unit_of_work(read_only=True) as session:
        return dry_run_recent(session, body.get("rule"), body["limit"])
