"""/api/v1/sla-policies and /api/v1/calendars (admins change, supervisors read)."""

from __future__ import annotations

from typing import Any

from inbox.api.auth import current_api_user
from inbox.api.authorization import ADMINS, SUPERVISORS
from inbox.api.base import protected_blueprint
from inbox.schemas.routing import (
    CalendarIn,
    CalendarOut,
    CalendarPatch,
    PolicyIn,
    PolicyOut,
    PolicyPatch,
)
from inbox.services import unit_of_work
from inbox.services.sla import policies as sla_policies

blp = protected_blueprint("sla", __name__, "SLA policies and business-hours calendars")


@blp.route("/calendars", allow=SUPERVISORS)
@blp.response(200, CalendarOut(many=True))
def get_calendars() -> Any:
    with unit_of_work() as session:
        return sla_policies.list_calendars(session)


@blp.route("/calendars", methods=["POST"], allow=ADMINS)
@blp.arguments(CalendarIn)
@blp.response(201, CalendarOut)
def post_calendar(body: dict[str, Any]) -> Any:
    with unit_of_work() as session:
        return sla_policies.do_save_calendar(session, body, by=current_api_user())


@blp.route("/calendars/<int:calendar_id>", methods=["PATCH"], allow=ADMINS)
@blp.arguments(CalendarPatch)
@blp.response(200, CalendarOut)
def patch_calendar(body: dict[str, Any], calendar_id: int) -> Any:
    with unit_of_work() as session:
        return sla_policies.do_save_calendar(session, body, calendar_id, current_api_user())


@blp.route("/sla-policies", allow=SUPERVISORS)
@blp.response(200, PolicyOut(many=True))
def get_policies() -> Any:
    with unit_of_work() as session:
        return sla_policies.list_policies(session)


@blp.route("/sla-policies", methods=["POST"], allow=ADMINS)
@blp.arguments(PolicyIn)
@blp.response(201, PolicyOut)
def post_policy(body: dict[str, Any]) -> Any:
    with unit_of_work() as session:
        policy, _ = sla_policies.do_save_policy(session, body, by=current_api_user())
        return policy


@blp.route("/sla-policies/<int:policy_id>", methods=["PATCH"], allow=ADMINS)
@blp.arguments(PolicyPatch)
@blp.response(200, PolicyOut)
def patch_policy(body: dict[str, Any], policy_id: int) -> Any:
    user = current_api_user()
    with unit_of_work() as session:
        policy, recomputed = sla_policies.do_save_policy(session, body, policy_id, user)
        return {**{k: getattr(policy, k) for k in ("id", "name", "calendar_id", "targets",
                                                  "warn_ratio", "breach_actions")},
                "recomputed_cases": recomputed}
