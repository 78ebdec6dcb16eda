"""The admin page as a page object: sections, forms by their labels, rows by their text."""

from __future__ import annotations

from typing import Any

from tests.browser.desk import Desk

SECTIONS = {"channels": "Channels", "people": "People", "teams": "Teams", "queues": "Queues",
            "tokens": "API tokens", "sign-ins": "Signed-in browsers",
            "event-webhooks": "Event webhooks", "changes": "Recent changes"}


class AdminPage:
    """The admin page of a signed-in user, reached from the desk's header link."""

    def __init__(self, desk: Desk) -> None:
        self.desk = desk
        self.page = desk.page

    def open(self) -> AdminPage:
        self.page.get_by_role("link", name="Administration").click()
        self.page.wait_for_url(f"{self.desk.base_url}/admin")
        self.page.wait_for_selector("body[data-ready=true]")
        return self

    def section(self, name: str) -> Any:
        """Show section `name` (its #hash) and return it."""
        nav = self.page.get_by_role("navigation", name="Administration")
        nav.get_by_role("link", name=SECTIONS[name], exact=True).click()
        section = self.page.locator(f"section#{name}")
        section.wait_for(state="visible")
        return section

    def form(self, name: str) -> Any:
        return self.page.locator(f"#{name}-form")

    def row(self, table: str, text: str) -> Any:
        return self.page.locator(f"#{table}-rows tr", has_text=text)

    def connect_channel(self, kind: str, name: str, external_id: str | None = None,
                        fields: dict[str, str] | None = None) -> None:
        """Fill the channel form (fields by their labels) and connect it."""
        form = self.form("channel")
        form.get_by_label("Kind").select_option(kind)
        form.get_by_label("Name", exact=True).fill(name)
        if external_id is not None:
            form.get_by_label("External id").fill(external_id)
        for label, value in (fields or {}).items():
            form.get_by_label(label, exact=True).fill(value)
        form.get_by_role("button", name="Connect channel").click()

    def shown_once(self, section: Any) -> str:
        secret: str = section.locator(".once code.secret").inner_text()
        return secret
