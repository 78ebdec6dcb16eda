"""Enrichment benchmark: the whole enrichment of one message (enrich() and the complaint
model) per second on one core, against the rules alone in the same run.

    .venv/bin/python bench/enrichment.py [--n 20000] [--train FILE.csv] [--texts FILE.csv]

The model is trained first (scikit-learn, not timed) on --train (default: the tests'
customer-care fixture), then both loops enrich the same --n messages, cycled from --texts
(default: the same file), in this one process pinned to one CPU, counted in CPU time.
See docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as a script: make `inbox` importable
    sys.path.insert(0, str(ROOT))

from inbox.services.classifier.labelled_files import read_labelled  # noqa: E402
from inbox.services.classifier.scoring import ComplaintScorer, with_model  # noqa: E402
from inbox.services.classifier.training import train  # noqa: E402
from inbox.services.ingest.enrichment import enrich, warm_up  # noqa: E402

FIXTURE = ROOT / "tests" / "fixtures" / "classifier" / "care_messages.csv"
WATCH_TERMS = ["acme", "#acmefail", "outage", "refund"]


def rules_only(text: str) -> object:
    return enrich(text, followers=1200, following=300, verified=False, engagement=4,
                  watch_terms=WATCH_TERMS)


def with_scorer(scorer: ComplaintScorer) -> Callable[[str], object]:
    def both(text: str) -> object:
        enrichment = rules_only(text)
        return with_model(enrichment, scorer, scorer.probability(text))  # type: ignore[arg-type]
    return both


def rates(steps: dict[str, Callable[[str], object]], texts: list[str], rounds: int
          ) -> dict[str, float]:
    """Messages per CPU second of this process (on a shared machine, wall time measures
    the neighbours too): the median of `rounds` passes, the steps taking turns."""
    seen: dict[str, list[float]] = {name: [] for name in steps}
    for _ in range(rounds):
        for name, step in steps.items():
            started = time.process_time()
            for text in texts:
                step(text)
            seen[name].append(len(texts) / (time.process_time() - started))
    return {name: statistics.median(values) for name, values in seen.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=20_000, help="messages per pass")
    parser.add_argument("--rounds", type=int, default=5, help="passes; the median is shown")
    parser.add_argument("--train", type=Path, default=FIXTURE)
    parser.add_argument("--texts", type=Path)
    parser.add_argument("--text-column", default="text")
    parser.add_argument("--label-column", default="label")
    args = parser.parse_args()
    if hasattr(os, "sched_setaffinity"):  # one core, whatever the machine has
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})
    labelled = read_labelled(args.train, args.text_column, args.label_column)
    scorer = train(labelled.texts, labelled.labels).scorer
    sample = read_labelled(args.texts, args.text_column, args.label_column).texts \
        if args.texts else labelled.texts
    texts = [sample[i % len(sample)] for i in range(args.n)]
    warm_up()
    for text in texts[:500]:
        with_scorer(scorer)(text)
    measured = rates({"rules": rules_only, "model": scorer.probability,
                      "combined": with_scorer(scorer)}, texts, args.rounds)
    rules, model_alone, combined = measured["rules"], measured["model"], measured["combined"]
    print(json.dumps({
        "messages": args.n, "mean_characters": round(sum(map(len, texts)) / len(texts), 1),
        "model_features": len(scorer.terms),
        "rules_only_per_s": round(rules), "model_alone_per_s": round(model_alone),
        "enrichment_with_model_per_s": round(combined),
        "with_model_vs_rules_only": round(combined / rules, 3),
        "model_us_per_message": round(1e6 / model_alone, 1),
    }, indent=2))


if __name__ == "__main__":
    main()
