"""Where the files beside the code are: the desk (templates, static files, the built
bundle) and the migrations. An installed package carries them inside itself (setup.py
copies them into the wheel); a source checkout keeps them at the top of the repository."""

from __future__ import annotations

from pathlib import Path

PACKAGE = Path(__file__).resolve().parent


def _carried(name: str) -> Path:
    inside = PACKAGE / name
    return inside if inside.is_dir() else PACKAGE.parent / name


FRONTEND = _carried("frontend")
MIGRATIONS = _carried("migrations")
