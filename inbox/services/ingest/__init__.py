"""Ingestion: raw deliveries accepted and stored, then taken in as messages and cases.

deliveries (accept) -> batching (group commit) -> trigger (the drain job, one waiting
at a time) -> drain (batches of deliveries) -> take_in (known already, enrich, listening,
contacts, threads, store, cases, link, after commit), on arrivals, with threads.py
deciding conversations. See docs/ingestion.md.
"""
