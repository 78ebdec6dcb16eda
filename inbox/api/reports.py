"""/api/v1/reports/<report>: supervisors' figures as JSON, or streamed as CSV (?format=csv).
Definitions: docs/reports.md."""

from __future__ import annotations

from typing import Any

from flask import Response, stream_with_context

from inbox.api.authorization import SUPERVISORS
from inbox.api.base import protected_blueprint
from inbox.schemas.reports import ReportArgs, ReportOut
from inbox.services import unit_of_work
from inbox.services.reports.catalogue import run_report
from inbox.services.reports.export import csv_lines
from inbox.services.reports.query import ReportQuery

blp = protected_blueprint("reporting", __name__, "Reports: supervisors' figures over a window")


@blp.route("/reports/<report>", allow=SUPERVISORS)
@blp.arguments(ReportArgs, location="query")
@blp.response(200, ReportOut)
def get_report(args: dict[str, Any], report: str) -> Any:
    """A report's rows, one per group; `format=csv` sends them as a CSV download."""
    query = ReportQuery(args["since"], args["until"], args["group"], args["filters"])
    with unit_of_work(read_only=True) as session:
        result = run_report(session, report, query)
    if args["format"] == "csv":
        return _csv_download(result, query)
    return result


def _csv_download(result: dict[str, Any], query: ReportQuery) -> Response:
    """Counted first (a bad request is still a 4xx, not a broken download), then sent
    line by line."""
    name = f"{result['report']}_{query.since:%Y-%m-%d}_{query.until:%Y-%m-%d}_{query.group}.csv"
    lines = csv_lines(result["columns"], result["rows"])
    return Response(stream_with_context(lines), mimetype="text/csv", headers={
        "Content-Disposition": f'attachment; filename="{name}"'})
