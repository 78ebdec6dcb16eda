"""`inbox simulate`: realistic, correctly signed deliveries for every provider (docs/simulator.md).

plan.py decides what is sent (deterministic per seed; content.py and payloads.py supply the
people, words and provider shapes); runner.py signs, paces, retries and reports.
"""

from inbox.simulator.plan import PLAN_EPOCH, PlannedDelivery, Planner, Target, plan
from inbox.simulator.runner import SimulationReport, load_targets, run_simulation, send_spike

__all__ = ["PLAN_EPOCH", "PlannedDelivery", "Planner", "SimulationReport", "Target",
           "load_targets", "plan", "run_simulation", "send_spike"]
