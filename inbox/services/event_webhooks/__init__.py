"""Outbound event webhooks: subscriptions (admin), the outbox, the sender and its sweep."""
