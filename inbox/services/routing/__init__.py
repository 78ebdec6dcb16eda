"""Routing a new case: stored rules (rules), evaluated as data (engine), into a decision
(decide). See docs/routing-and-sla.md.
"""
