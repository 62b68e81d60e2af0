"""Every page in German and English, on the demo store, on an empty store and on a store with
small groups (AppTest runs the real app script in-process), plus the disclosure scan of
everything the pages render."""

from __future__ import annotations

import base64
import html
import json
import re
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from metrics import store
from tests.small_groups import build_small_group_store

APP = str(Path(__file__).resolve().parents[1] / "app.py")
PAGES = (
    "overview",
    "women_leadership",
    "inclusion",
    "part_time",
    "migration",
    "reports",
    "methodology",
    "data",
)
K_ORDINARY = 5


@pytest.fixture(scope="module")
def demo_db(planned_demo_store: Path) -> Path:
    return planned_demo_store


@pytest.fixture(scope="module")
def empty_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("empty") / "vielfalt.duckdb"
    with duckdb.connect(str(db)) as con:
        store.create_schema(con)
    return db


@pytest.fixture(scope="module")
def small_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_small_group_store(tmp_path_factory.mktemp("small"))


def run_page(
    db: Path, page: str, lang: str, monkeypatch: pytest.MonkeyPatch, **state: object
) -> AppTest:
    monkeypatch.setenv(store.DB_ENV_VAR, str(db))
    app = AppTest.from_file(APP, default_timeout=120)
    app.session_state["lang"] = lang
    for key, value in state.items():
        app.session_state[key] = value
    app.run()
    app.switch_page(f"pages/{page}.py").run()
    return app


class _CardText(HTMLParser):
    """Title and value of each KPI card in an HTML block (metrics/app_support.py: cards_html)."""

    VOID = frozenset({"img", "br", "hr", "wbr", "input", "source"})  # no end tag

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.cards: list[dict[str, str]] = []
        self._open: list[str | None] = []  # per open element: the card field it holds, if any

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.VOID:
            return
        classes = (dict(attrs).get("class") or "").split()
        if "kpi-card" in classes:
            self.cards.append({"title": "", "value": ""})
        field = "title" if "kpi-title" in classes else "value" if "kpi-value" in classes else None
        self._open.append(field)

    def handle_endtag(self, tag: str) -> None:
        if tag not in self.VOID:
            self._open.pop()

    def handle_data(self, data: str) -> None:
        field = next((f for f in reversed(self._open) if f), None)
        if field and self.cards:
            self.cards[-1][field] += data


def card_values(app: AppTest) -> dict[str, str]:
    """Each KPI card's title and shown value, read from the page's HTML blocks."""
    parser = _CardText()
    for block in app.get("html"):
        parser.feed(block.proto.body)
    return {card["title"]: card["value"] for card in parser.cards}


def assert_rendered_cleanly(app: AppTest) -> None:
    assert not app.exception, [e.message for e in app.exception]
    # guarded() turns an unexpected error into st.error: none may appear
    assert not app.error, [e.value for e in app.error]


