"""Contacts: identities resolved during ingestion, and the contact as the desk shows it."""
