"""Ingestion: raw deliveries accepted and stored, then taken in as messages and cases.

deliveries (accept) -> batching (group commit) -> trigger (ask for a drain) -> drain
(batches of deliveries) -> take_in (known already, enrich, contacts, threads, cases).
See docs/ingestion.md.
"""
