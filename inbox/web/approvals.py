"""The supervisors' approvals page, /approvals (docs/sending.md, four eyes): the public
replies awaiting approval, each with its case, to approve, edit and approve, or send back.
A server-rendered shell; the list comes from GET /api/v1/approvals and follows
`approval.changed`."""

from __future__ import annotations

from inbox.web.console import staff_screen

blp = staff_screen("approvals", "/approvals", "Approvals")
