"""Routing rules are data: a condition tree and a list of actions, evaluated in order.

Conditions: a leaf such as {"channel_kind": ["x"]}, {"sentiment": {"max": -0.5}},
or combinators {"all": [...]}, {"any": [...]}, {"not": {...}}; an empty
condition matches everything. Every matching enabled rule applies its actions
in position order: a later rule's queue overrides an earlier one's, the most
urgent priority any of them sets wins (a crisis rule's P1 is never softened by a
later, broader rule), tags and skills add up; a matching rule with
stop_processing ends evaluation. See docs/routing-and-sla.md.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class RoutingFacts:
    """What rules may look at, gathered once per message."""

    channel_kind: str
    channel_id: int
    visibility: str
    message_kind: str
    text: str
    hashtags: tuple[str, ...] = ()
    sentiment: float = 0.0
    influence: int = 0
    followers: int = 0
    verified: bool = False
    language: str | None = None
    intent: str = "other"
    contact_tags: tuple[str, ...] = ()
    in_business_hours: bool = True
    country: str | None = None  # the contact's, ISO 3166-1 alpha-2 (docs/geography.md)
    region: str | None = None
    complaint_probability: float | None = None  # None: no complaint model trained yet


@dataclass
class RoutingDecision:
    queue_id: int | None = None
    queue_name: str | None = None
    priority: int | None = None
    tags: list[str] = field(default_factory=list)
    required_skills: list[str] = field(default_factory=list)
    sla_policy_id: int | None = None
    escalate_reason: str | None = None
    acknowledgement: str | None = None
    monitor_only: bool = False
    matched_rule_ids: list[int] = field(default_factory=list)


class RuleError(ValueError):
    """A stored rule that does not fit the grammar (the API refuses these with 422)."""


def as_list(value: Any) -> list[Any]:
    """A condition's value as a list: one value or many."""
    return list(value) if isinstance(value, list | tuple) else [value]


def _in_range(value: float, bounds: Any) -> bool:
    if not isinstance(bounds, dict):
        raise RuleError("a range is {'min': number, 'max': number}")
    low, high = bounds.get("min"), bounds.get("max")
    return (low is None or value >= low) and (high is None or value <= high)


def _words(text: str) -> list[str]:
    """Lower-cased words in order; a typographic apostrophe (can’t) counts as "'"."""
    return re.findall(r"[\w']+", text.replace("\u2019", "'").lower())


def _keywords(facts: RoutingFacts, value: Any) -> bool:
    """Whole words; a keyword of several words ("bad service", "wi-fi") matches that run
    of words in order, whatever whitespace or punctuation separates them in the text."""
    words = _words(facts.text)
    for keyword in as_list(value):
        wanted = _words(str(keyword))
        if wanted and any(
            words[i : i + len(wanted)] == wanted for i in range(len(words) - len(wanted) + 1)
        ):
            return True
    return False


def _regex(facts: RoutingFacts, value: Any) -> bool:
    try:
        return re.search(str(value), facts.text, flags=re.IGNORECASE) is not None
    except re.error as exc:
        raise RuleError(f"not a valid regular expression: {exc}")


LEAVES: dict[str, Callable[[RoutingFacts, Any], bool]] = {
    "channel_kind": lambda f, v: f.channel_kind in as_list(v),
    "channel_id": lambda f, v: f.channel_id in as_list(v),
    "visibility": lambda f, v: f.visibility in as_list(v),
    "message_kind": lambda f, v: f.message_kind in as_list(v),
    "keywords": _keywords,
    "regex": _regex,
    "hashtags": lambda f, v: bool(
        {str(t).lower().lstrip("#") for t in as_list(v)} & set(f.hashtags)
    ),
    "sentiment": lambda f, v: _in_range(f.sentiment, v),
    "influence": lambda f, v: _in_range(f.influence, v),
    "followers": lambda f, v: _in_range(f.followers, v),
    "verified": lambda f, v: f.verified is bool(v),
    "language": lambda f, v: f.language in as_list(v),
    "intent": lambda f, v: f.intent in as_list(v),
    "contact_tags": lambda f, v: bool({str(t).lower() for t in as_list(v)}
                                      & {t.lower() for t in f.contact_tags}),
    "business_hours": lambda f, v: f.in_business_hours is bool(v),
    # Codes are compared in capitals and regions as named, whatever case a rule uses.
    "country": lambda f, v: f.country is not None
    and f.country in {str(c).upper() for c in as_list(v)},
    "region": lambda f, v: f.region is not None
    and f.region.casefold() in {str(r).casefold() for r in as_list(v)},
    # Without a model there is no probability, and no range matches it.
    "complaint_probability": lambda f, v: f.complaint_probability is not None
    and _in_range(f.complaint_probability, v),
}


def matches(condition: Any, facts: RoutingFacts) -> bool:
    if not isinstance(condition, dict):
        raise RuleError("a condition is an object")
    if not condition:
        return True
    if len(condition) != 1:
        # Several keys in one object mean all of them, which is what people write.
        return all(matches({key: value}, facts) for key, value in condition.items())
    (key, value), = condition.items()
    if key == "all":
        return all(matches(c, facts) for c in as_list(value))
    if key == "any":
        return any(matches(c, facts) for c in as_list(value))
    if key == "not":
        return not matches(value, facts)
    leaf = LEAVES.get(key)
    if leaf is None:
        raise RuleError(f"unknown condition {key!r}")
    return leaf(facts, value)


def _add_unique(items: list[Any], new: Any) -> None:
    for item in as_list(new):
        if item not in items:  # also a repeat within the same action
            items.append(item)


def apply_actions(actions: Sequence[Any], decision: RoutingDecision) -> None:
    for action in actions:
        if not isinstance(action, dict) or "type" not in action:
            raise RuleError("an action is an object with a 'type'")
        kind = action["type"]
        if kind == "set_queue":
            decision.queue_id = action.get("queue_id")
            decision.queue_name = action.get("queue")
        elif kind == "set_priority":
            wanted = int(action["priority"])
            decision.priority = (wanted if decision.priority is None
                                 else min(decision.priority, wanted))
        elif kind == "add_tags":
            _add_unique(decision.tags, action["tags"])
        elif kind == "require_skills":
            _add_unique(decision.required_skills, action["skills"])
        elif kind == "set_sla_policy":
            decision.sla_policy_id = int(action["sla_policy_id"])
        elif kind == "escalate":
            decision.escalate_reason = str(action.get("reason") or "routing rule")
        elif kind == "auto_acknowledge":
            decision.acknowledgement = str(action["template"])
        elif kind == "monitor_only":
            decision.monitor_only = True
        else:
            raise RuleError(f"unknown action {kind!r}")


@dataclass(frozen=True)
class RuleView:
    """The parts of a stored rule evaluation needs (detached from the session)."""

    id: int
    enabled: bool
    conditions: dict[str, Any]
    actions: list[Any]
    stop_processing: bool


def evaluate(rules: Sequence[RuleView], facts: RoutingFacts) -> RoutingDecision:
    decision = RoutingDecision()
    for rule in rules:
        if not rule.enabled or not matches(rule.conditions, facts):
            continue
        apply_actions(rule.actions, decision)
        decision.matched_rule_ids.append(rule.id)
        if rule.stop_processing:
            break
    return decision
