"""Listening beyond the stream: crisis detection and its actions."""
