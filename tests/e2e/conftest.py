"""Real-browser fixtures: `streamlit run` on a loopback port, Debian's Chromium via Playwright."""

from __future__ import annotations

import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.small_groups import build_small_group_store

REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO / "test-artifacts"
# what a loaded CI machine may take for a rerun; the retrying assertions (expect) wait as long
TIMEOUT_MS = 60_000
expect.set_options(timeout=TIMEOUT_MS)
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
STARTUP_SECONDS = 90


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until_answers(process: subprocess.Popen[bytes], url: str, log: Path, name: str) -> None:
    """Until `url` answers 200; raises with the end of `log` if the process exits or is slow."""
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{name} exited: {log.read_text()[-2000:]}")
        try:
            with urllib.request.urlopen(url, timeout=2) as reply:
                if reply.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"{name} did not start: {log.read_text()[-2000:]}")


def stop_process(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


class AppServer:
    """A `streamlit run app.py` process serving one store on 127.0.0.1.

    `options` go to `streamlit run` after the usual ones (`"--client.toolbarMode", "minimal"`);
    `secrets` is the only secrets file it reads (instead of the repository's
    `.streamlit/secrets.toml` and the user's), e.g. one with an `[auth]` section; `port` is for a
    caller that must know it before the start (a login's redirect_uri names it); `address` the
    one it listens on (browsers always reach it at `url`, on 127.0.0.1)."""

    def __init__(
        self,
        db: Path,
        log: Path,
        *options: str,
        secrets: Path | None = None,
        port: int | None = None,
        address: str = "127.0.0.1",
    ):
        self.db = db
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = log
        env = {**os.environ, "VIELFALT_DB": str(db)}
        self._log_handle = log.open("w")
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "streamlit",
                "run",
                str(REPO / "app.py"),
                "--server.port",
                str(self.port),
                "--server.address",
                address,
                "--server.headless",
                "true",
                "--browser.gatherUsageStats",
                "false",
                *(["--secrets.files", str(secrets)] if secrets is not None else []),
                *options,
            ],
            cwd=REPO,
            env=env,
            stdout=self._log_handle,
            stderr=subprocess.STDOUT,
        )
        self._wait_until_healthy()

    def _wait_until_healthy(self) -> None:
        wait_until_answers(self.process, f"{self.url}/_stcore/health", self.log, "streamlit")

    def stop(self) -> None:
        stop_process(self.process)
        self._log_handle.close()


OIDC_DIR = Path(__file__).resolve().parent / "oidc"


class OidcProvider:
    """tests/e2e/oidc/provider.js (panva's oidc-provider) on 127.0.0.1: a real OpenID Connect
    provider with one client and the accounts given (login -> name, groups). Its login pages
    take any password; the login field chooses the account."""

    def __init__(
        self,
        node: str,
        log: Path,
        *,
        client_id: str,
        client_secret: str,
        redirect_uri: str,
        accounts: dict[str, dict[str, object]],
    ):
        self.port = free_port()
        self.client_id, self.client_secret, self.redirect_uri = (
            client_id,
            client_secret,
            redirect_uri,
        )
        self.issuer = f"http://127.0.0.1:{self.port}"
        self.metadata_url = f"{self.issuer}/.well-known/openid-configuration"
        self.log = log
        self._accounts = log.with_suffix(".accounts.json")
        self._accounts.write_text(json.dumps(accounts))
        self._log_handle = log.open("w")
        self.process = subprocess.Popen(
            [
                node,
                str(OIDC_DIR / "provider.js"),
                # "--name=value": a random secret may start with "-", which node's parseArgs
                # took for an option ("--client-secret argument is ambiguous")
                f"--port={self.port}",
                f"--client-id={client_id}",
                f"--client-secret={client_secret}",
                f"--redirect-uri={redirect_uri}",
                f"--accounts={self._accounts}",
            ],
            cwd=OIDC_DIR,
            stdout=self._log_handle,
            stderr=subprocess.STDOUT,
        )
        self._wait_until_ready()

    def _wait_until_ready(self) -> None:
        wait_until_answers(self.process, self.metadata_url, self.log, "the OpenID provider")

    def write_secrets(self, path: Path) -> Path:
        """A Streamlit secrets file whose `[auth]` section points at this provider (0600, as
        documented); every app process given it accepts the same login cookie."""
        path.write_text(
            "[auth]\n"
            f'redirect_uri = "{self.redirect_uri}"\n'
            f'cookie_secret = "{secrets.token_hex(32)}"\n'
            f'client_id = "{self.client_id}"\n'
            f'client_secret = "{self.client_secret}"\n'
            f'server_metadata_url = "{self.metadata_url}"\n'
            # the provider gives the groups claim for the scope "groups" only
            'client_kwargs = { scope = "openid email profile groups" }\n'
        )
        path.chmod(0o600)
        return path

    def stop(self) -> None:
        stop_process(self.process)
        self._log_handle.close()


@pytest.fixture(scope="session")
def node() -> str:
    """Node.js with the test provider's packages (`npm ci --prefix tests/e2e/oidc`)."""
    found = shutil.which("node")
    problem = (
        "node is missing; .ci/run installs it with apt (nodejs npm)"
        if found is None
        else "the test OpenID provider's packages are missing: npm ci --prefix tests/e2e/oidc"
        if not (OIDC_DIR / "node_modules" / "oidc-provider").is_dir()
        else None
    )
    if problem is not None:
        if os.environ.get("CI"):
            pytest.fail(problem)
        pytest.skip(problem)
    assert found is not None
    return found


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


@pytest.fixture(scope="session")
def demo_store(planned_demo_store: Path) -> Path:
    return planned_demo_store


@pytest.fixture(scope="session")
def small_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_small_group_store(tmp_path_factory.mktemp("small"))


@pytest.fixture(scope="session")
def demo_server(demo_store: Path, artifacts: Path) -> Iterator[AppServer]:
    server = AppServer(demo_store, artifacts / "streamlit-demo.log")
    yield server
    server.stop()


@pytest.fixture(scope="session")
def small_server(small_store: Path, artifacts: Path) -> Iterator[AppServer]:
    server = AppServer(small_store, artifacts / "streamlit-small.log")
    yield server
    server.stop()


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            pytest.fail("chromium is missing; .ci/run installs it with apt")
        pytest.skip("chromium is not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="de-DE")
    tab = context.new_page()
    yield tab
    context.close()
