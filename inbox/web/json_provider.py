"""Flask's JSON responses written by orjson.

A desk refresh serialises 50 cases; the standard library's encoder was a tenth of the
web process's CPU for it. Output is the same JSON Flask's own provider writes (sorted
keys, its `default` for dates, decimals and the like), only not ASCII-escaped. Anything
orjson will not take (an integer past 64 bits, a lone surrogate, pretty-printing in
debug) goes to Flask's provider as before.
"""

from __future__ import annotations

from typing import Any

import orjson
from flask.json.provider import DefaultJSONProvider

# Dates and datetimes pass through to Flask's `default` (HTTP dates), as before.
_OPTIONS = orjson.OPT_SORT_KEYS | orjson.OPT_NON_STR_KEYS | orjson.OPT_PASSTHROUGH_DATETIME


class OrjsonProvider(DefaultJSONProvider):
    def dumps(self, obj: Any, **kwargs: Any) -> str:
        if set(kwargs) <= {"separators"}:  # compact: any other argument is Flask's
            try:
                return orjson.dumps(obj, default=self.default, option=_OPTIONS).decode()
            except (TypeError, orjson.JSONEncodeError):
                pass  # what orjson refuses, the standard encoder may still write
        return super().dumps(obj, **kwargs)
