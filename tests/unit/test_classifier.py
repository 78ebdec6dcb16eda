"""The complaint classifier's pure parts: labels, features, scoring as trained, and the
model beating the rules on messages it never saw."""

from __future__ import annotations

from pathlib import Path

import pytest

from inbox.services.classifier.evaluation import evaluate
from inbox.services.classifier.labelled_files import Labelled, parse_label, read_labelled
from inbox.services.classifier.scoring import ComplaintScorer, with_model
from inbox.services.classifier.training import _pipeline, train
from inbox.services.errors import ValidationFailed
from inbox.services.ingest.enrichment import enrich
from inbox.services.routing.engine import RoutingFacts, matches

FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "classifier" / "care_messages.csv"


def split(labelled: Labelled, share: float = 0.7) -> tuple[Labelled, Labelled]:
    cut = int(len(labelled.texts) * share)
    return (Labelled(labelled.texts[:cut], labelled.labels[:cut]),
            Labelled(labelled.texts[cut:], labelled.labels[cut:]))


@pytest.mark.parametrize("word,expected", [("1", True), ("TRUE", True), (" complaint ", True),
                                           ("0", False), ("false", False), ("Other", False)])
def test_labels_are_read_in_every_spelling(word: str, expected: bool) -> None:
    assert parse_label(word) is expected


def test_a_file_with_a_bad_label_is_refused_naming_its_line(tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_text("text,label\nmy router died,1\nall good,maybe\n", encoding="utf-8")
    with pytest.raises(ValidationFailed, match=r"bad.csv line 3: 'maybe' is not a label"):
        read_labelled(path)


def test_a_file_without_the_named_column_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "cols.csv"
    path.write_text("body,label\nmy router died,1\n", encoding="utf-8")
    with pytest.raises(ValidationFailed, match="no column 'text'"):
        read_labelled(path)
    assert read_labelled(path, text_column="body").texts == ["my router died"]


def test_training_needs_both_classes() -> None:
    with pytest.raises(ValidationFailed, match="at least 5 complaints"):
        train(["broken again"] * 20 + ["thanks"] * 3, [True] * 20 + [False] * 3)


def test_scoring_from_plain_data_equals_the_trained_pipeline() -> None:
    training, held_back = split(read_labelled(FIXTURE))
    trained = train(training.texts, training.labels)
    pipeline = _pipeline().fit(training.texts, [int(x) for x in training.labels])
    expected = pipeline.predict_proba(held_back.texts)[:, 1]
    stored = ComplaintScorer.from_weights(7, trained.scorer.to_weights())
    for text, probability in zip(held_back.texts, expected, strict=True):
        assert stored.probability(text) == pytest.approx(float(probability), abs=1e-9)


def test_the_model_beats_the_rules_on_held_back_rows() -> None:
    training, held_back = split(read_labelled(FIXTURE))
    trained = train(training.texts, training.labels)
    rules = evaluate("rules", held_back.texts, held_back.labels, None)
    model = evaluate("model", held_back.texts, held_back.labels, trained.scorer)
    combined = evaluate("combined", held_back.texts, held_back.labels, trained.scorer)
    assert model.n == rules.n == len(held_back.texts) > 100
    # The rules find most of this fixture's complaints (F1 0.9), so beating them at all counts.
    assert model.f1 > rules.f1, (model, rules)
    assert combined.recall >= model.recall and combined.f1 > rules.f1
    assert trained.cross_validated.f1 > rules.f1  # the figures status shows say so too


def test_a_complaint_the_model_finds_makes_the_message_a_complaint() -> None:
    scorer = ComplaintScorer(1, {"w:zorbaxed": (1.0, 5.0)}, -1.0)  # a word no rule knows
    rules_only = enrich("the app got zorbaxed")
    assert rules_only.intent != "complaint"
    assert with_model(rules_only, scorer, scorer.probability("the app got zorbaxed")).intent \
        == "complaint"
    assert with_model(rules_only, scorer, scorer.probability("lovely day")).intent == \
        rules_only.intent


def test_routing_on_the_complaint_probability_needs_a_model() -> None:
    facts = RoutingFacts("x", 1, "public", "mention", "text", complaint_probability=0.9)
    assert matches({"complaint_probability": {"min": 0.8}}, facts)
    assert not matches({"complaint_probability": {"max": 0.5}}, facts)
    no_model = RoutingFacts("x", 1, "public", "mention", "text")
    assert not matches({"complaint_probability": {"max": 0.5}}, no_model)
