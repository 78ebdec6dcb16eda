"""API responses written by orjson say what Flask's own JSON provider said."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from decimal import Decimal
from uuid import UUID

import pytest
from flask import Flask
from flask.json.provider import DefaultJSONProvider

from inbox.web.json_provider import OrjsonProvider

SAMPLES = [
    {"b": 1, "a": [1, 2.5, None, True], "c": {"z": "Zoë", "y": "café ☕"}},
    {"when": datetime(2026, 12, 3, 6, 15, 53, 120000, tzinfo=UTC), "day": date(2026, 1, 2)},
    {"amount": Decimal("12.50"), "id": UUID("12345678-1234-5678-1234-567812345678")},
    {1: "int keys", 2: "become strings"},
    {"huge": 2**70, "negative": -(2**65)},  # past orjson's 64 bits: the fallback
    {"lone": "\ud800 surrogate"},  # orjson refuses it: the fallback writes it escaped
    [],
]


@pytest.fixture
def app() -> Flask:
    return Flask(__name__)


@pytest.mark.parametrize("value", SAMPLES, ids=range(len(SAMPLES)))
def test_same_json_as_flask(app: Flask, value: object) -> None:
    ours = OrjsonProvider(app).dumps(value, separators=(",", ":"))
    flask = DefaultJSONProvider(app).dumps(value, separators=(",", ":"))
    assert json.loads(ours) == json.loads(flask)


def test_keys_sorted_and_compact(app: Flask) -> None:
    assert OrjsonProvider(app).dumps({"b": 1, "a": {"d": 2, "c": 3}}) == '{"a":{"c":3,"d":2},"b":1}'


def test_debug_output_stays_pretty(app: Flask) -> None:
    app.debug = True
    app.json = OrjsonProvider(app)
    with app.app_context():
        body = app.json.response({"a": 1}).get_data(as_text=True)
    assert body == '{\n  "a": 1\n}\n'


def test_what_neither_can_write_is_a_type_error(app: Flask) -> None:
    with pytest.raises(TypeError):
        OrjsonProvider(app).dumps({"x": object()})
