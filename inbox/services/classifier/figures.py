"""Precision, recall and F1 for the complaint class, and the confusion matrix."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any


@dataclass(frozen=True)
class Figures:
    precision: float
    recall: float
    f1: float
    n: int
    true_positive: int  # complaints found
    false_positive: int  # others called complaints
    false_negative: int  # complaints missed
    true_negative: int

    def summary(self) -> dict[str, Any]:
        return {"precision": self.precision, "recall": self.recall, "f1": self.f1,
                "n": self.n}

    def confusion(self) -> dict[str, Any]:
        return {k: v for k, v in asdict(self).items() if k not in self.summary()}


def figures(truth: Sequence[bool], predicted: Sequence[bool]) -> Figures:
    pairs = list(zip(truth, predicted, strict=True))
    tp = sum(1 for t, p in pairs if t and p)
    fp = sum(1 for t, p in pairs if p and not t)
    fn = sum(1 for t, p in pairs if t and not p)
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return Figures(round(precision, 4), round(recall, 4), round(f1, 4), len(pairs),
                   tp, fp, fn, len(pairs) - tp - fp - fn)
