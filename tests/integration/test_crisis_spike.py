"""`inbox simulate --spike TERM`: a burst through the real webhook path raises an alert."""

from __future__ import annotations

import subprocess
import sys
from typing import Any

from sqlalchemy import func, select

from inbox.models import CrisisAlert, Message, WatchTerm
from inbox.services import unit_of_work
from inbox.services.admin.workspace import do_create_demo_workspace
from tests.conftest import ROOT, LiveServer, process_env


def test_simulate_spike_raises_a_crisis_alert_for_the_term(
        runtime: Any, live_server: LiveServer) -> None:
    with unit_of_work() as session:
        do_create_demo_workspace(session)
    done = subprocess.run(
        [sys.executable, "-m", "inbox.cli", "simulate", "--url", live_server.url,
         "--spike", "meltdown", "--spike-count", "12", "--spike-gap", "0.05", "--seed", "7"],
        env=process_env(runtime), cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr + live_server.output()[-2000:]
    assert "crisis alerts raised: none" not in done.stdout, done.stdout
    with unit_of_work() as session:
        assert session.scalar(select(WatchTerm.id).where(WatchTerm.term == "meltdown"))
        mentions = session.scalar(select(func.count(Message.id)).where(
            Message.text.ilike("%meltdown%")))
        alert = session.scalars(select(CrisisAlert).where(
            CrisisAlert.subject_kind == "term", CrisisAlert.subject == "meltdown")).one()
    assert mentions == 12 and alert.observed == 12 and alert.cleared_at is None
