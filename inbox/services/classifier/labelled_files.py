"""Labelled CSV files for `inbox classifier train/evaluate`: one message per row, its text
and whether it is a complaint (1/0, true/false, complaint/other, any case)."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from inbox.services.errors import ValidationFailed

COMPLAINT = frozenset({"1", "true", "complaint", "yes"})
OTHER = frozenset({"0", "false", "other", "no", "not complaint"})


@dataclass(frozen=True)
class Labelled:
    texts: list[str]
    labels: list[bool]


def parse_label(value: str) -> bool:
    """True for a complaint; ValueError for anything that is not a label."""
    word = (value or "").strip().lower()
    if word in COMPLAINT:
        return True
    if word in OTHER:
        return False
    raise ValueError(f"{value!r} is not a label (use 1/0, true/false or complaint/other)")


def read_labelled(path: Path, text_column: str = "text", label_column: str = "label"
                  ) -> Labelled:
    """Every row's text and label; a clear error naming the first row that is neither."""
    texts: list[str] = []
    labels: list[bool] = []
    with path.open(newline="", encoding="utf-8-sig") as handle:
        reader = csv.DictReader(handle)
        missing = [c for c in (text_column, label_column) if c not in (reader.fieldnames or [])]
        if missing:
            raise ValidationFailed(
                f"{path.name} has no column {', '.join(map(repr, missing))} "
                f"(columns: {', '.join(reader.fieldnames or [])})",
                fields={"columns": "missing"})
        for row in reader:
            try:
                labels.append(parse_label(row[label_column] or ""))
            except ValueError as exc:
                # line_num counts the header, so it is the row's line in the file
                raise ValidationFailed(f"{path.name} line {reader.line_num}: {exc}",
                                       fields={label_column: f"line {reader.line_num}"})
            texts.append(row[text_column] or "")
    if not texts:
        raise ValidationFailed(f"{path.name} has no rows", fields={"rows": "none"})
    return Labelled(texts, labels)
