"""Scoring with a trained model's plain data: no training library, a few dictionary
lookups per word (docs/enrichment.md, "Learning from agents").

The model is a TF-IDF vector (sublinear counts, L2-normalised over the features the model
knows) dotted with logistic-regression weights: exactly what training computed, so a
message scores here as it did there. Words repeat from message to message, so each
word's known character n-grams are remembered rather than cut out again.
"""

from __future__ import annotations

import math
import threading
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from typing import Any

from inbox.services.classifier.features import CHARS, PAIR, WORD, char_grams, words
from inbox.services.ingest.enrichment import Enrichment

Term = tuple[float, float]  # (idf, weight)
_WORDS_REMEMBERED = 200_000  # bounded: a flood of nonsense words must not eat the worker


@dataclass(frozen=True)
class ComplaintScorer:
    """A model version ready to score: feature -> (idf, weight), intercept, threshold."""

    version: int | None
    terms: dict[str, Term]
    intercept: float
    threshold: float = 0.5
    _words: dict[str, Term] = field(default_factory=dict, repr=False, compare=False)
    _pairs: dict[tuple[str, str], Term] = field(default_factory=dict, repr=False,
                                                 compare=False)
    _chars: dict[str, Term] = field(default_factory=dict, repr=False, compare=False)
    _known_grams: dict[str, tuple[str, ...]] = field(default_factory=dict, repr=False,
                                                    compare=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)

    def __post_init__(self) -> None:
        for name, term in self.terms.items():
            kind, key = name[:2], name[2:]
            if kind == WORD:
                self._words[key] = term
            elif kind == PAIR:
                first, _, second = key.partition(" ")
                self._pairs[(first, second)] = term
            elif kind == CHARS:
                self._chars[key] = term

    @classmethod
    def from_weights(cls, version: int | None, weights: dict[str, Any],
                     threshold: float = 0.5) -> ComplaintScorer:
        terms = {name: (float(idf), float(weight))
                 for name, (idf, weight) in weights.get("terms", {}).items()}
        return cls(version, terms, float(weights.get("intercept", 0.0)), threshold)

    def to_weights(self) -> dict[str, Any]:
        return {"terms": {name: [idf, weight] for name, (idf, weight) in self.terms.items()},
                "intercept": self.intercept}

    def _grams_of(self, word: str) -> tuple[str, ...]:
        known = self._known_grams.get(word)
        if known is None:
            known = tuple(g for g in char_grams(word) if g in self._chars)
            with self._lock:
                if len(self._known_grams) >= _WORDS_REMEMBERED:
                    self._known_grams.clear()
                self._known_grams[word] = known
        return known

    def probability(self, text: str) -> float:
        """P(complaint) in [0, 1]."""
        found = words(text)
        grams: list[str] = []
        for word in found:
            grams.extend(self._grams_of(word))
        squares = dot = 0.0
        for table, counted in ((self._words, Counter(found)),
                               (self._pairs, Counter(zip(found, found[1:], strict=False))),
                               (self._chars, Counter(grams))):
            squares, dot = _accumulate(table, counted.items(), squares, dot)
        z = self.intercept + (dot / math.sqrt(squares) if squares else 0.0)
        if z < -35:  # exp overflows beyond ~709; the probability is 0 long before
            return 0.0
        return 1.0 / (1.0 + math.exp(-z))

    def is_complaint(self, probability: float) -> bool:
        return probability >= self.threshold


def _accumulate(table: dict[Any, Term], counted: Iterable[tuple[Any, int]], squares: float,
                dot: float) -> tuple[float, float]:
    for key, count in counted:
        known = table.get(key)
        if known is not None:
            value = (1.0 + math.log(count)) * known[0] if count > 1 else known[0]
            squares += value * value
            dot += value * known[1]
    return squares, dot


def with_model(enrichment: Enrichment, scorer: ComplaintScorer, probability: float
               ) -> Enrichment:
    """The rules' enrichment, made a complaint when the model says so: a missed complaint
    is a customer left unanswered, a false one costs a re-triage."""
    if enrichment.intent == "complaint" or not scorer.is_complaint(probability):
        return enrichment
    return replace(enrichment, intent="complaint")


def judged(scorer: ComplaintScorer | None, enrichment: Enrichment, text: str
           ) -> tuple[Enrichment, float | None]:
    """The enrichment with the model's say, and its probability (None: no model yet)."""
    if scorer is None:
        return enrichment, None
    probability = scorer.probability(text)
    return with_model(enrichment, scorer, probability), probability
