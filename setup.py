"""Packaging hook: the wheel carries the desk and the migrations inside `inbox/`.

Everything else is in pyproject.toml. The desk's JavaScript is built here, at packaging
time, from frontend/package-lock.json (`npm ci`, then the esbuild build) in a scratch copy,
so a checkout's node_modules and static/dist are never touched or packaged. An editable
install (`./dev`) reads frontend/ and migrations/ where they are (inbox/resources.py).
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

HERE = Path(__file__).resolve().parent
FRONTEND = HERE / "frontend"
MIGRATIONS = HERE / "migrations"
NPM_INPUTS = ("package.json", "package-lock.json", "build.mjs", "src")
SKIPPED = shutil.ignore_patterns("__pycache__", "*.py[cod]", "node_modules", "dist")


def build_desk(into: Path) -> None:
    """`npm ci` + `npm run build` in a scratch folder; the bundle goes to `into`."""
    npm = shutil.which("npm")
    if npm is None:
        raise RuntimeError("building the package needs npm: the desk's JavaScript is "
                           "bundled from frontend/package-lock.json at packaging time")
    with tempfile.TemporaryDirectory(prefix="inbox-desk-build-") as scratch:
        work = Path(scratch)
        for name in NPM_INPUTS:
            source = FRONTEND / name
            if source.is_dir():
                shutil.copytree(source, work / name, ignore=SKIPPED)
            else:
                shutil.copy2(source, work / name)
        subprocess.run([npm, "ci", "--no-audit", "--no-fund", "--loglevel=error"],
                       cwd=work, check=True)
        subprocess.run([npm, "run", "--silent", "build"], cwd=work, check=True)
        built = work / "static" / "dist"
        for page in (FRONTEND / "src").glob("*.js"):  # a top-level module is a page
            if not (built / page.name).is_file():
                raise RuntimeError(f"the desk build made no {built / page.name}")
        shutil.copytree(built, into)


class BuildPyWithDesk(build_py):
    def run(self) -> None:
        super().run()
        if self.editable_mode:
            return  # the checkout's own frontend/ and migrations/ are used in place
        package = Path(self.build_lib) / "inbox"
        for name in ("frontend", "migrations"):
            shutil.rmtree(package / name, ignore_errors=True)  # nothing stale from before
        for part in ("templates", "static"):
            shutil.copytree(FRONTEND / part, package / "frontend" / part, ignore=SKIPPED)
        build_desk(package / "frontend" / "static" / "dist")
        shutil.copytree(MIGRATIONS, package / "migrations", ignore=SKIPPED)


setup(cmdclass={"build_py": BuildPyWithDesk})