@pytest.mark.parametrize("lang", ["de", "en"])
@pytest.mark.parametrize("page", PAGES)
def test_every_page_renders_on_the_demo_store(
    demo_db: Path, page: str, lang: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = run_page(demo_db, page, lang, monkeypatch)
    assert_rendered_cleanly(app)
    banner = app.warning[0].value
    assert ("Demodaten" if lang == "de" else "Demo data") in banner


@pytest.mark.parametrize("lang", ["de", "en"])
@pytest.mark.parametrize("page", PAGES)
def test_every_page_renders_on_an_empty_store(
    empty_db: Path, page: str, lang: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = run_page(empty_db, page, lang, monkeypatch)
    assert_rendered_cleanly(app)
    assert not app.warning, "an empty real store is no demo"
    if page in ("overview", "women_leadership", "inclusion", "part_time"):
        start = "Willkommen" if lang == "de" else "Welcome"
        assert any(start in s.value for s in app.subheader)
        assert app.button[0].label == (
            "Demo-Datenbestand laden" if lang == "de" else "Load the demo store"
        )


def test_overview_shows_the_headline_kpis_in_german_format(
    demo_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = run_page(demo_db, "overview", "de", monkeypatch)
    metrics = card_values(app)
    assert len(metrics) == 9
    assert metrics["Beschäftigte (Köpfe)"] == "1.060"
    assert re.fullmatch(r"\d{1,2},\d %", metrics["Frauenanteil an Führungskräften"])
    english = card_values(run_page(demo_db, "overview", "en", monkeypatch))
    assert english["Headcount"] == "1,060"


def test_filters_change_what_is_shown(demo_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    all_carriers = run_page(demo_db, "overview", "de", monkeypatch)
    ba = run_page(demo_db, "overview", "de", monkeypatch, carrier="BA", year=2020)
    assert_rendered_cleanly(ba)
    headcount = "Beschäftigte (Köpfe)"
    assert card_values(ba)[headcount] != card_values(all_carriers)[headcount]
    # the survey has no carrier view: its card is left out there
    assert "Anteil mit Migrationshintergrund" in card_values(all_carriers)
    assert "Anteil mit Migrationshintergrund" not in card_values(ba)
    assert len(card_values(ba)) == 8
    breakdown = run_page(demo_db, "women_leadership", "de", monkeypatch, breakdown="age_band")
    assert_rendered_cleanly(breakdown)
    titles = [
        json.loads(c.proto.spec)["layout"].get("title", {}).get("text", "")
        for c in breakdown.get("plotly_chart")
    ]
    assert any("Altersgruppe" in title for title in titles)


# --- disclosure scan of everything rendered -----------------------------------------------------


def _integers_in_text(text: str) -> Iterator[int]:
    """A displayed whole number ("1.060", "3", "1,060"), also as a change ("+2", "-15", "−15");
    labels such as "Bereich 3" or shares such as "8,73 %" are not counts."""
    if re.fullmatch(r"\s*[+\-−±]?\d{1,3}(?:[.,]\d{3})*\s*", text):
        yield int(re.sub(r"[+\-−±.,\s]", "", text))


class _ShownText(HTMLParser):
    """The text an HTML block shows or reads out: its text, alt/title/aria-label attributes,
    and the same of an SVG image embedded as a data URI (the cards' sparklines). A style
    sheet shows nothing ("line-clamp:3" is no count)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.texts: list[str] = []
        self._in_style = False

    def handle_data(self, data: str) -> None:
        if not self._in_style:
            self.texts.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "style":
            self._in_style = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "style":
            self._in_style = True
        for name, value in attrs:
            if value and name in ("alt", "title", "aria-label"):
                self.texts.append(value)
            if value and name == "src" and value.startswith("data:image/svg+xml;base64,"):
                self.texts.extend(shown_texts(base64.b64decode(value.split(",", 1)[1]).decode()))


def test_the_scan_reads_text_not_style_sheets() -> None:
    assert shown_texts("<style>.a{-webkit-line-clamp:3}</style><p>3</p>") == ["3"]


def shown_texts(html: str) -> list[str]:
    """Each piece of text of an HTML block, split where a sparkline or badge joins values
    ("2019: 3; 2020: < 5", "Ziel: 50 % · erreicht")."""
    parser = _ShownText()
    parser.feed(html)
    pieces = (piece.strip() for text in parser.texts for piece in re.split(r"[;:·]", text))
    return [piece for piece in pieces if piece]


def _displayed_values(app: AppTest) -> Iterator[tuple[str, object]]:
    for frame_element in app.dataframe:
        frame: pd.DataFrame = frame_element.value
        for column in frame.columns:
            for value in frame[column]:
                yield f"table column {column!r}", value
    for metric in app.metric:
        yield f"metric {metric.label!r}", metric.value
    for block in app.get("html"):
        for text in shown_texts(block.proto.body):
            yield "html block", text
    for chart in app.get("plotly_chart"):
        spec = json.loads(chart.proto.spec)
        for trace in spec["data"]:
            for axis in ("x", "y", "text", "hovertext"):
                values = trace.get(axis)
                if isinstance(values, list):
                    for value in values:
                        # what Plotly shows: chart texts are HTML-escaped ("&lt; 5" reads "< 5")
                        shown = html.unescape(value) if isinstance(value, str) else value
                        yield f"chart trace {trace.get('name')!r} {axis}", shown


def public_leader_counts(db: Path, carrier: str | None) -> set[int]:
    """The public facts of CONTRACT § 3 at the latest date: leaders per level and gender (and
    per level), which are published below k."""
    with store.open_store(db) as con:
        rows = con.execute(
            """
            SELECT leadership, gender, count(*) FROM personnel
            WHERE reporting_date = (SELECT max(reporting_date) FROM personnel)
              AND leadership <> 'keine' AND ($carrier IS NULL OR carrier = $carrier)
            GROUP BY GROUPING SETS ((leadership, gender), (leadership))
            """,
            {"carrier": carrier},
        ).fetchall()
    return {int(n) for _, _, n in rows}


def small_counts(app: AppTest, k: int, public: set[int] = frozenset()) -> list[str]:  # type: ignore[assignment]
    """Person counts in 1 … k−1 on the page; values in `public` are allowed only in the leaders'
    table columns (Frauen, Männer, Führungskräfte) of the women-in-leadership page."""
    leaks = []
    for where, value in _displayed_values(app):
        if isinstance(value, bool) or value is None:
            continue
        if isinstance(value, int | float) and float(value).is_integer():
            numbers = [int(value)]
        elif isinstance(value, str) and "%" not in value and "<" not in value:
            numbers = list(_integers_in_text(value))
        else:
            continue
        in_public_table = where.startswith("table column") and any(
            word in where for word in ("Frauen", "Männer", "Führungskräfte", "Personen")
        )
        leaks += [
            f"{where}: {value!r}"
            for n in numbers
            if 1 <= n < k and not (in_public_table and n in public)
        ]
    return leaks


@pytest.mark.parametrize("carrier", [None, "BA", "Kommune"])
@pytest.mark.parametrize("breakdown", [None, "gender", "leadership", "age_band", "org_unit"])
@pytest.mark.parametrize(
    "page", ["overview", "women_leadership", "inclusion", "part_time", "migration"]
)
def test_no_page_shows_a_small_person_count(
    small_db: Path,
    page: str,
    carrier: str | None,
    breakdown: str | None,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    app = run_page(small_db, page, "de", monkeypatch, carrier=carrier, breakdown=breakdown)
    assert_rendered_cleanly(app)
    public = public_leader_counts(small_db, carrier) if page == "women_leadership" else set()
    assert small_counts(app, K_ORDINARY, public) == []


def test_the_scan_would_catch_a_leak() -> None:
    leaky = AppTest.from_string(
        "import pandas as pd\nimport plotly.graph_objects as go\nimport streamlit as st\n"
        "st.dataframe(pd.DataFrame({'Frauen': ['3', '12'], 'Anteil': ['8,7 %', '< 5']}))\n"
        "st.metric('Männer', '2')\n"
        "st.plotly_chart(go.Figure(go.Bar(x=['a'], y=[4])))\n"
    ).run()
    assert len(small_counts(leaky, K_ORDINARY)) == 3
    assert list(_integers_in_text("3")) == [3]
    # a card's trend: its values are in the image's alt text and title and in the SVG itself
    card_trend = AppTest.from_string(
        "import pandas as pd\nimport streamlit as st\n"
        "from metrics import app_support, charts\nfrom metrics.views import KpiCard\n"
        "trend = charts.sparkline_svg(pd.DataFrame({'year': [2024, 2025], 'value': [40.0, 3.0],"
        " 'label': [None, None]}), unit='count', lang='de')\n"
        "card = KpiCard('x', 'Frauen', '40', None, None, None, 'Definition', trend)\n"
        "app_support.render_cards([card], 'de', per_row=3)\n"
    ).run()
    leaks = small_counts(card_trend, K_ORDINARY)
    # alt, title, and in the SVG its aria-label, title and the point's own title
    assert leaks == ["html block: '3'"] * 5
    # a card's value and its change, in the block of all cards
    card_value = AppTest.from_string(
        "import streamlit as st\nfrom metrics import app_support\n"
        "from metrics.views import KpiCard\n"
        "cards = [KpiCard('a', 'Männer', '12', None, '+2', None, 'Köpfe', None),"
        " KpiCard('b', 'Frauen', '3', None, None, None, 'Köpfe', None)]\n"
        "app_support.render_cards(cards, 'de', per_row=3)\n"
    ).run()
    assert small_counts(card_value, K_ORDINARY) == ["html block: '+2'", "html block: '3'"]
    only_in_the_image = AppTest.from_string(
        "import base64\nimport streamlit as st\n"
        "svg = '<svg xmlns=\"http://www.w3.org/2000/svg\"><title>2025: 3</title></svg>'\n"
        'st.html(\'<img alt="Verlauf" src="data:image/svg+xml;base64,\''
        " + base64.b64encode(svg.encode()).decode() + '\">')\n"
    ).run()
    assert small_counts(only_in_the_image, K_ORDINARY) == ["html block: '3'"]
    assert list(_integers_in_text("1.060")) == [1060]
    assert list(_integers_in_text("-15")) == [15]
    assert list(_integers_in_text("−3")) == [3]  # the cards' minus
    assert list(_integers_in_text("8,73 %")) == []
    assert list(_integers_in_text("Bereich 3")) == []


@pytest.mark.parametrize("carrier", [None, "BA", "Kommune"])
@pytest.mark.parametrize("page", ["inclusion", "migration"])
def test_sensitive_pages_show_no_count_below_the_sensitive_k(
    small_db: Path, page: str, carrier: str | None, monkeypatch: pytest.MonkeyPatch
) -> None:
    # these pages show only disability and survey figures (k = 10) and places (large)
    app = run_page(small_db, page, "en", monkeypatch, carrier=carrier)
    assert_rendered_cleanly(app)
    assert small_counts(app, 10) == []


def breakdown_options(app: AppTest) -> list[str] | None:
    boxes = [box for box in app.sidebar.selectbox if box.label == "Aufschlüsseln nach"]
    return None if not boxes else list(boxes[0].options)


def test_the_breakdown_offers_only_what_changes_the_page(
    small_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The breakdown changed nothing on the overview (any of six), on Migration for five of
    six and on Frauen in Führung by gender."""
    app = run_page(small_db, "overview", "de", monkeypatch, breakdown="age_band")
    assert breakdown_options(app) is None
    app.switch_page("pages/women_leadership.py").run()
    offered = breakdown_options(app)
    assert offered is not None and "Geschlecht" not in offered and "Träger" in offered
    # the choice made for another page is kept through a page that does not offer it
    assert app.session_state["breakdown"] == "age_band"
    # drawn, or (the small store withholds it) its title and why there is nothing to draw
    shown = [str(c.proto.spec) for c in app.get("plotly_chart")] + [m.value for m in app.markdown]
    assert any("nach Altersgruppe" in text for text in shown)
    app.switch_page("pages/migration.py").run()
    assert breakdown_options(app) == ["keine Aufschlüsselung", "Geschlecht"]
    app.switch_page("pages/part_time.py").run()
    assert "Geschlecht" in (breakdown_options(app) or [])
    app.session_state["carrier"] = "BA"
    app.run()
    assert "Träger" not in (breakdown_options(app) or ["Träger"])
    assert_rendered_cleanly(app)


def test_a_chart_without_a_published_value_is_a_sentence_not_an_empty_chart(
    demo_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = run_page(demo_db, "part_time", "de", monkeypatch, carrier="BA")
    assert_rendered_cleanly(app)
    charts = [str(chart.proto.spec) for chart in app.get("plotly_chart")]
    assert not any("nach Führungsebene" in spec for spec in charts)
    assert any("kein Wert veröffentlichbar" in info.value for info in app.info)
    assert any("Teilzeitquote nach Führungsebene" in m.value for m in app.markdown)


def test_a_link_with_unknown_values_opens_the_latest_view(
    demo_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(store.DB_ENV_VAR, str(demo_db))
    app = AppTest.from_file(APP, default_timeout=120)
    """(A link's filters over several runs are checked in a real browser, test_browser.py:
    AppTest forgets a widget's value set from the URL on its next run, a browser does not.)"""
    app.query_params.update(year="1999", carrier="<b>", breakdown="person_id", lang="fr")
    app.run()
    assert_rendered_cleanly(app)
    assert app.session_state["lang"] == "de"
    assert app.query_params == {"year": "2025"}


def test_the_trends_show_the_years_chosen_in_the_sidebar(
    demo_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = run_page(demo_db, "part_time", "de", monkeypatch)
    [years] = app.select_slider
    assert years.value == (2016, 2025)
    years.set_range(2019, 2023).run()
    assert_rendered_cleanly(app)
    assert app.session_state["years"] == (2019, 2023)
    assert app.query_params["years"] == "2019-2023"
    titles = [json.loads(c.proto.spec)["layout"]["title"]["text"] for c in app.get("plotly_chart")]
    assert any(title.endswith("2019–2023") for title in titles), titles
    # kept on the next page, in the URL of a card's link too
    app.switch_page("pages/overview.py").run()
    assert app.select_slider[0].value == (2019, 2023)
    assert "years=2019-2023" in " ".join(h.proto.body for h in app.get("html"))
