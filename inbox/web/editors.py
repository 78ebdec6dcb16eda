"""The editors page (docs/editors.md): supervisors' settings — the watch list, and the
rules, SLA policies, calendars and canned responses — each a section of one
server-rendered shell that works through the REST API like the admin page."""

from __future__ import annotations

from typing import Any

from inbox.services.contacts.places import REGIONS
from inbox.web.console import staff_screen


def _details() -> dict[str, Any]:
    return {"regions": list(REGIONS)}  # the rules' region condition names them


blp = staff_screen("editors", "/editors", "The editors", _details)
