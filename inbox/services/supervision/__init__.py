"""Supervision: the live wallboard's figures and how they reach supervisors
(docs/wallboard.md)."""
