"""How well the enrichment rules find complaints, measured on a labelled CSV.

    .venv/bin/python bench/complaint_rules.py --csv FILE [--text-column text]
        [--label-column label] [--split all|dev|held-out] [--seed 14]

Runs the whole `enrich()` on every row (no rating, no provider language hint) and counts
intent == "complaint" as the positive class; every other intent is "not a complaint".
Prints one JSON object: precision, recall, f1, n, the confusion matrix (the same figures as
`inbox classifier evaluate --scorer rules`) and the enrichment rate in messages per
CPU-second (one core). Labels may be 1/0, true/false or complaint/other.

`--split dev` / `--split held-out` is a fixed random half each (seeded): the rules were
tuned on the dev half only, so the held-out half says whether they generalise.
See docs/enrichment.md ("Measured") for the figures.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as a script: make `inbox` importable
    sys.path.insert(0, str(ROOT))

from inbox.services.classifier.figures import figures  # noqa: E402
from inbox.services.classifier.labelled_files import read_labelled  # noqa: E402
from inbox.services.ingest.enrichment import enrich, warm_up  # noqa: E402


def half(texts: list[str], labels: list[bool], which: str, seed: int
         ) -> tuple[list[str], list[bool]]:
    """All rows, or one of two fixed random halves: the same rows for the same seed."""
    if which == "all":
        return texts, labels
    order = list(range(len(texts)))
    random.Random(seed).shuffle(order)
    middle = len(order) // 2
    chosen = sorted(order[:middle] if which == "dev" else order[middle:])
    return [texts[i] for i in chosen], [labels[i] for i in chosen]


def measure(texts: list[str], labels: list[bool]) -> dict[str, Any]:
    warm_up()  # model loading is start-up cost, not per-message cost
    # CPU time, not wall time: the rate of one core, whatever else the machine is doing.
    started = time.process_time()
    predicted = [enrich(text).intent == "complaint" for text in texts]
    elapsed = time.process_time() - started
    result = figures(labels, predicted)
    return {**result.summary(), "confusion": result.confusion(),
            "messages_per_second": round(len(texts) / elapsed) if elapsed else None}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--csv", type=Path, required=True)
    parser.add_argument("--text-column", default="text")
    parser.add_argument("--label-column", default="label")
    parser.add_argument("--split", choices=("all", "dev", "held-out"), default="all")
    parser.add_argument("--seed", type=int, default=14)
    args = parser.parse_args(argv)
    labelled = read_labelled(args.csv, args.text_column, args.label_column)
    texts, labels = half(labelled.texts, labelled.labels, args.split, args.seed)
    print(json.dumps({"split": args.split, **measure(texts, labels)}))


if __name__ == "__main__":
    main()
