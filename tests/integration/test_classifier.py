"""The complaint classifier learning from the agents: decisions become labels, the cron
trains when enough exist, new messages carry the model's probability, rules route on it,
and the command line trains and measures on a labelled file."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from sqlalchemy import select

from inbox.models import Case, Channel, ComplaintLabel, ComplaintModel, Message, Queue
from inbox.services import unit_of_work
from inbox.services.classifier import versions
from inbox.services.classifier.labelled_files import read_labelled
from inbox.services.ingest.drain import drain
from tests.factories import make_channel, make_queue
from tests.integration.test_cli import inbox
from tests.signing import compact, generic_headers

FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "classifier" / "care_messages.csv"
# Complaint wording the rules miss and the fixture teaches.
UNRULY = "The broadband logs me out every single time"


def mention(client: Any, channel_id: int, item_id: str, text: str) -> None:
    body = compact({"id": item_id, "type": "mention", "text": text,
                    "author": {"id": f"a-{item_id}", "handle": f"h-{item_id}"}})
    response = client.post(f"/webhooks/generic/{channel_id}", data=body,
                           headers=generic_headers(body, "listen-secret"))
    assert response.status_code == 200


def labels() -> list[tuple[str, bool, str]]:
    with unit_of_work() as session:
        rows = session.execute(select(Message.external_id, ComplaintLabel.complaint,
                                      ComplaintLabel.source).join(
            Message, Message.id == ComplaintLabel.message_id).order_by(Message.external_id))
        return [tuple(row) for row in rows]  # type: ignore[misc]


def seed_labels(count: int, offset: int = 0) -> None:
    """`count` labelled messages from the fixture, as if agents had decided them."""
    fixture = read_labelled(FIXTURE)
    channel = make_channel("generic", f"Seed {offset}", secret="listen-secret")
    with unit_of_work() as session:
        for i in range(offset, offset + count):
            message = Message(channel_id=channel.id, external_id=f"seed-{i}", direction="in",
                              visibility="public", kind="mention", text=fixture.texts[i])
            session.add(message)
            session.flush()
            session.add(ComplaintLabel(message_id=message.id, complaint=fixture.labels[i],
                                       source="resolved"))


def train_from_fixture() -> int:
    fixture = read_labelled(FIXTURE)
    with unit_of_work() as session:
        return versions.do_train_from_file(session, fixture.texts, fixture.labels,
                                           FIXTURE.name).id


def test_promoting_a_mention_and_resolving_label_the_message(
    client: Any, api_as: Any, supervisor_sam: Any,
) -> None:
    make_queue("Social care")
    channel = make_channel("generic", "Listening tool", secret="listen-secret")
    mention(client, channel.id, "m1", "Just saw the new Acme shop opening downtown")
    mention(client, channel.id, "m2", "Acme sponsors the marathon this year")
    mention(client, channel.id, "m3", "Acme sponsors the bake-off this year")
    drain()
    sup = api_as(supervisor_sam)
    by_id = {m["external_id"]: m["id"] for m in sup.get("/api/v1/monitored").json}
    cases = {}
    for external_id in ("m1", "m2", "m3"):
        cases[external_id] = sup.post(f"/api/v1/monitored/{by_id[external_id]}/promote").json
    assert labels() == [("m1", True, "promoted"), ("m2", True, "promoted"),
                        ("m3", True, "promoted")]
    # The disposition overrules: there was nothing to answer after all.
    assert sup.post(f"/api/v1/cases/{cases['m2']['id']}/resolve",
                    json={"disposition": "No action needed"}).status_code == 200
    # "answered" says nothing about whether it was a complaint: the label stays.
    assert sup.post(f"/api/v1/cases/{cases['m3']['id']}/resolve",
                    json={"disposition": "answered"}).status_code == 200
    assert labels() == [("m1", True, "promoted"), ("m2", False, "resolved"),
                        ("m3", True, "promoted")]


def test_a_refused_resolve_leaves_no_label(api_as: Any, supervisor_sam: Any, client: Any
                                           ) -> None:
    make_queue("Social care")
    channel = make_channel("generic", "Listening tool", secret="listen-secret")
    mention(client, channel.id, "m1", "Acme sponsors the marathon this year")
    drain()
    sup = api_as(supervisor_sam)
    message_id = sup.get("/api/v1/monitored").json[0]["id"]
    case = sup.post(f"/api/v1/monitored/{message_id}/promote").json
    with unit_of_work() as session:
        session.execute(ComplaintLabel.__table__.delete())
    assert sup.post(f"/api/v1/cases/{case['id']}/resolve",
                    json={"disposition": " "}).status_code == 422
    assert labels() == []


def test_the_cron_trains_only_once_enough_new_labels_exist(runtime: Any) -> None:
    seed_labels(versions.LABELS_TO_TRAIN - 1)
    assert versions.retrain_if_due() is None  # 199 labels: too few
    seed_labels(1, offset=versions.LABELS_TO_TRAIN - 1)
    first = versions.retrain_if_due()
    assert first is not None
    assert versions.retrain_if_due() is None  # nothing new since
    seed_labels(versions.NEW_LABELS_TO_RETRAIN, offset=versions.LABELS_TO_TRAIN)
    second = versions.retrain_if_due()
    assert second is not None and second > first
    with unit_of_work() as session:
        shown = versions.status(session)["model"]
    assert shown["id"] == second and shown["source"] == "agents"
    assert shown["labels"] == versions.LABELS_TO_TRAIN + versions.NEW_LABELS_TO_RETRAIN
    assert shown["cross_validated"]["f1"] > 0.8


def test_new_messages_carry_the_probability_and_the_models_complaints_are_worked(
    client: Any, runtime: Any,
) -> None:
    make_queue("Social care")
    channel = make_channel("generic", "Listening tool", secret="listen-secret")
    mention(client, channel.id, "before", UNRULY)
    drain()
    train_from_fixture()
    mention(client, channel.id, "after", UNRULY + " now")
    mention(client, channel.id, "happy", "Loving the new headphones")
    drain()
    with unit_of_work() as session:
        messages = {m.external_id: m for m in session.scalars(select(Message))}
        worked = session.scalars(select(Case)).all()
    before, after, happy = messages["before"], messages["after"], messages["happy"]
    assert before.intent != "complaint" and before.monitored  # the rules alone missed it
    assert "complaint_probability" not in before.facts
    assert after.intent == "complaint" and not after.monitored
    assert after.facts["complaint_probability"] > 0.5
    assert happy.facts["complaint_probability"] < 0.5 and happy.monitored
    assert [case.id for case in worked] == [after.case_id]


def test_a_rule_routes_on_the_complaint_probability(
    client: Any, api_as: Any, supervisor_sam: Any,
) -> None:
    make_queue("Social care")
    make_queue("Complaints desk")
    sup = api_as(supervisor_sam)
    rule = {"name": "Likely complaints", "conditions": {"complaint_probability": {"min": 0.7}},
            "actions": [{"type": "set_queue", "queue": "Complaints desk"}]}
    assert sup.post("/api/v1/rules", json=rule).status_code == 201
    assert sup.post("/api/v1/rules", json={**rule, "conditions": {
        "complaint_probability": "high"}}).status_code == 422
    channel = make_channel("generic", "Support inbox", secret="listen-secret")
    train_from_fixture()
    body = compact({"id": "dm1", "type": "message", "text": UNRULY,
                    "author": {"id": "a-dm1", "handle": "h-dm1"}})
    client.post(f"/webhooks/generic/{channel.id}", data=body,
                headers=generic_headers(body, "listen-secret"))
    drain()
    with unit_of_work() as session:
        queue_name = session.scalar(select(Queue.name).join(Case, Case.queue_id == Queue.id))
    assert queue_name == "Complaints desk"


def test_supervisors_see_status_and_ask_for_training(
    api_as: Any, supervisor_sam: Any, agent_alice: Any, runtime: Any,
) -> None:
    sup = api_as(supervisor_sam)
    assert api_as(agent_alice).get("/api/v1/classifier").status_code == 403
    assert sup.get("/api/v1/classifier").json["model"] is None
    refused = sup.post("/api/v1/classifier/train")
    assert refused.status_code == 422
    assert "at least 5 complaints" in refused.json["error"]["message"]
    seed_labels(40)
    asked = sup.post("/api/v1/classifier/train")
    assert asked.status_code == 202 and asked.json["training_requested"]
    assert versions.train_from_agents(supervisor_sam.id) is not None  # what the worker runs
    shown = sup.get("/api/v1/classifier").json["model"]
    assert shown["source"] == "agents" and shown["labels"] == 40


def test_command_line_trains_evaluates_and_shows_status(runtime: Any, tmp_path: Path) -> None:
    rules = inbox(runtime, "classifier", "evaluate", "--csv", str(FIXTURE))
    assert rules.returncode == 0, rules.stderr
    first, *matrix = rules.stdout.splitlines()
    measured = json.loads(first)
    assert measured["scorer"] == "rules" and measured["n"] == 360
    assert set(measured) >= {"precision", "recall", "f1", "n"}
    assert "complaint" in matrix[1] and "other" in matrix[2]
    trained = inbox(runtime, "classifier", "train", "--csv", str(FIXTURE))
    assert trained.returncode == 0, trained.stderr
    model = json.loads(trained.stdout)
    assert model["source"] == "file" and model["source_name"] == FIXTURE.name
    combined = json.loads(inbox(runtime, "classifier", "evaluate", "--csv", str(FIXTURE)
                                ).stdout.splitlines()[0])
    assert combined["scorer"] == "combined" and combined["model"] == model["id"]
    assert combined["f1"] > measured["f1"]
    # Asked for, the rules are measured alone even with a model in force.
    rules_again = json.loads(inbox(runtime, "classifier", "evaluate", "--csv", str(FIXTURE),
                                   "--scorer", "rules").stdout.splitlines()[0])
    assert rules_again == measured
    status = json.loads(inbox(runtime, "classifier", "status").stdout)
    assert status["model"]["id"] == model["id"] and status["model"]["labels"] == 360
    with unit_of_work() as session:
        assert session.scalar(select(ComplaintModel.source)) == "file"


def test_command_line_names_the_row_with_a_bad_label(runtime: Any, tmp_path: Path) -> None:
    path = tmp_path / "labels.csv"
    path.write_text("message,is_complaint\nmy router died,yes\nall fine,perhaps\n",
                    encoding="utf-8")
    refused = inbox(runtime, "classifier", "train", "--csv", str(path), "--text-column",
                    "message", "--label-column", "is_complaint")
    assert refused.returncode == 1
    assert "labels.csv line 3: 'perhaps' is not a label" in refused.stderr


def test_a_reply_to_a_promoted_mention_labels_it_a_complaint(
    client: Any, api_as: Any, supervisor_sam: Any, agent_alice: Any,
) -> None:
    make_queue("Social care")
    channel = make_channel("generic", "Listening tool", secret="listen-secret")
    mention(client, channel.id, "m1", "Acme sponsors the marathon this year")
    drain()
    sup = api_as(supervisor_sam)
    case = sup.post(f"/api/v1/monitored/{sup.get('/api/v1/monitored').json[0]['id']}/promote"
                    ).json
    with unit_of_work() as session:
        session.execute(ComplaintLabel.__table__.delete())
        # answerable; no worker runs the send here, and nothing listens at port 9
        session.get(Channel, channel.id).settings = {"reply_url": "http://127.0.0.1:9/r"}
    replied = api_as(agent_alice).post(f"/api/v1/cases/{case['id']}/reply",
                                       json={"text": "Sorry to hear that, we are on it"})
    assert replied.status_code == 201, replied.json
    assert labels() == [("m1", True, "replied")]
