"""Canned responses: search for everyone, create/change/delete for supervisors and admins.

Bodies may hold variables such as {{contact.first_name}} or {{agent.name}}. The desk
fills them in as the agent inserts a response; `render()` does the same on the server
(for automatic acknowledgements), with unknown variables left empty so a customer never
sees template syntax.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from inbox.models import CannedResponse, Case, Contact, User
from inbox.services.access import require_role
from inbox.services.admin.audit import differences, record_change
from inbox.services.errors import NotFound, ValidationFailed

MAX_TITLE = 200
MAX_BODY = 10_000
MAX_TAGS = 20
_VARIABLE = re.compile(r"\{\{\s*([A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*)\s*\}\}")


# ---------------------------------------------------------------- rendering


def _first_word(name: str | None) -> str:
    return (name or "").strip().split(" ")[0] if name and name.strip() else ""


def template_context(*, contact: Contact | None = None, agent: User | None = None,
                     case: Case | None = None) -> dict[str, Any]:
    """The variables a canned response may use."""
    context: dict[str, Any] = {
        "contact": {"name": "", "first_name": "", "email": "", "phone": ""},
        "agent": {"name": "", "first_name": "", "email": ""},
        "case": {"id": "", "subject": ""},
    }
    if contact is not None:
        context["contact"] = {"name": contact.display_name or "",
                              "first_name": _first_word(contact.display_name),
                              "email": contact.email or "", "phone": contact.phone or ""}
    if agent is not None:
        context["agent"] = {"name": agent.name, "first_name": _first_word(agent.name),
                            "email": agent.email}
    if case is not None:
        context["case"] = {"id": case.id, "subject": case.subject or ""}
    return context


def render(template: str, context: Mapping[str, Any]) -> str:
    """Fill {{a.b}} variables from `context`; unknown ones become empty."""
    def value(match: re.Match[str]) -> str:
        current: Any = context
        for part in match.group(1).split("."):
            if not isinstance(current, Mapping) or part not in current:
                return ""
            current = current[part]
        return "" if current is None or isinstance(current, Mapping) else str(current)

    return _VARIABLE.sub(value, template)


# ---------------------------------------------------------------- reading and writing


def search(session: Session, q: str | None) -> list[CannedResponse]:
    """Every response whose title, body or a tag contains `q`, in any case, by title.

    Filtered in Python: the list is short, and SQLite's LIKE folds ASCII case only."""
    rows = list(session.scalars(select(CannedResponse).order_by(CannedResponse.title,
                                                                CannedResponse.id)))
    needle = (q or "").strip().casefold()
    if not needle:
        return rows
    return [row for row in rows
            if needle in row.title.casefold() or needle in row.body.casefold()
            or any(needle in str(tag).casefold() for tag in row.tags or [])]


def check_canned(values: dict[str, Any], *, partial: bool = False) -> dict[str, Any]:
    clean: dict[str, Any] = {}
    problems: dict[str, str] = {}
    for name, limit in (("title", MAX_TITLE), ("body", MAX_BODY)):
        if name not in values:
            if not partial:
                problems[name] = "required"
            continue
        text = str(values[name] or "").strip()
        if not text:
            problems[name] = "required"
        elif len(text) > limit:
            problems[name] = f"at most {limit} characters"
        clean[name] = text
    if "tags" in values:
        tags = [str(t).strip() for t in values["tags"] or [] if str(t).strip()]
        unique: list[str] = []
        for tag in tags:  # the first spelling of a tag wins over later case variants
            if tag.casefold() not in {u.casefold() for u in unique}:
                unique.append(tag)
        if len(unique) > MAX_TAGS or any(len(t) > 50 for t in unique):
            problems["tags"] = f"at most {MAX_TAGS} tags of up to 50 characters"
        clean["tags"] = unique
    elif not partial:
        clean["tags"] = []
    if problems:
        raise ValidationFailed("the canned response is not valid", fields=problems)
    return clean


def get_canned(session: Session, canned_id: int) -> CannedResponse:
    canned = session.get(CannedResponse, canned_id)
    if canned is None:
        raise NotFound(f"canned response {canned_id} not found")
    return canned


def do_create(session: Session, values: dict[str, Any]) -> CannedResponse:
    canned = CannedResponse(**values)
    session.add(canned)
    session.flush()
    return canned


def do_update(session: Session, canned: CannedResponse, values: dict[str, Any]) -> None:
    for name, value in values.items():
        setattr(canned, name, value)
    session.flush()


# ---------------------------------------------------------------- one call per edge
# (in the transaction the edge opened)

EDITORS = ("supervisor", "admin")


def _as_recorded(canned: CannedResponse) -> dict[str, Any]:
    return {"title": canned.title, "body": canned.body, "tags": list(canned.tags or [])}


def create(session: Session, user: User, values: dict[str, Any]) -> CannedResponse:
    require_role(user, *EDITORS)
    canned = do_create(session, check_canned(values))
    record_change(session, user, "canned_response.create", "canned_response", canned.id,
                  differences({}, _as_recorded(canned)))
    return canned


def update(session: Session, user: User, canned_id: int,
           values: dict[str, Any]) -> CannedResponse:
    require_role(user, *EDITORS)
    canned = get_canned(session, canned_id)
    before = _as_recorded(canned)
    do_update(session, canned, check_canned(values, partial=True))
    record_change(session, user, "canned_response.edit", "canned_response", canned.id,
                  differences(before, _as_recorded(canned)))
    return canned


def delete(session: Session, user: User, canned_id: int) -> None:
    require_role(user, *EDITORS)
    canned = get_canned(session, canned_id)
    record_change(session, user, "canned_response.delete", "canned_response", canned.id,
                  differences(_as_recorded(canned), {}))
    session.delete(canned)
