"""A person's data from the contact panel: a supervisor downloads everything held about
them; an admin erases them after typing "erase", and the case keeps its figures."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from playwright.sync_api import expect

from tests.browser.desk import case_whose_subject_has, post_x_mention, wait_for


def test_export_then_erase_a_contact_from_the_contact_panel(
    open_desk: Any, workspace: Any, admin_ada: Any
) -> None:
    ada = open_desk(admin_ada)
    post_x_mention(ada.base_url, "1890000000000000042", "@AcmeSupport refund my card please",
                   handle="ritag", name="Rita Gómez")
    case = wait_for(case_whose_subject_has("refund my card"), what="Rita's case")
    ada.open(case.id)
    panel = ada.page.locator("#contact-panel")
    expect(panel).to_contain_text("Rita Gómez")
    with ada.page.expect_download() as download:
        panel.locator("#contact-export").click()
    held = json.loads(Path(download.value.path()).read_text(encoding="utf-8"))
    assert held["contact"]["display_name"] == "Rita Gómez"
    assert "refund my card please" in held["messages"][0]["text"]

    panel.locator("#contact-erase").click()
    dialog = ada.page.locator("#erase-dialog")
    dialog.get_by_label("Type erase to confirm").fill("erase")
    dialog.get_by_role("button", name="Erase for good").click()
    expect(ada.page.locator(".toast")).to_contain_text("Erased: 1 identities")
    expect(panel).to_contain_text("Erased contact #")
    expect(ada.page.locator("#timeline")).to_contain_text("[erased]")
    expect(ada.page.locator("#timeline")).not_to_contain_text("refund my card please")

    sam = open_desk(workspace.sam)  # supervisors export, only admins erase
    sam.open(case.id)
    expect(sam.page.locator("#contact-export")).to_be_visible()
    expect(sam.page.locator("#contact-erase")).to_have_count(0)
