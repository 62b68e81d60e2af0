"""Login with OpenID Connect in a real browser against a real provider: Streamlit's st.login()
(Authlib) and panva's oidc-provider (tests/e2e/oidc), the secrets' `[auth]` section pointing at
it. Each role, signed in through the provider's login page, is offered exactly its pages, is
refused what it may not do, and is entered in the audit log; signing out ends the provider's
session too and leads back to the login screen."""

from __future__ import annotations

import re
import secrets
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import expect

from metrics import audit
from metrics.access import Role
from metrics.ingest import coverage_summary
from metrics.settings import SETTINGS_ENV_VAR, load_settings
from tests.e2e.conftest import REPO, AppServer, OidcProvider, free_port
from tests.e2e.test_browser import assert_no_error, wait_idle, wait_rerun
from tests.exports import PERSONNEL_HEADER, personnel_population, write_csv
from tests.small_groups import build_small_group_store

# a real browser against a real server and a real provider: minutes (see pyproject's markers)
pytestmark = pytest.mark.slow

CLIENT_ID = "vielfaltsmonitor"
KPI_PAGES = [
    "Überblick",
    "Frauen in Führung",
    "Inklusion",
    "Teilzeit & flexibles Arbeiten",
    "Migrationshintergrund",
]
NOT_ALLOWED = "Diese Seite oder Aktion ist für Ihre Rolle nicht freigegeben."
NO_ROLE = "haben aber keine Rolle im Vielfaltsmonitor"


@dataclass(frozen=True)
class Person:
    login: str
    name: str
    role: Role | None
    # the sidebar navigation, in its order
    pages: list[str]


PEOPLE = [
    Person("leitung", "Lena Leitung", Role.MANAGEMENT, [*KPI_PAGES, "Berichte", "Methodik"]),
    Person(
        "personalrat",
        "Paul Personalrat",
        Role.REPRESENTATIVES,
        [*KPI_PAGES, "Berichte", "Methodik", "Daten", "Protokoll"],
    ),
    Person(
        "datenpflege", "Dana Datenpflege", Role.DATA_MAINTENANCE, [*KPI_PAGES, "Methodik", "Daten"]
    ),
    Person(
        "admin",
        "Anton Admin",
        Role.ADMINISTRATOR,
        [*KPI_PAGES, "Berichte", "Methodik", "Daten", "Protokoll"],
    ),
    Person("ohnerolle", "Olga Ohnerolle", None, []),
]


def provider_accounts() -> dict[str, dict[str, object]]:
    """The provider's accounts, their groups taken from settings.toml [access]: each person
    holds the first claim value that gives their role; the one without a role holds a group
    that gives none."""
    mapping = load_settings().role_mapping
    assert mapping.claim == "groups", "provider.js puts the groups into the claim 'groups'"
    values = dict(mapping.values)
    return {
        person.login: {
            "name": person.name,
            "groups": [values[person.role][0]] if person.role else ["alle-beschaeftigten"],
        }
        for person in PEOPLE
    }


@dataclass(frozen=True)
class Login:
    provider: OidcProvider
    app: AppServer


def start_login(node: str, folder: Path, artifacts: Path, name: str) -> Login:
    """The test provider with PEOPLE's accounts and an app with the login pointing at it, on a
    small-group store of its own (the environment's VIELFALT_SETTINGS, if set, is the app's)."""
    db = build_small_group_store(folder / "store")
    # the redirect_uri names the app's port: chosen before either starts
    app_port = free_port()
    redirect_uri = f"http://127.0.0.1:{app_port}/oauth2callback"
    provider = OidcProvider(
        node,
        artifacts / f"oidc-provider-{name}.log",
        client_id=CLIENT_ID,
        client_secret=secrets.token_urlsafe(32),
        redirect_uri=redirect_uri,
        accounts=provider_accounts(),
    )
    # the app reads this file only, never the repository's .streamlit/secrets.toml
    secrets_file = provider.write_secrets(folder / "secrets.toml")
    try:
        app = AppServer(
            db, artifacts / f"streamlit-{name}.log", secrets=secrets_file, port=app_port
        )
    except BaseException:
        provider.stop()
        raise
    return Login(provider, app)


@pytest.fixture(scope="module")
def login(node: str, tmp_path_factory: pytest.TempPathFactory, artifacts: Path) -> Iterator[Login]:
    running = start_login(node, tmp_path_factory.mktemp("login"), artifacts, "login")
    yield running
    running.app.stop()
    running.provider.stop()


def sign_in_at(page, app_url: str, provider: OidcProvider, account: str) -> None:
    """The app's login screen -> the provider's login page -> back in the app, signed in (the
    provider takes any password; the login field chooses the account)."""
    page.goto(app_url)
    wait_idle(page)
    expect(page.get_by_text("Bitte melden Sie sich mit Ihrem Dienstkonto an.")).to_have_count(1)
    assert page.locator("[data-testid='stSidebarNav']").count() == 0
    page.get_by_role("button", name="Anmelden").click()
    page.wait_for_url(f"{provider.issuer}/interaction/**")
    page.locator("input[name='login']").fill(account)
    page.locator("input[name='password']").fill("beliebig")
    page.get_by_role("button", name="Sign-in").click()
    page.wait_for_url(f"{app_url}/")
    wait_idle(page)


