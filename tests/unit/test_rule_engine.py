"""Routing rules as data: every leaf, the combinators, every action, evaluation order.

Semantics pinned here (see inbox/services/routing/engine.py):

* keywords match whole words, case-insensitively; a keyword of several words (or with
  inner punctuation such as "wi-fi") matches that run of words in order, whatever
  whitespace or punctuation separates them in the text, and never inside a longer word.
  Typographic apostrophes (’) count as "'".
* hashtags ignore a leading '#' and case in the rule; contact_tags ignore case on both
  sides; ranges are inclusive and either bound may be left out.
* add_tags / require_skills accumulate across rules without duplicates; a later rule's
  queue, priority, SLA policy replace an earlier one's (set_queue replaces id and name).
"""

from __future__ import annotations

from dataclasses import asdict, replace
from typing import Any

import pytest

from inbox.services.routing.engine import (
    RoutingDecision,
    RoutingFacts,
    RuleError,
    RuleView,
    apply_actions,
    evaluate,
    matches,
)

pytestmark = pytest.mark.no_backends

BASE = RoutingFacts(
    channel_kind="x", channel_id=7, visibility="public", message_kind="mention",
    text="Hello there", hashtags=("refund", "help"), sentiment=0.0, influence=40,
    followers=1000, verified=False, language="en", intent="question",
    contact_tags=("VIP", "Press"), in_business_hours=True,
)


# A decision with nothing decided: the caller falls back to its own queue and priority.
UNDECIDED = {"queue_id": None, "queue_name": None, "priority": None, "tags": [],
             "required_skills": [], "sla_policy_id": None, "escalate_reason": None,
             "acknowledgement": None, "monitor_only": False, "matched_rule_ids": []}


def facts(**changes: Any) -> RoutingFacts:
    return replace(BASE, **changes)


