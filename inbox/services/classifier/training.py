"""Training a complaint model: scikit-learn, imported here only, so web processes and
ingest workers never load it (docs/enrichment.md says why it earns its place).

TF-IDF over inbox.services.classifier.features (sublinear counts, features seen in at
least two messages), then a class-balanced logistic regression. The figures are
cross-validated: each message is predicted by a model that never saw it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from inbox.services.classifier.figures import Figures, figures
from inbox.services.classifier.scoring import ComplaintScorer
from inbox.services.errors import ValidationFailed

FOLDS = 5
MIN_PER_CLASS = 5  # below this a fold would hold no complaint (or no other) to test on
REGULARISATION = 4.0  # logistic regression's C: light, as short texts give sparse vectors


@dataclass(frozen=True)
class Trained:
    scorer: ComplaintScorer
    cross_validated: Figures
    labels: int
    complaints: int


def _pipeline() -> Any:
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline

    from inbox.services.classifier.features import features

    return make_pipeline(
        TfidfVectorizer(analyzer=features, sublinear_tf=True, min_df=2),
        LogisticRegression(C=REGULARISATION, class_weight="balanced", solver="liblinear",
                           max_iter=1000),
    )


def check_trainable(labels: Sequence[bool]) -> None:
    complaints = sum(1 for label in labels if label)
    if min(complaints, len(labels) - complaints) < MIN_PER_CLASS:
        raise ValidationFailed(
            f"training needs at least {MIN_PER_CLASS} complaints and {MIN_PER_CLASS} other "
            f"messages; there are {complaints} and {len(labels) - complaints}",
            fields={"labels": "too few of one class"})


def train(texts: Sequence[str], labels: Sequence[bool]) -> Trained:
    """A model on every row, with figures cross-validated over FOLDS folds."""
    from sklearn.model_selection import StratifiedKFold, cross_val_predict

    check_trainable(labels)
    targets = [1 if label else 0 for label in labels]
    folds = StratifiedKFold(n_splits=FOLDS, shuffle=True, random_state=0)
    predicted = cross_val_predict(_pipeline(), list(texts), targets, cv=folds)
    model = _pipeline().fit(list(texts), targets)
    vectorizer, regression = model.steps[0][1], model.steps[1][1]
    idf, weights = vectorizer.idf_, regression.coef_[0]
    terms = {name: (float(idf[i]), float(weights[i]))
             for name, i in vectorizer.vocabulary_.items()}
    scorer = ComplaintScorer(None, terms, float(regression.intercept_[0]))
    return Trained(scorer, figures(labels, [bool(p) for p in predicted]), len(targets),
                   sum(targets))