def sign_in(page, login: Login, person: Person) -> None:
    sign_in_at(page, login.app.url, login.provider, person.login)


def nav_links(page):
    return page.locator("[data-testid='stSidebarNav'] a")


def page_titles(person: Person) -> list[re.Pattern[str]]:
    # a link's text starts with its icon's ligature name ("dashboardÜberblick")
    return [re.compile(f"{re.escape(title)}$") for title in person.pages]


def login_entries(db: Path, user_id: str) -> list[dict[str, object]]:
    return [e for e in audit.entries(db) if e["event"] == "login" and e["user"] == user_id]


def open_deep_link(page, login: Login, path: str) -> None:
    page.goto(f"{login.app.url}/{path}")
    wait_idle(page)


@pytest.mark.parametrize("person", PEOPLE, ids=[person.login for person in PEOPLE])
def test_each_role_is_offered_its_pages_and_refused_the_rest(
    page, login: Login, person: Person, artifacts: Path
) -> None:
    started = time.monotonic()
    sign_in(page, login, person)
    user_id = f"{login.provider.issuer}#{person.login}"

    if person.role is None:
        # signed in, but nothing but that: no navigation, no figures, no sidebar controls
        expect(page.get_by_text(NO_ROLE)).to_have_count(1)
        expect(page.get_by_text(f"Sie sind als {person.name} angemeldet")).to_have_count(1)
        assert nav_links(page).count() == 0
        assert page.get_by_role("combobox", name="Jahr").count() == 0
        page.screenshot(path=artifacts / f"login-{person.login}.png", full_page=True)
        # a deep link shows the same message, not the page
        open_deep_link(page, login, "data")
        expect(page.get_by_text(NO_ROLE)).to_have_count(1)
        assert nav_links(page).count() == 0
        assert page.locator("input[type='file']").count() == 0
    else:
        expect(nav_links(page)).to_have_text(page_titles(person))
        expect(page.get_by_text(f"Angemeldet: {person.name}")).to_have_count(1)
        expect(page.locator("h1").first).to_contain_text("Überblick")
        assert_no_error(page)
        page.screenshot(path=artifacts / f"login-{person.login}.png", full_page=True)
        refused_or_read_only(page, login, person, artifacts)

    entries = login_entries(login.app.db, user_id)
    assert entries, f"no login entry of {user_id} in the audit log"
    assert entries[-1]["name"] == person.name
    assert entries[-1]["roles"] == (person.role.value if person.role else "")
    print(f"{person.login}: {time.monotonic() - started:.1f} s")


def refused_or_read_only(page, login: Login, person: Person, artifacts: Path) -> None:
    """What the role may not do is refused on the server, not only left out of the menu."""
    if person.role is Role.MANAGEMENT:
        open_deep_link(page, login, "data")
        expect(page.get_by_text(NOT_ALLOWED)).to_have_count(1)
        assert page.locator("input[type='file']").count() == 0
        open_deep_link(page, login, "audit")
        expect(page.get_by_text(NOT_ALLOWED)).to_have_count(1)
        refusals = [
            e
            for e in audit.entries(login.app.db)
            if e["event"] == "denied" and e["user"].endswith("#leitung")
        ]
        assert len(refusals) >= 2, "each refused deep link is entered in the audit log"
    elif person.role is Role.DATA_MAINTENANCE:
        # no reports: neither in the menu nor by a deep link
        open_deep_link(page, login, "reports")
        expect(page.get_by_text(NOT_ALLOWED)).to_have_count(1)
        assert page.locator("[data-testid='stDownloadButton']").count() == 0
        open_deep_link(page, login, "data")
        expect(page.locator("h1").first).to_have_text("Daten")
        expect(page.locator("input[type='file']")).to_have_count(1)
    elif person.role is Role.REPRESENTATIVES:
        # the Daten page read-only: its holdings, but no upload
        open_deep_link(page, login, "data")
        expect(page.locator("h1").first).to_have_text("Daten")
        assert_no_error(page)
        assert page.locator("input[type='file']").count() == 0
        page.screenshot(path=artifacts / f"login-{person.login}-data.png", full_page=True)
        open_deep_link(page, login, "audit")
        expect(page.locator("h1").first).to_have_text("Protokoll")
        assert_no_error(page)
    elif person.role is Role.ADMINISTRATOR:
        open_deep_link(page, login, "data")
        expect(page.locator("h1").first).to_have_text("Daten")
        expect(page.locator("input[type='file']")).to_have_count(1)


