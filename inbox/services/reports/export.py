"""A report as CSV, written line by line as it is sent (the rows are already counted)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from typing import Any


def csv_lines(columns: list[str], rows: list[dict[str, Any]]) -> Iterator[str]:
    """The header, then one line per row; empty figures are empty cells. Cells a
    spreadsheet would run as a formula (=, +, -, @ first) are quoted with a leading '."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)

    def line(values: list[Any]) -> str:
        buffer.seek(0)
        buffer.truncate()
        writer.writerow(values)
        return buffer.getvalue()

    yield line(columns)
    for row in rows:
        yield line([_cell(row.get(name)) for name in columns])


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        return "'" + value
    return value
