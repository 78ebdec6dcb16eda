"""Sending: reply planning, agents' replies and notes, automatic acknowledgements, canned
responses, and the outbound job that calls the platform. See docs/sending.md.
"""