LEAF_CASES = [
    # channel_kind / channel_id / visibility / message_kind: a value or a list
    ({"channel_kind": "x"}, {}, True, "channel-kind-value"),
    ({"channel_kind": ["facebook", "x"]}, {}, True, "channel-kind-list"),
    ({"channel_kind": ["facebook", "email"]}, {}, False, "channel-kind-miss"),
    ({"channel_kind": "X"}, {}, False, "channel-kind-is-exact"),
    ({"channel_id": 7}, {}, True, "channel-id-value"),
    ({"channel_id": [3, 7]}, {}, True, "channel-id-list"),
    ({"channel_id": [3, 8]}, {}, False, "channel-id-miss"),
    ({"visibility": "private"}, {"visibility": "private"}, True, "visibility-hit"),
    ({"visibility": "private"}, {}, False, "visibility-miss"),
    ({"message_kind": ["dm", "mention"]}, {}, True, "message-kind-hit"),
    ({"message_kind": "dm"}, {}, False, "message-kind-miss"),
    # keywords
    ({"keywords": "refund"}, {"text": "I want a REFUND now"}, True, "keyword-any-case"),
    ({"keywords": "REFUND"}, {"text": "refund please"}, True, "keyword-upper-in-rule"),
    ({"keywords": "refund"}, {"text": "it was refunded"}, False, "keyword-not-inside-word"),
    ({"keywords": ["cancel", "refund"]}, {"text": "refund!"}, True, "keyword-list-any"),
    ({"keywords": ["cancel", "close"]}, {"text": "refund!"}, False, "keyword-list-miss"),
    ({"keywords": " refund "}, {"text": "refund"}, True, "keyword-trimmed"),
    ({"keywords": ""}, {"text": "anything at all"}, False, "empty-keyword-matches-nothing"),
    ({"keywords": "bad service"}, {"text": "Truly BAD SERVICE!"}, True, "phrase-any-case"),
    ({"keywords": "bad service"}, {"text": "bad  service"}, True, "phrase-double-space"),
    ({"keywords": "bad service"}, {"text": "so bad\nservice"}, True, "phrase-line-break"),
    ({"keywords": "bad service"}, {"text": "bad, service"}, True, "phrase-punctuation"),
    ({"keywords": "bad service"}, {"text": "service was bad"}, False, "phrase-order-matters"),
    ({"keywords": "bad service"}, {"text": "notbad serviceman"}, False,
     "phrase-not-inside-words"),
    ({"keywords": "bad service"}, {"text": "bad customer service"}, False,
     "phrase-words-adjacent"),
    ({"keywords": "wi-fi"}, {"text": "my Wi-Fi is down"}, True, "hyphenated-keyword"),
    ({"keywords": "can't log in"}, {"text": "I can’t log in"}, True, "curly-apostrophe"),
    ({"keywords": "can't"}, {"text": "I can’t"}, True, "curly-apostrophe-one-word"),
    # regex (case-insensitive search)
    ({"regex": r"order\s*#?\d{6}"}, {"text": "ORDER #123456 late"}, True, "regex-hit"),
    ({"regex": r"\d{6}"}, {"text": "my order 123456 is late"}, True, "regex-searches-anywhere"),
    ({"regex": r"^hello$"}, {"text": "say hello"}, False, "regex-anchored-miss"),
    # hashtags: rule side with or without '#', any case
    ({"hashtags": "#refund"}, {}, True, "hashtag-with-hash"),
    ({"hashtags": "refund"}, {}, True, "hashtag-without-hash"),
    ({"hashtags": "#REFUND"}, {}, True, "hashtag-any-case"),
    ({"hashtags": ["#outage", "help"]}, {}, True, "hashtag-list"),
    ({"hashtags": "refunds"}, {}, False, "hashtag-exact"),
    ({"hashtags": "refund"}, {"hashtags": ()}, False, "hashtag-none-on-message"),
    # numeric ranges: inclusive, min only / max only / both
    ({"sentiment": {"max": -0.5}}, {"sentiment": -0.7}, True, "sentiment-max-hit"),
    ({"sentiment": {"max": -0.5}}, {"sentiment": -0.5}, True, "sentiment-max-inclusive"),
    ({"sentiment": {"max": -0.5}}, {"sentiment": -0.4}, False, "sentiment-max-miss"),
    ({"sentiment": {"min": 0.5}}, {"sentiment": 0.5}, True, "sentiment-min-inclusive"),
    ({"sentiment": {"min": 0.5}}, {"sentiment": 0.49}, False, "sentiment-min-miss"),
    ({"sentiment": {"min": -0.2, "max": 0.2}}, {"sentiment": 0.0}, True, "sentiment-both"),
    ({"sentiment": {"min": -0.2, "max": 0.2}}, {"sentiment": 0.3}, False,
     "sentiment-both-above"),
    ({"sentiment": {"min": -0.2, "max": 0.2}}, {"sentiment": -0.3}, False,
     "sentiment-both-below"),
    ({"influence": {"min": 40}}, {}, True, "influence-min-inclusive"),
    ({"influence": {"min": 41}}, {}, False, "influence-min-miss"),
    ({"influence": {"max": 39}}, {}, False, "influence-max-miss"),
    ({"followers": {"min": 1000, "max": 1000}}, {}, True, "followers-exact-both"),
    ({"followers": {"max": 999}}, {}, False, "followers-max-miss"),
    ({"followers": {"min": 10_000}}, {"followers": 250_000}, True, "followers-min-hit"),
    # booleans
    ({"verified": True}, {"verified": True}, True, "verified-true-hit"),
    ({"verified": True}, {}, False, "verified-true-miss"),
    ({"verified": False}, {}, True, "verified-false-hit"),
    ({"business_hours": True}, {}, True, "in-hours-hit"),
    ({"business_hours": False}, {}, False, "out-of-hours-miss"),
    ({"business_hours": False}, {"in_business_hours": False}, True, "out-of-hours-hit"),
    # language / intent
    ({"language": "en"}, {}, True, "language-hit"),
    ({"language": ["fr", "de"]}, {}, False, "language-miss"),
    ({"language": "en"}, {"language": None}, False, "language-unknown"),
    ({"intent": ["complaint", "question"]}, {}, True, "intent-hit"),
    ({"intent": "complaint"}, {}, False, "intent-miss"),
    # contact tags: case-insensitive both ways
    ({"contact_tags": "vip"}, {}, True, "contact-tag-lower-rule"),
    ({"contact_tags": ["gold", "PRESS"]}, {}, True, "contact-tag-upper-rule"),
    ({"contact_tags": "VIP"}, {"contact_tags": ("vip",)}, True, "contact-tag-lower-contact"),
    ({"contact_tags": "gold"}, {}, False, "contact-tag-miss"),
    ({"contact_tags": "vip"}, {"contact_tags": ()}, False, "contact-without-tags"),
    # the contact's country and region (docs/geography.md): codes and names in any case
    ({"country": ["DE", "AT"]}, {"country": "AT"}, True, "country-list-hit"),
    ({"country": "de"}, {"country": "DE"}, True, "country-lower-in-rule"),
    ({"country": ["DE", "AT"]}, {"country": "FR"}, False, "country-miss"),
    ({"country": "DE"}, {}, False, "country-unknown"),
    ({"region": ["DACH"]}, {"region": "DACH"}, True, "region-hit"),
    ({"region": "nordics"}, {"region": "Nordics"}, True, "region-any-case"),
    ({"region": "DACH"}, {"region": "Benelux"}, False, "region-miss"),
    ({"region": "DACH"}, {}, False, "region-unknown"),
]


