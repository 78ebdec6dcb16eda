"""Measuring a scorer on labelled messages: the rules alone, the model alone, or both
combined as ingest combines them (a complaint when either says so)."""

from __future__ import annotations

from collections.abc import Sequence

from inbox.services.classifier.figures import Figures, figures
from inbox.services.classifier.scoring import ComplaintScorer
from inbox.services.errors import ValidationFailed
from inbox.services.ingest.enrichment import classify_intent, sentiment_score

SCORERS = ("rules", "model", "combined")


def rules_say_complaint(text: str) -> bool:
    return classify_intent(text, sentiment_score(text)) == "complaint"


def predictions(scorer_name: str, texts: Sequence[str], model: ComplaintScorer | None
                ) -> list[bool]:
    if scorer_name != "rules" and model is None:
        raise ValidationFailed(f"no model is trained yet, so there is no {scorer_name!r} "
                               "scorer; train one or evaluate the rules",
                               fields={"scorer": "no model"})
    if scorer_name not in SCORERS:
        raise ValidationFailed(f"{scorer_name!r} is not a scorer ({', '.join(SCORERS)})",
                               fields={"scorer": "unknown"})
    use_model = model if scorer_name != "rules" else None  # the rules alone, even with one
    out = []
    for text in texts:
        by_model = use_model.is_complaint(use_model.probability(text)) if use_model else False
        if scorer_name == "model":
            out.append(by_model)
        else:
            out.append(by_model or rules_say_complaint(text))
    return out


def evaluate(scorer_name: str, texts: Sequence[str], labels: Sequence[bool],
             model: ComplaintScorer | None) -> Figures:
    return figures(labels, predictions(scorer_name, texts, model))
