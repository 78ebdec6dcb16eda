"""The console's pages and who may open each: one list, so every page's header offers
the same links (the desk, the supervisors' screens, administration)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import current_app, url_for

STAFF = ("supervisor", "admin")


@dataclass(frozen=True)
class ConsolePage:
    slug: str  # the link's id is to-<slug>
    endpoint: str
    label: str
    roles: tuple[str, ...] | None  # None: everyone signed in


CONSOLE_PAGES = (
    ConsolePage("desk", "frontend.desk", "Desk", None),
    ConsolePage("wallboard", "wallboard.page", "Wallboard", STAFF),
    ConsolePage("listening", "listening.page", "Listening", STAFF),
    ConsolePage("reports", "reports.page", "Reports", STAFF),
    ConsolePage("editors", "editors.page", "Editors", STAFF),
    ConsolePage("admin", "admin_page.admin", "Administration", STAFF),
)


def console_links(user: Any) -> list[dict[str, str]]:
    """The pages `user` may open, in the header's order (a page not served is left out)."""
    served = current_app.view_functions
    return [
        {"slug": page.slug, "label": page.label, "href": url_for(page.endpoint)}
        for page in CONSOLE_PAGES
        if page.endpoint in served and (page.roles is None or user.role in page.roles)
    ]