@pytest.mark.parametrize(("condition", "changes", "expected"), [c[:3] for c in LEAF_CASES],
                         ids=[c[3] for c in LEAF_CASES])
def test_leaf_conditions(condition: dict[str, Any], changes: dict[str, Any],
                         expected: bool) -> None:
    assert matches(condition, facts(**changes)) is expected


YES = {"channel_kind": "x"}
NO = {"channel_kind": "email"}
TREE_CASES = [
    ({}, True, "empty-matches-everything"),
    ({"all": [YES, YES]}, True, "all-true"),
    ({"all": [YES, NO]}, False, "all-one-false"),
    ({"all": [YES]}, True, "all-single"),
    ({"any": [NO, YES]}, True, "any-one-true"),
    ({"any": [NO, NO]}, False, "any-none-true"),
    ({"not": YES}, False, "not-true"),
    ({"not": NO}, True, "not-false"),
    ({"not": {"not": YES}}, True, "double-negation"),
    ({"not": {}}, False, "not-empty"),
    ({"all": [{"any": [NO, YES]}, {"not": {"any": [NO, NO]}}]}, True, "nested-true"),
    ({"all": [{"any": [NO, YES]}, {"not": {"all": [YES, YES]}}]}, False, "nested-false"),
    ({"any": [{"all": [YES, NO]}, {"all": [YES, {"intent": "question"}]}]}, True,
     "any-of-alls"),
    ({"channel_kind": "x", "intent": "question"}, True, "two-keys-both-true"),
    ({"channel_kind": "x", "intent": "complaint"}, False, "two-keys-second-false"),
    ({"channel_kind": "email", "intent": "question"}, False, "two-keys-first-false"),
    ({"any": [NO, NO], "channel_kind": "x"}, False, "combinator-and-leaf-keys"),
    ({"all": [YES], "not": NO}, True, "two-combinator-keys"),
]


@pytest.mark.parametrize(("condition", "expected"), [c[:2] for c in TREE_CASES],
                         ids=[c[2] for c in TREE_CASES])
def test_condition_trees(condition: dict[str, Any], expected: bool) -> None:
    assert matches(condition, BASE) is expected


BAD_CONDITIONS = [
    ({"colour": "red"}, "unknown condition", "unknown-leaf"),
    ({"all": [YES, {"colour": "red"}]}, "unknown condition", "unknown-inside-all"),
    ({"any": [NO, {"colour": "red"}]}, "unknown condition", "unknown-inside-any"),
    ({"not": {"colour": "red"}}, "unknown condition", "unknown-inside-not"),
    ({"channel_kind": "x", "colour": "red"}, "unknown condition", "unknown-beside-leaf"),
    ({"regex": "(unclosed"}, "regular expression", "invalid-regex"),
    ({"any": [NO, {"regex": "[a-"}]}, "regular expression", "invalid-regex-nested"),
    ({"sentiment": -0.5}, "range", "range-not-an-object"),
    (["channel_kind"], "object", "condition-not-an-object"),
    ({"all": ["x"]}, "object", "child-not-an-object"),
    ({"not": ["x"]}, "object", "not-of-a-list"),
]


