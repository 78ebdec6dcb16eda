"""The package carries the desk: the sdist holds the desk's sources and npm lock file, the
wheel built from that sdist holds the bundle built from them, and `inbox run` from a
fresh virtualenv with that wheel installed serves a desk that works.

The fresh virtualenv gets the dependencies without the network and without the source
checkout: a .pth file in its site-packages names the test virtualenv's site-packages.
Python adds a .pth line to sys.path but does not run the .pth files found there, so the
editable install of social-inbox in the test virtualenv (a .pth hook and its finder) stays
switched off, and `inbox` can only come from the wheel. The processes run outside the
checkout (their working directory is a temp folder: `python -m` would put it first on
sys.path), and the test checks where `inbox` is imported from.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import sysconfig
import tarfile
import zipfile
from pathlib import Path

import pytest
import requests

from tests.conftest import ROOT, RUN_DIR, WAIT, LiveProcess, free_port, wait_until

BUILD_TIMEOUT = max(600.0, WAIT * 10)  # two isolated build environments and `npm ci`
BUNDLE = "inbox/frontend/static/dist/desk.js"


def _run(argv: list[str], cwd: Path, timeout: float = BUILD_TIMEOUT) -> str:
    done = subprocess.run(argv, cwd=cwd, capture_output=True, text=True, timeout=timeout,
                          start_new_session=True, env=_env())
    assert done.returncode == 0, f"{' '.join(argv)} failed:\n{done.stdout[-3000:]}\n" \
                                 f"{done.stderr[-5000:]}"
    return done.stdout


def _env(**extra: str) -> dict[str, str]:
    """The run's environment, minus anything that would lead back to the checkout or
    to the suite's backends."""
    env = {k: v for k, v in os.environ.items()
           if k not in ("PYTHONPATH", "DATABASE_URL", "REDIS_URL", "VIRTUAL_ENV")}
    env.update(extra)
    return env


@pytest.fixture(scope="module")
def dist() -> Path:
    """`python -m build`: the sdist, then the wheel built from that sdist (into the
    run's temp folder, which goes at the end of the run)."""
    out = RUN_DIR / "dist"
    out.mkdir()
    _run([sys.executable, "-m", "build", "--outdir", str(out), str(ROOT)], cwd=out)
    return out


def _fresh_venv(where: Path) -> Path:
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(where)], check=True,
                   timeout=BUILD_TIMEOUT)
    python = where / "bin" / "python"
    site = Path(_run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()"
                      "['purelib'])"], cwd=where).strip())
    ours = {sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]}
    (site / "suite-dependencies.pth").write_text("".join(f"{path}\n" for path in ours))
    return python


@pytest.mark.slow
@pytest.mark.no_backends
def test_the_sdist_carries_the_desk_sources_and_lock_and_no_build(dist: Path) -> None:
    [sdist] = dist.glob("*.tar.gz")
    with tarfile.open(sdist) as archive:
        names = {name.split("/", 1)[1] for name in archive.getnames() if "/" in name}
    assert {"setup.py", "frontend/package.json", "frontend/package-lock.json",
            "frontend/build.mjs", "frontend/src/desk.js", "frontend/templates/desk.html",
            "frontend/static/css/app.css", "migrations/env.py"} <= names
    assert not any(n.startswith(("frontend/node_modules", "frontend/static/dist"))
                   for n in names)


@pytest.mark.slow
@pytest.mark.no_backends
def test_inbox_run_from_the_installed_wheel_serves_a_working_desk(
    dist: Path, tmp_path: Path
) -> None:
    [wheel] = dist.glob("*.whl")
    with zipfile.ZipFile(wheel) as archive:
        carried = set(archive.namelist())
    assert BUNDLE in carried, "the wheel has no desk bundle"
    assert {"inbox/frontend/templates/desk.html", "inbox/frontend/static/css/app.css",
            "inbox/migrations/env.py"} <= carried

    python = _fresh_venv(tmp_path / "venv")
    _run([sys.executable, "-m", "pip", "--python", str(python), "install", "--no-deps",
          "--no-index", "--quiet", str(wheel)], cwd=tmp_path)
    elsewhere = tmp_path / "elsewhere"  # not the checkout: nothing to import from there
    elsewhere.mkdir()
    where = _run([str(python), "-c", "import inbox.resources as r; print(r.FRONTEND)"],
                 cwd=elsewhere).strip()
    assert Path(where).is_relative_to(tmp_path / "venv"), f"inbox came from {where}"

    port = free_port()
    url = f"http://127.0.0.1:{port}"
    service = LiveProcess(
        ["run", "--port", str(port)],
        _env(INBOX_INSTANCE_PATH=str(tmp_path / "instance")),
        argv=[str(python.parent / "inbox"), "run", "--port", str(port)], cwd=elsewhere,
    ).start()
    try:
        def ready() -> bool:
            if not service.running():
                raise RuntimeError(f"inbox run exited:\n{service.output()[-5000:]}")
            return requests.get(url + "/readyz", timeout=5).ok

        wait_until(ready, "inbox run from the wheel to become ready")
        login = re.search(r"(\S+@acme\.example)\s+password: (\S+)", service.output())
        assert login, service.output()
        browser = requests.Session()
        form = browser.get(url + "/login", timeout=WAIT).text
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', form)
        assert csrf
        signed_in = browser.post(url + "/login", timeout=WAIT, data={
            "csrf_token": csrf.group(1), "email": login.group(1), "password": login.group(2)})
        assert signed_in.status_code == 200 and signed_in.url == url + "/"

        desk = signed_in.text
        assert "is not built" not in desk
        script = re.search(r'<script type="module" src="(/static/dist/desk\.js\?v=\d+)">', desk)
        assert script, desk
        bundle = browser.get(url + script.group(1), timeout=WAIT)
        assert bundle.status_code == 200 and len(bundle.content) > 10_000
        assert "javascript" in bundle.headers["Content-Type"]
        assert browser.get(url + "/static/css/app.css", timeout=WAIT).status_code == 200

        service.process.send_signal(signal.SIGINT)  # type: ignore[union-attr]
        assert service.wait() == 0, service.output()[-3000:]
    finally:
        service.stop()
