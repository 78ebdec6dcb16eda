"""The complaint classifier on screen: the desk shows the model's probability beside the
message's intent; the listening page shows the model in force and trains a new one from
the agents' labels on a button (a worker trains it)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from playwright.sync_api import expect

from inbox.models import ComplaintLabel, Message
from inbox.services import unit_of_work
from inbox.services.classifier import versions
from inbox.services.classifier.labelled_files import read_labelled
from tests.browser.desk import case_whose_subject_has, post_review, wait_for
from tests.browser.test_editors import open_editors
from tests.conftest import WAIT

FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "classifier" / "care_messages.csv"


def test_the_desk_shows_the_complaint_probability_beside_the_intent(
        open_desk: Any, server: Any, workspace: Any) -> None:
    fixture = read_labelled(FIXTURE)
    with unit_of_work() as session:
        versions.do_train_from_file(session, fixture.texts, fixture.labels, FIXTURE.name)
    post_review(server.url, workspace.reviews, "cl-1", "The router logs me out every single time")
    case = wait_for(case_whose_subject_has("logs me out"), what="the case")
    alice = open_desk(workspace.alice)
    alice.open(case.id)
    intent = alice.page.locator("#timeline .msg", has_text="logs me out").locator(".msg__intent")
    expect(intent).to_have_attribute("data-intent", "complaint", timeout=WAIT * 1000)
    expect(intent).to_contain_text("complaint · model")
    share = int(intent.inner_text().split("model ")[1].split("%")[0])
    assert share > 50


def test_the_listening_page_shows_the_model_and_trains_on_the_button(
        open_desk: Any, server: Any, workspace: Any) -> None:
    sam = open_desk(workspace.sam)
    page = sam.page
    page.goto(f"{server.url}/listening")
    page.wait_for_selector("body[data-ready=true]", timeout=WAIT * 1000)
    panel = page.locator("#classifier")
    expect(panel.locator("#classifier-status")).to_contain_text("none yet", timeout=WAIT * 1000)
    panel.get_by_role("button", name="Train from agents' labels").click()
    expect(panel.locator(".form-error")).to_contain_text("at least 5 complaints",
                                                         timeout=WAIT * 1000)
    fixture = read_labelled(FIXTURE)
    with unit_of_work() as session:  # as if agents had decided 40 messages
        for i in range(40):
            message = Message(channel_id=workspace.reviews, external_id=f"seen-{i}",
                              direction="in", visibility="public", kind="review",
                              text=fixture.texts[i])
            session.add(message)
            session.flush()
            session.add(ComplaintLabel(message_id=message.id, complaint=fixture.labels[i],
                                       source="resolved"))
    panel.get_by_role("button", name="Train from agents' labels").click()
    expect(page.locator(".toast").last).to_contain_text("Training asked for",
                                                        timeout=WAIT * 1000)
    # A worker trains it (scikit-learn loads there, never in the web process).
    expect(panel.locator("#classifier-status")).to_contain_text("40 labels", timeout=120_000)
    expect(panel.locator("#classifier-status")).to_contain_text("agents' labels")
    expect(panel.locator("#classifier-status")).to_contain_text("Cross-validated")
    expect(panel.get_by_role("button", name="Train from agents' labels")).to_be_enabled()


def test_a_rule_on_the_complaint_probability_is_made_on_the_editors_page(
        open_desk: Any, server: Any, workspace: Any) -> None:
    sam = open_desk(workspace.sam)
    page = open_editors(sam, "Rules")
    form = page.locator("#rule-form")
    form.get_by_label("Name").fill("Likely complaints to tier 2")
    form.get_by_label("Complaint probability at least").fill("0.8")
    form.get_by_label("Queue").select_option(label="Tier 2")
    form.get_by_role("button", name="Add rule").click()
    row = page.locator("#rule-rows tr", has_text="Likely complaints to tier 2")
    expect(row).to_contain_text("complaint probability ≥ 0.8", timeout=WAIT * 1000)
    saved = [r for r in sam.api("GET", "/rules")["body"]
             if r["name"] == "Likely complaints to tier 2"]
    assert saved[0]["conditions"] == {"complaint_probability": {"min": 0.8}}