def test_sign_out_ends_the_session_and_returns_to_the_login_screen(
    page, login: Login, artifacts: Path
) -> None:
    person = PEOPLE[0]
    sign_in(page, login, person)
    expect(nav_links(page)).to_have_text(page_titles(person))
    page.locator("[data-testid='stSidebar']").get_by_role("button", name="Abmelden").click()
    # Streamlit sends the browser to the provider's end_session_endpoint, which asks first
    page.wait_for_url(f"{login.provider.issuer}/session/end**")
    page.get_by_role("button", name="Yes, sign me out").click()
    page.wait_for_url(f"{login.app.url}/")
    wait_idle(page)
    expect(page.get_by_role("button", name="Anmelden")).to_have_count(1)
    assert nav_links(page).count() == 0
    page.screenshot(path=artifacts / "login-signed-out.png", full_page=True)
    # the app's cookie is gone: a new page is at the login screen too
    page.goto(login.app.url)
    wait_idle(page)
    expect(page.get_by_role("button", name="Anmelden")).to_have_count(1)
    # and so is the provider's session: signing in asks for the account again
    page.get_by_role("button", name="Anmelden").click()
    page.wait_for_url(f"{login.provider.issuer}/interaction/**")
    expect(page.locator("input[name='login']")).to_have_count(1)


def test_without_a_login_an_app_on_another_address_shows_no_data(
    page, small_store: Path, artifacts: Path
) -> None:
    server = AppServer(small_store, artifacts / "streamlit-open-address.log", address="0.0.0.0")
    try:
        page.goto(server.url)
        wait_idle(page)
        expect(page.get_by_text("unter der Adresse 0.0.0.0 erreichbar")).to_have_count(1)
        assert nav_links(page).count() == 0
        assert page.locator(".kpi-card").count() == 0
        assert page.get_by_role("combobox", name="Jahr").count() == 0
    finally:
        server.stop()
    assert "refusing to show any data" in server.log.read_text()


@pytest.fixture(scope="module")
def two_person_login(
    node: str, tmp_path_factory: pytest.TempPathFactory, artifacts: Path
) -> Iterator[Login]:
    """An app whose settings turn the two-person rule on."""
    folder = tmp_path_factory.mktemp("two-person")
    text = (REPO / "settings.toml").read_text()
    assert "two_person_rule = false" in text
    settings_file = folder / "settings.toml"
    settings_file.write_text(text.replace("two_person_rule = false", "two_person_rule = true"))
    with pytest.MonkeyPatch.context() as env:
        env.setenv(SETTINGS_ENV_VAR, str(settings_file))
        running = start_login(node, folder, artifacts, "two-person")
    yield running
    running.app.stop()
    running.provider.stop()


def test_under_the_two_person_rule_an_import_waits_for_a_second_person(
    browser, two_person_login: Login, tmp_path: Path, artifacts: Path
) -> None:
    login = two_person_login
    by = {person.login: person for person in PEOPLE}
    rows = personnel_population(30, "31.10.2026")
    export = write_csv(tmp_path / "personal_oktober.csv", PERSONNEL_HEADER, rows)
    dana = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="de-DE")
    anton = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="de-DE")
    try:
        page = dana.new_page()
        sign_in(page, login, by["datenpflege"])
        open_deep_link(page, login, "data")
        page.locator("input[type='file']").set_input_files(str(export))
        wait_rerun(page)
        expect(page.get_by_text("Vier-Augen-Prinzip").first).to_be_visible()
        assert page.get_by_role("button", name="Jetzt importieren").count() == 0
        page.get_by_role("button", name="Zur Freigabe vorlegen").click()
        page.get_by_text("Zur Freigabe vorgelegt").wait_for()
        wait_idle(page)
        # waiting, described, and not for its author to approve
        expect(page.get_by_text("Import, vorgelegt von Dana Datenpflege")).to_have_count(1)
        expect(page.get_by_text("Von Ihnen vorgelegt")).to_have_count(1)
        assert page.get_by_role("button", name="Freigeben").count() == 0
        assert_no_error(page)
        page.screenshot(path=artifacts / "two-person-requested.png", full_page=True)
        assert "31.10.2026" not in coverage_of(login.app.db)

        second = anton.new_page()
        sign_in(second, login, by["admin"])
        open_deep_link(second, login, "data")
        expect(second.get_by_text("Import, vorgelegt von Dana Datenpflege")).to_have_count(1)
        expect(second.get_by_text("30 Zeilen Personalbestand").first).to_be_attached()
        second.screenshot(path=artifacts / "two-person-to-approve.png", full_page=True)
        second.get_by_role("button", name="Freigeben").click()
        second.get_by_text("Freigegeben und ausgeführt.").wait_for()
        wait_idle(second)
        assert_no_error(second)
        expect(second.get_by_text("Nichts wartet auf Freigabe.")).to_have_count(1)
        assert "31.10.2026" in coverage_of(login.app.db)
    finally:
        dana.close()
        anton.close()
    steps = [(e["user"].rsplit("#", 1)[-1], e["event"]) for e in audit.entries(login.app.db)]
    assert ("datenpflege", "approval_requested") in steps
    assert steps.index(("admin", "import")) < steps.index(("admin", "approved"))


def coverage_of(db: Path) -> set[str]:
    return set(coverage_summary(db)["coverage"])
