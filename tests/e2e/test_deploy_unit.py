"""deploy/vielfaltsmonitor@.service as far as a machine without systemd as PID 1 can check it:
`systemd-analyze verify` accepts every line (no unknown key, the program exists), and the unit's
own command line, working directory, environment file and umask start an app that serves a real
browser and writes its files for the service account alone."""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from playwright.sync_api import expect

from metrics.store import SECRET_ENV_VAR
from tests.e2e.conftest import REPO, free_port, stop_process, wait_until_answers
from tests.e2e.test_browser import assert_no_error, wait_idle
from tests.small_groups import build_small_group_store

pytestmark = pytest.mark.slow

UNIT = REPO / "deploy" / "vielfaltsmonitor@.service"
ENV_EXAMPLE = REPO / "deploy" / "vielfaltsmonitor.env.example"
INSTALLED = "/opt/vielfaltsmonitor"  # the checkout's place in docs/deploy.md


def unit_lines() -> dict[str, list[str]]:
    """key -> values of the unit's [Service] section (comments dropped)."""
    values: dict[str, list[str]] = {}
    section = ""
    for line in UNIT.read_text().splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("["):
            section = line
        elif section == "[Service]":
            key, _, value = line.partition("=")
            values.setdefault(key, []).append(value)
    return values


def here(text: str) -> str:
    """The unit's paths of the installation, pointed at this checkout and its venv."""
    return text.replace(f"{INSTALLED}/.venv/bin/python", sys.executable).replace(
        INSTALLED, str(REPO)
    )


def test_systemd_accepts_every_line_of_the_unit(tmp_path: Path) -> None:
    analyze = shutil.which("systemd-analyze")
    if analyze is None:
        problem = "systemd-analyze is missing; .ci/run installs it with apt (systemd)"
        if os.environ.get("CI"):
            pytest.fail(problem)
        pytest.skip(problem)
    env = tmp_path / "env"
    env.write_text(ENV_EXAMPLE.read_text())
    text = here(UNIT.read_text()).replace("/etc/vielfaltsmonitor/env", str(env))
    unit = tmp_path / "vielfaltsmonitor@8501.service"
    unit.write_text(text)
    done = subprocess.run(
        [analyze, "verify", "--man=no", str(unit)], capture_output=True, text=True, timeout=60
    )
    output = done.stdout + done.stderr
    # unknown keys are only warned about (exit 0): any line about this unit is a finding
    assert done.returncode == 0 and unit.name not in output, output


def test_the_units_command_line_serves_the_app_with_private_files(
    page, tmp_path: Path, artifacts: Path
) -> None:
    service = unit_lines()
    port = free_port()
    command = shlex.split(here(service["ExecStart"][0]).replace("%i", str(port)))
    assert command[:4] == [sys.executable, "-m", "streamlit", "run"]
    assert command[command.index("--server.address") + 1] == "127.0.0.1"
    umask = int(service["UMask"][0], 8)
    assert umask == 0o077

    # the environment file's variables, pointed at this test's data and key directories
    data, key_dir = tmp_path / "data", tmp_path / "key"
    key_dir.mkdir(mode=0o700)
    env_file = dict(re.findall(r"^([A-Z_]+)=(.*)$", ENV_EXAMPLE.read_text(), flags=re.MULTILINE))
    assert set(env_file) == {"VIELFALT_DB", SECRET_ENV_VAR}
    key = key_dir / Path(env_file[SECRET_ENV_VAR]).name
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(SECRET_ENV_VAR, str(key))
        db = build_small_group_store(data)
    env = {**os.environ, "VIELFALT_DB": str(db), SECRET_ENV_VAR: str(key), "HOME": str(data)}
    before = set(data.rglob("*"))
    log = artifacts / "streamlit-unit.log"
    with log.open("w") as output:
        process = subprocess.Popen(
            command,
            cwd=here(service["WorkingDirectory"][0]),
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
            preexec_fn=lambda: os.umask(umask),
        )
        try:
            wait_until_answers(process, f"http://127.0.0.1:{port}/_stcore/health", log, "unit")
            page.goto(f"http://127.0.0.1:{port}")
            wait_idle(page)
            expect(page.locator("h1").first).to_contain_text("Überblick")
            expect(page.locator(".kpi-card").first).to_be_visible()
            assert_no_error(page)
        finally:
            stop_process(process)
    # what the app wrote beside the store (audit log, planned releases …) is the account's alone
    written = [p for p in set(data.rglob("*")) - before if p.is_file()]
    assert written, "the app wrote nothing beside the store"
    for path in written:
        assert path.stat().st_mode & 0o077 == 0, (path, oct(path.stat().st_mode))
