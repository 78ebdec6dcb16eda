"""The supervisors' wallboard page, /supervisor (docs/wallboard.md). A server-rendered
shell: the page paints from GET /api/v1/wallboard, then follows `wallboard.updated`, and
acts through the case API like the desk."""

from __future__ import annotations

from inbox.web.console import staff_screen

blp = staff_screen("wallboard", "/supervisor", "The wallboard")
