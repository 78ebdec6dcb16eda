"""Report query and output shapes."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from marshmallow import Schema, ValidationError, fields, post_load, validate

from inbox.models import utcnow
from inbox.services.contacts.places import REGIONS, known_country
from inbox.services.reports.query import FILTERS, GROUPS, PLACE_FILTERS

DEFAULT_DAYS = 7
FIRST_YEAR, LAST_YEAR = 1970, 9000


class Moment(fields.Field):
    """An ISO date ("2026-11-02", midnight UTC) or date-time (a zone-less one is UTC).
    As `until`, a date means the end of that day: since=2026-11-01&until=2026-11-30 is
    the whole of November."""

    def __init__(self, *, end_of_day: bool = False, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.end_of_day = end_of_day

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> datetime:
        text = str(value).strip()
        try:
            if len(text) == 10:
                day = date.fromisoformat(text)
                if self.end_of_day:
                    day += timedelta(days=1)
                moment = datetime.combine(day, time(), UTC)
            else:
                moment = datetime.fromisoformat(text)
        except (ValueError, OverflowError):
            raise ValidationError("an ISO date (2026-11-02) or date-time") from None
        if not FIRST_YEAR <= moment.year <= LAST_YEAR:  # a window's arithmetic stays in range
            raise ValidationError(f"a year from {FIRST_YEAR} to {LAST_YEAR}")
        return moment.astimezone(UTC) if moment.tzinfo else moment.replace(tzinfo=UTC)


class ReportArgs(Schema):
    since = Moment(metadata={"description": "ISO date or date-time; by default 7 days "
                                            "before until"})
    until = Moment(end_of_day=True, metadata={
        "description": "ISO date (that day included) or date-time (excluded); by default "
                       "the end of today (UTC)"})
    group = fields.String(load_default="all", validate=validate.OneOf(GROUPS))
    queue = fields.Integer(validate=validate.Range(min=1))
    channel = fields.Integer(validate=validate.Range(min=1))
    agent = fields.Integer(validate=validate.Range(min=1))
    policy = fields.Integer(validate=validate.Range(min=1))
    priority = fields.Integer(validate=validate.Range(1, 4))
    country = fields.String(metadata={"description": "the contact's, ISO 3166-1 alpha-2"})
    region = fields.String(validate=validate.OneOf(REGIONS), metadata={
        "description": "the contact's region (docs/geography.md)"})
    format = fields.String(load_default="json", validate=validate.OneOf(["json", "csv"]))

    @post_load
    def _window(self, data: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
        if "until" not in data:
            data["until"] = datetime.combine(utcnow().date() + timedelta(days=1), time(), UTC)
        data.setdefault("since", data["until"] - timedelta(days=DEFAULT_DAYS))
        if data["since"] >= data["until"]:
            raise ValidationError("must be after since", field_name="until")
        if "country" in data:
            data["country"] = data["country"].strip().upper()
            if len(data["country"]) != 2 or not known_country(data["country"]):
                raise ValidationError("an ISO 3166-1 alpha-2 country code, e.g. DE",
                                      field_name="country")
        data["filters"] = {name: data.pop(name) for name in (*FILTERS, *PLACE_FILTERS)
                           if name in data}
        return data


class ReportOut(Schema):
    report = fields.String()
    title = fields.String()
    since = fields.AwareDateTime()
    until = fields.AwareDateTime()
    group = fields.String()
    filters = fields.Dict(keys=fields.String(), values=fields.Raw())
    columns = fields.List(fields.String())
    rows = fields.List(fields.Dict(), metadata={
        "description": "one per group: group (its name), key (its id or day) and the columns"})
