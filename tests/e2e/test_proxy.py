"""The documented installation in a real browser: two app processes on one store behind nginx,
configured from deploy/nginx-vielfaltsmonitor.conf (tests/e2e/proxy.py), with the login on
(the test OpenID provider, tests/e2e/oidc): behind a proxy the app refuses to serve without one.

Through nginx (HTTPS with a self-signed certificate, so TLS and the WebSocket over wss:// are
the deploy file's) a user signs in, once for both processes; the app renders, switches pages
and filters without a policy violation; every answer carries the security headers; plain HTTP
redirects; a body over the upload limit is refused by nginx; one browser stays with one
process, different browsers spread; an import into the shared store is seen by both processes
without a restart; and without a login, the app behind nginx shows no data."""

from __future__ import annotations

import http.client
import os
import re
import secrets
import ssl
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import expect

from metrics.access import LOCAL_USER, Role
from metrics.ingest import import_files
from metrics.settings import load_settings
from metrics.store import SECRET_ENV_VAR
from tests.e2e.conftest import AppServer, OidcProvider, free_port
from tests.e2e.proxy import NginxProxy, nginx_binary
from tests.e2e.test_browser import assert_no_error, choose, wait_idle, wait_rerun
from tests.e2e.test_login import CLIENT_ID, sign_in_at
from tests.exports import PERSONNEL_HEADER, personnel_population, write_csv
from tests.small_groups import build_small_group_store

# two app processes, nginx and a real browser: minutes (see pyproject's markers)
pytestmark = pytest.mark.slow

UPLOAD_LIMIT = 50 * 1024 * 1024  # server.maxUploadSize (MiB) = client_max_body_size 50m
SECURITY_HEADERS = {
    "Strict-Transport-Security": "max-age=31536000",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
}
# what the Content-Security-Policy blocks, harmlessly: index.html's inline prerender flag
# (docs/deploy.md); anything else, e.g. a request to another site, fails the test
ALLOWED_VIOLATIONS = ("Executing inline script violates",)
UNVERIFIED = ssl._create_unverified_context()  # the test's self-signed certificate


@pytest.fixture(scope="module")
def nginx() -> str:
    """Debian's nginx (`.ci/run` installs it with apt)."""
    found = nginx_binary()
    if found is None:
        problem = "nginx is missing; .ci/run installs it with apt (nginx)"
        if os.environ.get("CI"):
            pytest.fail(problem)
        pytest.skip(problem)
    assert found is not None
    return found