@pytest.mark.parametrize(("condition", "message"), [c[:2] for c in BAD_CONDITIONS],
                         ids=[c[2] for c in BAD_CONDITIONS])
def test_bad_conditions_raise_rule_error(condition: Any, message: str) -> None:
    with pytest.raises(RuleError, match=message):
        matches(condition, BASE)


def test_rule_error_is_a_value_error() -> None:
    assert issubclass(RuleError, ValueError)


ACTION_CASES = [
    ([], {}, "no-actions"),
    ([{"type": "set_queue", "queue_id": 5}], {"queue_id": 5}, "set-queue-by-id"),
    ([{"type": "set_queue", "queue": "Billing"}], {"queue_name": "Billing"},
     "set-queue-by-name"),
    ([{"type": "set_queue", "queue_id": 5}, {"type": "set_queue", "queue": "Billing"}],
     {"queue_name": "Billing"}, "set-queue-by-name-replaces-id"),
    ([{"type": "set_queue", "queue": "Billing"}, {"type": "set_queue", "queue_id": 5}],
     {"queue_id": 5}, "set-queue-by-id-replaces-name"),
    ([{"type": "set_priority", "priority": 1}], {"priority": 1}, "set-priority"),
    ([{"type": "set_priority", "priority": "2"}], {"priority": 2}, "set-priority-text"),
    ([{"type": "add_tags", "tags": ["vip", "refund"]}], {"tags": ["vip", "refund"]},
     "add-tags"),
    ([{"type": "add_tags", "tags": "vip"}], {"tags": ["vip"]}, "add-one-tag"),
    ([{"type": "add_tags", "tags": ["a", "b"]}, {"type": "add_tags", "tags": ["b", "c"]}],
     {"tags": ["a", "b", "c"]}, "add-tags-accumulate-once"),
    ([{"type": "add_tags", "tags": ["a", "b", "a"]}], {"tags": ["a", "b"]},
     "add-tags-duplicates-in-one-action"),
    ([{"type": "require_skills", "skills": ["spanish"]},
      {"type": "require_skills", "skills": ["billing", "spanish"]}],
     {"required_skills": ["spanish", "billing"]}, "require-skills-accumulate-once"),
    ([{"type": "require_skills", "skills": ["fr", "fr"]}], {"required_skills": ["fr"]},
     "require-skills-duplicates-in-one-action"),
    ([{"type": "set_sla_policy", "sla_policy_id": 3}], {"sla_policy_id": 3}, "set-sla-policy"),
    ([{"type": "escalate", "reason": "press"}], {"escalate_reason": "press"}, "escalate"),
    ([{"type": "escalate"}], {"escalate_reason": "routing rule"}, "escalate-default-reason"),
    ([{"type": "auto_acknowledge", "template": "ack_out_of_hours"}],
     {"acknowledgement": "ack_out_of_hours"}, "auto-acknowledge"),
    ([{"type": "monitor_only"}], {"monitor_only": True}, "monitor-only"),
]


@pytest.mark.parametrize(("actions", "expected"), [c[:2] for c in ACTION_CASES],
                         ids=[c[2] for c in ACTION_CASES])
def test_actions(actions: list[Any], expected: dict[str, Any]) -> None:
    decision = RoutingDecision()
    apply_actions(actions, decision)
    assert asdict(decision) == {**UNDECIDED, **expected}


BAD_ACTIONS = [
    ([{"type": "send_fax"}], "unknown action", "unknown-action"),
    ([{"queue_id": 5}], "type", "missing-type"),
    (["set_queue"], "type", "not-an-object"),
]


@pytest.mark.parametrize(("actions", "message"), [c[:2] for c in BAD_ACTIONS],
                         ids=[c[2] for c in BAD_ACTIONS])
def test_bad_actions_raise_rule_error(actions: list[Any], message: str) -> None:
    with pytest.raises(RuleError, match=message):
        apply_actions(actions, RoutingDecision())


def rule(rule_id: int, *actions: dict[str, Any], when: dict[str, Any] | None = None,
         stop: bool = False, enabled: bool = True) -> RuleView:
    return RuleView(id=rule_id, enabled=enabled, conditions=when or {}, actions=list(actions),
                    stop_processing=stop)


