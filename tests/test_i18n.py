"""Every UI text in German and English (metrics/i18n.py): each key the code asks for exists,
each has both languages, and both fill in the same placeholders."""

from __future__ import annotations

import re
import string
from pathlib import Path

import pytest

from metrics.contract import SOURCES_BY_KIND
from metrics.i18n import TEXTS, t
from metrics.kpis import api as kpis

REPO = Path(__file__).resolve().parents[1]
SOURCES = [*(REPO / "metrics").rglob("*.py"), *(REPO / "pages").glob("*.py"), REPO / "app.py"]
# t("key", …) or t('key', …) with a literal key
LITERAL_KEY = re.compile(r"""\bt\(\s*["']([a-z_][a-z_.0-9]*)["']""")


def _fields(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def test_every_key_the_code_asks_for_exists() -> None:
    used = {key for path in SOURCES for key in LITERAL_KEY.findall(path.read_text("utf-8"))}
    assert len(used) > 200  # the scan finds the calls
    assert sorted(key for key in used if key not in TEXTS) == []


def test_keys_built_from_codes_exist_for_every_code() -> None:
    units = {kpi.unit for kpi in kpis.REGISTRY if kpi.unit in ("%", "count", "ratio")}
    for unit in units:
        assert f"report.unit.{unit}" in TEXTS, unit
    # the import log's outcomes (store.import_log; deletions and typed-in counts too)
    for outcome in ("ok", "refused", "deleted", "edited"):
        assert f"datapage.log_{outcome}" in TEXTS
    # every column of the contract has a label (the Daten page's sample and data quality)
    for source in SOURCES_BY_KIND.values():
        for column in source.columns:
            own = f"column.{source.kind}.{column.name}"
            assert own in TEXTS or f"column.{column.name}" in TEXTS, own


@pytest.mark.parametrize("key", sorted(TEXTS))
def test_both_languages_with_the_same_placeholders(key: str) -> None:
    texts = TEXTS[key]
    assert texts.get("de") and texts.get("en"), key
    assert _fields(texts["de"]) == _fields(texts["en"]), key


def test_a_text_is_filled_in_and_a_missing_english_one_falls_back_to_german(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert t("datapage.deleted", "de", rows="12") == "12 Zeilen gelöscht."
    assert t("datapage.deleted", "en", rows="12") == "12 rows deleted."
    monkeypatch.setitem(TEXTS, "test.only_german", {"de": "nur {n} auf Deutsch"})
    assert t("test.only_german", "en", n=3) == "nur 3 auf Deutsch"