@pytest.fixture(scope="module")
def key(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The store's pseudonym key, named by VIELFALT_SECRET as in the installation: the test
    process imports into the store the app processes serve."""
    return tmp_path_factory.mktemp("proxy-key") / "pseudonym.key"


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory, key: Path) -> Path:
    # its own store: the last test imports into it
    with pytest.MonkeyPatch.context() as env:
        env.setenv(SECRET_ENV_VAR, str(key))
        return build_small_group_store(tmp_path_factory.mktemp("proxy-store"))


@pytest.fixture(scope="module")
def https_port() -> int:
    # the login's redirect_uri names nginx's HTTPS port: chosen before anything starts
    return free_port()


@pytest.fixture(scope="module")
def provider(node: str, https_port: int, artifacts: Path) -> Iterator[OidcProvider]:
    """The test provider with one administrator."""
    groups = dict(load_settings().role_mapping.values)[Role.ADMINISTRATOR]
    running = OidcProvider(
        node,
        artifacts / "oidc-provider-proxy.log",
        client_id=CLIENT_ID,
        client_secret=secrets.token_urlsafe(32),
        redirect_uri=f"https://127.0.0.1:{https_port}/oauth2callback",
        accounts={"admin": {"name": "Anton Admin", "groups": [groups[0]]}},
    )
    yield running
    running.stop()


@pytest.fixture(scope="module")
def servers(
    nginx: str,
    store: Path,
    key: Path,
    provider: OidcProvider,
    https_port: int,
    tmp_path_factory: pytest.TempPathFactory,
    artifacts: Path,
) -> Iterator[list[AppServer]]:
    # one secrets file for both processes: a login cookie is valid in each
    auth = provider.write_secrets(tmp_path_factory.mktemp("proxy-secrets") / "secrets.toml")
    started: list[AppServer] = []
    try:
        with pytest.MonkeyPatch.context() as env:
            env.setenv(SECRET_ENV_VAR, str(key))
            for n in (1, 2):
                started.append(
                    AppServer(store, artifacts / f"streamlit-proxy-{n}.log", secrets=auth)
                )
        yield started
    finally:
        for server in started:
            server.stop()


@pytest.fixture(scope="module")
def proxy(
    servers: list[AppServer], https_port: int, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[NginxProxy]:
    running = NginxProxy(
        [server.port for server in servers], tmp_path_factory.mktemp("nginx"), https_port=https_port
    )
    yield running
    running.stop()


def open_app(browser, proxy: NginxProxy, provider: OidcProvider):
    """A fresh browser (own cookies) signed in through nginx; returns (context, page, CSP
    violations seen)."""
    context = browser.new_context(
        viewport={"width": 1400, "height": 1000}, locale="de-DE", ignore_https_errors=True
    )
    page = context.new_page()
    violations: list[str] = []
    page.on(
        "console",
        lambda message: (
            violations.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    sign_in_at(page, proxy.https_url, provider, "admin")
    return context, page, violations


def test_the_app_works_through_nginx_over_https(browser, proxy: NginxProxy, provider) -> None:
    context, page, violations = open_app(browser, proxy, provider)
    try:
        # title and KPI cards: the page came over the WebSocket (wss:// through nginx)
        expect(page.locator("h1").first).to_contain_text("Überblick")
        expect(page.get_by_text("Kennzahlen 2025 im Überblick")).to_have_count(1)
        expect(page.locator(".kpi-card").first).to_be_visible()
        assert_no_error(page)
        choose(page, "Jahr", "2024")
        expect(page.get_by_text("Kennzahlen 2024 im Überblick")).to_have_count(1)
        page.locator("[data-testid='stSidebarNav']").get_by_text(
            "Frauen in Führung", exact=True
        ).click()
        wait_rerun(page)
        expect(page.locator("h1").first).to_contain_text("Frauen in Führung")
        choose(page, "Aufschlüsseln nach", "Altersgruppe")
        expect(page.get_by_text("nach Altersgruppe").first).to_be_attached()
        # the session kept its year across the page switch: one process held it all along
        box = page.get_by_role("combobox", name="Jahr", exact=True)
        expect(box).to_match_aria_snapshot('- combobox "Jahr": "2024"')
        assert_no_error(page)
    finally:
        context.close()
    unexpected = [v for v in violations if not any(a in v for a in ALLOWED_VIOLATIONS)]
    assert unexpected == [], "\n".join(unexpected)


def test_every_answer_carries_the_security_headers(proxy: NginxProxy) -> None:
    for path in ("/", "/_stcore/health", "/no-such-page"):
        with urllib.request.urlopen(proxy.https_url + path, context=UNVERIFIED) as reply:
            headers = reply.headers
        for name, value in SECURITY_HEADERS.items():
            assert headers[name] == value, (path, name, headers[name])
        csp = headers["Content-Security-Policy"]
        assert "frame-ancestors 'none'" in csp and "script-src 'self';" in csp, csp
    # TLS 1.2 is enough, TLS 1.3 is offered
    for version in (ssl.TLSVersion.TLSv1_2, ssl.TLSVersion.TLSv1_3):
        context = ssl._create_unverified_context()
        context.minimum_version = context.maximum_version = version
        with urllib.request.urlopen(proxy.https_url + "/_stcore/health", context=context) as r:
            assert r.status == 200


def test_plain_http_redirects_to_https(proxy: NginxProxy) -> None:
    connection = http.client.HTTPConnection("127.0.0.1", proxy.redirect_port, timeout=10)
    connection.request("GET", "/inclusion?x=1")
    reply = connection.getresponse()
    assert reply.status == 301
    assert reply.headers["Location"] == "https://127.0.0.1/inclusion?x=1"
    connection.close()


def post_upload_headers(proxy: NginxProxy, size: int) -> int:
    """The status nginx answers to the headers of an upload of `size` bytes (the body is never
    sent: nginx decides on Content-Length, as Streamlit does)."""
    connection = http.client.HTTPConnection("127.0.0.1", proxy.port, timeout=30)
    connection.putrequest("PUT", "/_stcore/upload_file/no-session/no-file")
    connection.putheader("Content-Type", "multipart/form-data; boundary=x")
    connection.putheader("Content-Length", str(size))
    connection.endheaders()
    if size <= 1024:
        connection.send(b"x" * size)
    status = connection.getresponse().status
    connection.close()
    return status


def test_a_body_over_the_upload_limit_is_refused_by_nginx(proxy: NginxProxy) -> None:
    assert post_upload_headers(proxy, UPLOAD_LIMIT + 1) == 413
    # a small one passes nginx; the app refuses it for its unknown session, not for its size
    assert post_upload_headers(proxy, 1000) not in (413, 502)
    log = proxy.access_log.read_text()
    assert re.search(r" - 413 route=\S+ \"PUT /_stcore/upload_file/", log), log[-2000:]


def test_one_browser_stays_with_one_process_and_browsers_spread(
    browser, proxy: NginxProxy, provider
) -> None:
    routes = []
    for _ in range(2):  # two browsers (own cookie jars) from the same address
        context, page, _ = open_app(browser, proxy, provider)
        choose(page, "Jahr", "2024")
        page.locator("[data-testid='stSidebarNav']").get_by_text("Inklusion", exact=True).click()
        wait_rerun(page)
        assert_no_error(page)
        cookie = [c for c in context.cookies() if c["name"] == "vielfalt_route"]
        assert len(cookie) == 1 and cookie[0]["secure"] and cookie[0]["httpOnly"], cookie
        routes.append(cookie[0]["value"])
        context.close()  # nginx logs the WebSocket when it closes
    assert routes[0] != routes[1]
    deadline = time.monotonic() + 20
    streams = [rf" 101 route={route} \"GET /_stcore/stream " for route in routes]
    while time.monotonic() < deadline:
        log = proxy.access_log.read_text()
        if all(re.search(stream, log) for stream in streams):
            break
        time.sleep(0.2)
    assert all(re.search(stream, log) for stream in streams), log[-3000:]
    seen = proxy.upstreams_by_route()
    for route in routes:
        # page, assets, host-config and the WebSocket: every request of a browser, one process
        assert len(seen[route]) == 1, (route, seen[route])
    # route keys spread over both processes (a consistent hash: the same keys, the same split)
    for n in range(16):
        request = urllib.request.Request(
            proxy.url + "/_stcore/health", headers={"Cookie": f"vielfalt_route=probe{n}"}
        )
        urllib.request.urlopen(request).close()
    seen = proxy.upstreams_by_route()
    used = set().union(*(seen[f"probe{n}"] for n in range(16)))
    assert len(used) == 2, used


def test_each_process_sees_a_new_import_without_a_restart(
    browser,
    proxy: NginxProxy,
    provider,
    servers: list[AppServer],
    store: Path,
    key: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv(SECRET_ENV_VAR, str(key))
    # signed in through nginx: the login cookie is bound to nginx's origin (Streamlit checks
    # it), so each process is reached through nginx too, by a route key that nginx sends there
    context, page, _ = open_app(browser, proxy, provider)
    try:
        page.get_by_role("combobox", name="Jahr", exact=True).click()
        expect(page.get_by_role("option", name="2025", exact=True)).to_have_count(1)
        assert page.get_by_role("option", name="2026", exact=True).count() == 0
        page.keyboard.press("Escape")

        # an import into the shared store, as the command line or process 1's Daten page does
        rows = personnel_population(30, "31.10.2026", carrier="BA")
        import_files(
            [write_csv(tmp_path / "personal_2026.csv", PERSONNEL_HEADER, rows)],
            store,
            by=LOCAL_USER,
        )

        for server in servers:  # both processes, each through nginx by its route key
            route = proxy.route_key_to(server.port)
            context.add_cookies([proxy.route_cookie(route)])
            tab = context.new_page()
            tab.goto(proxy.https_url)
            wait_idle(tab)
            assert proxy.upstreams_by_route()[route] == {f"127.0.0.1:{server.port}"}
            choose(tab, "Träger", "BA")
            choose(tab, "Jahr", "2026")
            expect(tab.get_by_text("Kennzahlen 2026 im Überblick")).to_have_count(1)
            assert_no_error(tab)
        # and the tab that was open before the import: its next rerun
        choose(page, "Träger", "BA")
        choose(page, "Jahr", "2026")
        expect(page.get_by_text("Kennzahlen 2026 im Überblick")).to_have_count(1)
        assert_no_error(page)
    finally:
        context.close()


def test_without_a_login_the_app_behind_nginx_shows_no_data(
    browser, nginx: str, small_store: Path, artifacts: Path, tmp_path_factory
) -> None:
    """The installation's worst mistake: the site enabled before the login. The process listens
    on 127.0.0.1 as the systemd unit starts it, but nginx's forwarding headers give it away."""
    server = AppServer(small_store, artifacts / "streamlit-proxy-no-login.log")
    running = None
    context = browser.new_context(
        viewport={"width": 1400, "height": 1000}, locale="de-DE", ignore_https_errors=True
    )
    try:
        running = NginxProxy([server.port], tmp_path_factory.mktemp("nginx-no-login"))
        page = context.new_page()
        page.goto(running.https_url)
        wait_idle(page)
        expect(page.get_by_text("diese Anfrage kam über einen Reverse-Proxy")).to_have_count(1)
        assert page.locator(".kpi-card").count() == 0
        assert page.locator("[data-testid='stSidebarNav'] a").count() == 0
        assert page.get_by_role("combobox", name="Jahr").count() == 0
        # the same process, asked directly on 127.0.0.1, serves its one local person
        page.goto(server.url)
        wait_idle(page)
        expect(page.locator(".kpi-card").first).to_be_visible()
        assert_no_error(page)
    finally:
        context.close()
        if running is not None:
            running.stop()
        server.stop()
    assert "reached through a proxy (X-Forwarded-For): refusing" in server.log.read_text()
