"""Routing rules as data: create, change (with history), order, and try them (dry run)."""

from __future__ import annotations

import re
from dataclasses import asdict
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from inbox.models import Queue, RoutingRule, RoutingRuleRevision, User
from inbox.services.admin.audit import differences, record_change
from inbox.services.classifier.active import active_scorer
from inbox.services.classifier.scoring import judged
from inbox.services.contacts.geography import guess
from inbox.services.contacts.places import REGIONS, known_country
from inbox.services.errors import Conflict, ValidationFailed, found
from inbox.services.ingest.enrichment import enrich
from inbox.services.routing.decide import load_routing_table, resolve_queue
from inbox.services.routing.engine import LEAVES, RoutingFacts, RuleView, as_list, evaluate

RANGE_LEAVES = {"sentiment", "influence", "followers", "complaint_probability"}
BOOL_LEAVES = {"verified", "business_hours"}
ACTION_FIELDS: dict[str, dict[str, type | tuple[type, ...]]] = {
    "set_queue": {},  # queue_id or queue (checked below)
    "set_priority": {"priority": int},
    "add_tags": {"tags": list},
    "require_skills": {"skills": list},
    "set_sla_policy": {"sla_policy_id": int},
    "escalate": {},
    "auto_acknowledge": {"template": str},
    "monitor_only": {},
}
MAX_DEPTH = 12


def _check_leaf(key: str, value: Any, path: str, problems: dict[str, str]) -> None:
    if key in RANGE_LEAVES:
        if not isinstance(value, dict) or not value or set(value) - {"min", "max"} or not all(
            isinstance(v, int | float) and not isinstance(v, bool) for v in value.values()
        ):
            problems[path] = "a range: {'min': number, 'max': number} (either may be left out)"
    elif key in BOOL_LEAVES:
        if not isinstance(value, bool):
            problems[path] = "true or false"
    elif key == "regex":
        try:
            re.compile(str(value))
        except re.error as exc:
            problems[path] = f"not a valid regular expression: {exc}"
    elif value in (None, "", []):
        problems[path] = "a value or a list of values"
    elif key == "country":
        unknown = [str(v) for v in as_list(value) if not known_country(str(v))]
        if unknown:
            problems[path] = f"not an ISO 3166-1 alpha-2 country code: {', '.join(unknown)}"
    elif key == "region":
        names = {name.casefold() for name in REGIONS}
        unknown = [str(v) for v in as_list(value) if str(v).casefold() not in names]
        if unknown:
            problems[path] = (f"unknown region {', '.join(unknown)}; one of "
                              f"{', '.join(REGIONS)}")


def check_conditions(tree: Any, path: str = "conditions", depth: int = 0) -> dict[str, str]:
    """Every problem in a condition tree, by its path (e.g. conditions.all.1.sentiment)."""
    problems: dict[str, str] = {}
    if depth > MAX_DEPTH:
        return {path: f"nested more than {MAX_DEPTH} levels"}
    if not isinstance(tree, dict):
        return {path: "a condition is an object"}
    for key, value in tree.items():
        here = f"{path}.{key}"
        if key in ("all", "any"):
            if not isinstance(value, list) or not value:
                problems[here] = "a non-empty list of conditions"
                continue
            for index, child in enumerate(value):
                problems.update(check_conditions(child, f"{here}.{index}", depth + 1))
        elif key == "not":
            problems.update(check_conditions(value, here, depth + 1))
        elif key in LEAVES:
            _check_leaf(key, value, here, problems)
        else:
            problems[here] = f"unknown condition; one of all, any, not, {', '.join(LEAVES)}"
    return problems


def check_actions(actions: Any) -> dict[str, str]:
    if not isinstance(actions, list):
        return {"actions": "a list of actions"}
    problems: dict[str, str] = {}
    for index, action in enumerate(actions):
        here = f"actions.{index}"
        if not isinstance(action, dict) or action.get("type") not in ACTION_FIELDS:
            problems[here] = f"an object with type one of {', '.join(ACTION_FIELDS)}"
            continue
        for name, kind in ACTION_FIELDS[action["type"]].items():
            if not isinstance(action.get(name), kind) or isinstance(action.get(name), bool):
                problems[f"{here}.{name}"] = f"required ({getattr(kind, '__name__', kind)})"
        if action["type"] == "set_queue" and not (
            isinstance(action.get("queue_id"), int) or isinstance(action.get("queue"), str)
        ):
            problems[f"{here}.queue_id"] = "give queue_id (number) or queue (name)"
        if action["type"] == "set_priority" and action.get("priority") not in (1, 2, 3, 4):
            problems[f"{here}.priority"] = "1 (most urgent) to 4"
    return problems


def _snapshot(rule: RoutingRule) -> dict[str, Any]:
    return {"name": rule.name, "position": rule.position, "enabled": rule.enabled,
            "conditions": rule.conditions, "actions": rule.actions,
            "stop_processing": rule.stop_processing}


def _record_revision(session: Session, rule: RoutingRule, by: User | None) -> None:
    session.add(RoutingRuleRevision(rule_id=rule.id, version=rule.version,
                                    changed_by_id=by.id if by else None,
                                    snapshot=_snapshot(rule)))


