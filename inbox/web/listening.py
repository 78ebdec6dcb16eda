"""The listening page, /listening (docs/listening.md): the monitored stream with its
filters and keys, the watch terms, the trends charts and the crisis alerts. A
server-rendered shell; everything comes from the listening and crisis APIs."""

from __future__ import annotations

from inbox.web.console import staff_screen

blp = staff_screen("listening", "/listening", "Listening")
