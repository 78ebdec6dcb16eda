"""How well the enrichment rules find complaints, measured on a labelled CSV.

    .venv/bin/python bench/complaint_rules.py --csv FILE [--text-column text]
        [--label-column label] [--split all|dev|held-out] [--seed 14]

Runs the whole `enrich()` on every row (no rating, no provider language hint) and counts
intent == "complaint" as the positive class; every other intent is "not a complaint".
Prints one JSON object: precision, recall, f1, n, the confusion matrix and the enrichment
rate in messages per CPU-second (one core). Labels may be 1/0, true/false or complaint/other.

`--split dev` / `--split held-out` is a fixed random half each (seeded): the rules were
tuned on the dev half only, so the held-out half says whether they generalise.
See docs/enrichment.md ("Measured") for the figures.
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as a script: make `inbox` importable
    sys.path.insert(0, str(ROOT))

from inbox.services.ingest.enrichment import enrich, warm_up  # noqa: E402

_POSITIVE = {"1", "true", "complaint"}
_NEGATIVE = {"0", "false", "other", "not complaint", "not_complaint"}


def parse_label(raw: str) -> bool:
    value = raw.strip().lower()
    if value in _POSITIVE:
        return True
    if value in _NEGATIVE:
        return False
    raise ValueError(f"label {raw!r} is not 1/0, true/false or complaint/other")


def read_rows(path: Path, text_column: str, label_column: str) -> list[tuple[str, bool]]:
    with path.open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        missing = {text_column, label_column} - set(reader.fieldnames or ())
        if missing:
            raise SystemExit(f"{path}: no column(s) {', '.join(sorted(missing))}")
        return [(row[text_column], parse_label(row[label_column])) for row in reader]


def split(rows: list[tuple[str, bool]], which: str, seed: int) -> list[tuple[str, bool]]:
    if which == "all":
        return rows
    order = list(range(len(rows)))
    random.Random(seed).shuffle(order)
    half = len(order) // 2
    chosen = order[:half] if which == "dev" else order[half:]
    return [rows[i] for i in sorted(chosen)]


def measure(rows: list[tuple[str, bool]]) -> dict[str, Any]:
    warm_up()  # model loading is start-up cost, not per-message cost
    # CPU time, not wall time: the rate of one core, whatever else the machine is doing.
    started = time.process_time()
    predicted = [enrich(text).intent == "complaint" for text, _ in rows]
    elapsed = time.process_time() - started
    tp = sum(1 for (_, y), p in zip(rows, predicted, strict=True) if y and p)
    fp = sum(1 for (_, y), p in zip(rows, predicted, strict=True) if not y and p)
    fn = sum(1 for (_, y), p in zip(rows, predicted, strict=True) if y and not p)
    tn = len(rows) - tp - fp - fn
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {
        "precision": round(precision, 3),
        "recall": round(recall, 3),
        "f1": round(f1, 3),
        "n": len(rows),
        "confusion": {"tp": tp, "fp": fp, "fn": fn, "tn": tn},
        "messages_per_second": round(len(rows) / elapsed) if elapsed else None,
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--csv", type=Path, required=True)
    parser.add_argument("--text-column", default="text")
    parser.add_argument("--label-column", default="label")
    parser.add_argument("--split", choices=("all", "dev", "held-out"), default="all")
    parser.add_argument("--seed", type=int, default=14)
    args = parser.parse_args(argv)
    rows = split(read_rows(args.csv, args.text_column, args.label_column), args.split, args.seed)
    print(json.dumps({"split": args.split, **measure(rows)}))


if __name__ == "__main__":
    main()