def queue(queue_id: int) -> dict[str, Any]:
    return {"type": "set_queue", "queue_id": queue_id}


def priority(value: int) -> dict[str, Any]:
    return {"type": "set_priority", "priority": value}


def tags(*names: str) -> dict[str, Any]:
    return {"type": "add_tags", "tags": list(names)}


EVALUATION_CASES = [
    ([], {}, "no-rules-default-decision"),
    ([rule(1, queue(10), priority(3)), rule(2, queue(20))],
     {"queue_id": 20, "priority": 3, "matched_rule_ids": [1, 2]},
     "later-rule-overrides-queue"),
    ([rule(1, queue(10), priority(3)), rule(2, priority(1))],
     {"queue_id": 10, "priority": 1, "matched_rule_ids": [1, 2]},
     "later-more-urgent-priority-wins"),
    ([rule(1, priority(1)), rule(2, priority(2))],
     {"priority": 1, "matched_rule_ids": [1, 2]},
     "later-less-urgent-priority-never-softens"),
    ([rule(1, queue(10), stop=True), rule(2, queue(20), priority(1))],
     {"queue_id": 10, "matched_rule_ids": [1]}, "stop-processing-stops"),
    ([rule(1, tags("a")), rule(2, tags("b"), stop=True), rule(3, tags("c"))],
     {"tags": ["a", "b"], "matched_rule_ids": [1, 2]}, "stop-on-second-rule"),
    ([rule(1, queue(10), stop=True, enabled=False), rule(2, queue(20))],
     {"queue_id": 20, "matched_rule_ids": [2]}, "disabled-rule-skipped"),
    ([rule(1, queue(10), when={"colour": "red"}, enabled=False), rule(2, queue(20))],
     {"queue_id": 20, "matched_rule_ids": [2]}, "disabled-rule-not-evaluated"),
    ([rule(1, queue(10), when={"channel_kind": "email"}, stop=True), rule(2, queue(20))],
     {"queue_id": 20, "matched_rule_ids": [2]}, "non-matching-stop-rule-does-not-stop"),
    ([rule(9, tags("first")), rule(3, tags("second"))],
     {"tags": ["first", "second"], "matched_rule_ids": [9, 3]}, "list-order-not-id-order"),
    ([rule(1, tags("vip", "refund")), rule(2, tags("refund", "press"))],
     {"tags": ["vip", "refund", "press"], "matched_rule_ids": [1, 2]},
     "tags-accumulate-across-rules"),
    ([rule(1, {"type": "monitor_only"}), rule(2, queue(20))],
     {"monitor_only": True, "queue_id": 20, "matched_rule_ids": [1, 2]},
     "monitor-only-does-not-stop"),
    ([rule(1, queue(10), when={"intent": "complaint"}),
      rule(2, priority(2), when={"any": [{"verified": True}, {"contact_tags": "vip"}]}),
      rule(3, {"type": "escalate"}, when={"not": {"business_hours": True}})],
     {"priority": 2, "matched_rule_ids": [2]}, "only-matching-rules-recorded"),
]


@pytest.mark.parametrize(("rules", "expected"), [c[:2] for c in EVALUATION_CASES],
                         ids=[c[2] for c in EVALUATION_CASES])
def test_evaluate(rules: list[RuleView], expected: dict[str, Any]) -> None:
    assert asdict(evaluate(rules, BASE)) == {**UNDECIDED, **expected}


def test_evaluate_propagates_rule_errors_from_enabled_rules() -> None:
    with pytest.raises(RuleError, match="unknown action"):
        evaluate([rule(1, {"type": "send_fax"})], BASE)
    with pytest.raises(RuleError, match="unknown condition"):
        evaluate([rule(1, queue(1), when={"colour": "red"})], BASE)


def test_evaluate_does_not_share_state_between_calls() -> None:
    rules = [rule(1, tags("a"), {"type": "require_skills", "skills": ["fr"]})]
    first, second = evaluate(rules, BASE), evaluate(rules, BASE)
    assert (first.tags, second.tags) == (["a"], ["a"])
    assert second.required_skills == ["fr"] and second.matched_rule_ids == [1]
