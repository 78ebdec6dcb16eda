"""The console's pages and who may open each: one list, so every page's header offers
the same links (the desk, the supervisors' screens, administration)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import Blueprint, current_app, render_template, url_for
from flask_login import current_user, login_required

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
    ConsolePage("approvals", "approvals.page", "Approvals", STAFF),
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


def refused_unless_staff(page: str) -> tuple[str, int] | None:
    """The forbidden page for anyone but supervisors and admins (None: they may open it)."""
    if current_user.role in STAFF:
        return None
    return render_template("forbidden.html", user=current_user, page=page), 403


def staff_page(template: str, bundle: str, page: str, bootstrap: dict[str, Any] | None = None,
               **context: Any) -> str | tuple[str, int]:
    """A supervisors' screen: its server-rendered shell with the start-up data (who is
    signed in, then `bootstrap`) and its bundle; the forbidden page for anyone else."""
    from inbox.web.pages import bundle_version  # pages imports this module

    if (refused := refused_unless_staff(page)) is not None:
        return refused
    me = {"id": current_user.id, "name": current_user.name, "role": current_user.role,
          "is_admin": current_user.role == "admin"}
    return render_template(template, user=current_user, bootstrap={"me": me, **(bootstrap or {})},
                           bundle=bundle, bundle_version=bundle_version(bundle), **context)


def staff_screen(name: str, rule: str, label: str,
                 details: Callable[[], dict[str, Any]] | None = None) -> Blueprint:
    """The blueprint of a supervisors' screen: `rule` serves `<name>.html` with the bundle
    `dist/<name>.js` (endpoint `<name>.page`). `details`, read only for those who may see
    the page, is both the start-up data and the template's context."""
    from inbox.web.pages import security_headers  # pages imports this module

    blueprint = Blueprint(name, f"inbox.web.{name}")
    blueprint.after_request(security_headers)

    @blueprint.get(rule)
    @login_required
    def page() -> str | tuple[str, int]:
        if (refused := refused_unless_staff(label)) is not None:
            return refused  # before reading anything
        data = details() if details else {}
        return staff_page(f"{name}.html", f"dist/{name}.js", label, data, **data)

    return blueprint