def _unknown_queues(session: Session, actions: list[Any]) -> dict[str, str]:
    """A set_queue whose queue_id does not exist would route nowhere: say which. (A queue
    named by name may be made later; until then the case falls back, as routing says.)"""
    ids = set(session.scalars(select(Queue.id)))
    return {f"actions.{index}.queue_id": "unknown queue"
            for index, action in enumerate(actions)
            if action.get("type") == "set_queue" and "queue_id" in action
            and action["queue_id"] not in ids}


def _validate(data: dict[str, Any], session: Session | None = None) -> None:
    problems = {}
    if "conditions" in data:
        problems.update(check_conditions(data["conditions"]))
    if "actions" in data:
        problems.update(check_actions(data["actions"]))
        if not problems and session is not None:
            problems.update(_unknown_queues(session, data["actions"]))
    if problems:
        raise ValidationFailed("the rule is not valid", fields=problems)


def get_rule(session: Session, rule_id: int) -> RoutingRule:
    return found(session, RoutingRule, rule_id, "rule")


def list_rules(session: Session) -> list[RoutingRule]:
    return list(session.scalars(select(RoutingRule).order_by(RoutingRule.position,
                                                             RoutingRule.id)))


def do_create_rule(session: Session, data: dict[str, Any], by: User | None) -> RoutingRule:
    _validate(data, session)
    position = data.get("position")
    if position is None:
        position = (session.scalar(select(func.max(RoutingRule.position))) or 0) + 10
    rule = RoutingRule(
        name=data["name"], position=position, enabled=data.get("enabled", True),
        conditions=data.get("conditions", {}), actions=data.get("actions", []),
        stop_processing=data.get("stop_processing", True), version=1,
    )
    session.add(rule)
    session.flush()
    _record_revision(session, rule, by)
    record_change(session, by, "rule.create", "rule", rule.id, differences({}, _snapshot(rule)))
    return rule


def do_update_rule(session: Session, rule_id: int, data: dict[str, Any], by: User | None,
                   expected_version: int | None = None) -> RoutingRule:
    rule = get_rule(session, rule_id)
    if expected_version is not None and expected_version != rule.version:
        raise Conflict("the rule was changed meanwhile; reload it",
                       current_version=rule.version)
    _validate(data, session)
    before = _snapshot(rule)
    for name in ("name", "position", "enabled", "conditions", "actions", "stop_processing"):
        if name in data:
            setattr(rule, name, data[name])
    rule.version += 1
    session.flush()
    _record_revision(session, rule, by)
    record_change(session, by, "rule.edit", "rule", rule.id, differences(before, _snapshot(rule)))
    return rule


def do_delete_rule(session: Session, rule_id: int, by: User | None = None) -> None:
    rule = get_rule(session, rule_id)
    record_change(session, by, "rule.delete", "rule", rule.id, differences(_snapshot(rule), {}))
    session.delete(rule)


def rule_history(session: Session, rule_id: int) -> list[RoutingRuleRevision]:
    get_rule(session, rule_id)
    return list(session.scalars(select(RoutingRuleRevision).where(
        RoutingRuleRevision.rule_id == rule_id).order_by(RoutingRuleRevision.version)))


def dry_run(session: Session, sample: dict[str, Any],
            draft: dict[str, Any] | None = None) -> dict[str, Any]:
    """Which enabled rules (and an unsaved draft, tried first) match `sample`, and what
    would happen to it. Nothing is written."""
    author = sample.get("author") or {}
    enrichment = enrich(sample.get("text", ""), followers=author.get("followers"),
                        following=author.get("following"), verified=author.get("verified"),
                        rating=sample.get("rating"), language_hint=sample.get("language"))
    known = sample.get("place")
    guessed = guess(author.get("location"), author.get("email"), author.get("phone"),
                    enrichment.language) if known is None else None
    place = known if known is not None else (
        {"country": guessed.country, "region": guessed.region} if guessed else {})
    # the model in force, as ingest would use it
    enrichment, probability = judged(active_scorer(session), enrichment, sample.get("text", ""))
    facts = RoutingFacts(
        channel_kind=sample.get("channel_kind", "generic"),
        channel_id=int(sample.get("channel_id") or 0),
        visibility=sample.get("visibility", "public"),
        message_kind=sample.get("kind", "comment"), text=sample.get("text", ""),
        hashtags=tuple(enrichment.hashtags), sentiment=enrichment.sentiment,
        influence=enrichment.influence, followers=int(author.get("followers") or 0),
        verified=bool(author.get("verified")), language=enrichment.language,
        intent=enrichment.intent, contact_tags=tuple(sample.get("contact_tags") or ()),
        in_business_hours=bool(sample.get("in_business_hours", True)),
        country=place.get("country"), region=place.get("region"),
        complaint_probability=probability,
    )
    table = load_routing_table(session)
    rules = list(table.rules)
    names = {r.id: r.name for r in list_rules(session)}
    if draft is not None:
        _validate(draft, session)
        rules.insert(0, RuleView(0, True, draft.get("conditions", {}),
                                 draft.get("actions", []), draft.get("stop_processing", True)))
        names[0] = draft.get("name", "draft")
    decision = evaluate(rules, facts)
    return {
        "matched": [{"id": rid or None, "name": names.get(rid, "")}
                    for rid in decision.matched_rule_ids],
        "decision": {**asdict(decision),
                     "queue_id": resolve_queue(table, decision, facts.channel_kind)},
        "facts": asdict(facts),
    }
