"""The Protokoll page: the audit log for the employee representatives, newest first, with
whether its chain of hashes is whole, and the disclosure check of a year's release (the
attacker of CONTRACT § 3 over everything published: how many groups it pins, never which).
Counts in the log (rows imported or deleted) are published like every operational count: a
small one reads "< k"."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import duckdb
import pandas as pd

from metrics import access, audit
from metrics.disclosure import DisclosureRules, count_text
from metrics.i18n import Lang, t
from metrics.settings import Settings

# details that are person counts of the store
_COUNTS = ("rows", "replaced_rows")


@dataclass(frozen=True)
class AuditPageContext:
    entries: pd.DataFrame
    broken_lines: tuple[int, ...]  # empty: the chain is whole


def build_audit_page(db_path: Path, rules: DisclosureRules, lang: Lang) -> AuditPageContext:
    rows = []
    for entry in reversed(audit.entries(db_path)):
        details = entry.get("details")
        rows.append(
            {
                t("audit.column_time", lang): _time(str(entry["at"]), lang),
                t("audit.column_user", lang): user_label(entry, lang),
                t("audit.column_roles", lang): roles_label(str(entry.get("roles") or ""), lang),
                t("audit.column_event", lang): event_label(str(entry["event"]), lang),
                t("audit.column_details", lang): details_text(
                    details if isinstance(details, dict) else {}, rules, lang
                ),
            }
        )
    columns = [
        # roles last: a narrow screen shows what happened before who held which role
        t(f"audit.column_{name}", lang)
        for name in ("time", "user", "event", "details", "roles")
    ]
    return AuditPageContext(
        entries=pd.DataFrame(rows, columns=columns), broken_lines=tuple(audit.verify(db_path))
    )


def _label(key: str, fallback: str, lang: Lang) -> str:
    """The text of `key`, or `fallback` for an entry of a later version (no text for it here)."""
    label = t(key, lang)
    return fallback if label == key else label


def event_label(event: str, lang: Lang) -> str:
    return _label(f"audit.event.{event}", event, lang)


def user_label(entry: dict[str, object], lang: Lang) -> str:
    if entry["user"] == access.LOCAL_USER.id:
        return t("audit.local_user", lang)
    return str(entry.get("name") or entry["user"])


def roles_label(roles: str, lang: Lang) -> str:
    """ "administrator,management" (as entered) -> "Administration, Leitung" """
    names = [r.strip() for r in roles.split(",") if r.strip()]
    return ", ".join(_label(f"access.role.{name}", name, lang) for name in names)


def details_text(details: dict[str, object], rules: DisclosureRules, lang: Lang) -> str:
    """ "Datei: p.csv; Zeilen: 1.052" — nested values flattened, counts published."""

    def shown(key: str, value: object) -> str:
        if key in _COUNTS and isinstance(value, int) and not isinstance(value, bool):
            return count_text(value, lang, rules)
        if isinstance(value, bool):
            return t("audit.yes" if value else "audit.no", lang)
        if key in ("sha256", "last_hash") and isinstance(value, str):
            return value[:12] + "…"  # enough to compare by eye with `sha256sum`
        if isinstance(value, dict):
            return ", ".join(pair(k, v) for k, v in value.items() if v not in (None, ""))
        if isinstance(value, list):
            return " | ".join(shown(key, v) for v in value)
        return str(value)

    def pair(key: str, value: object) -> str:
        return f"{_label(f'audit.detail.{key}', key, lang)}: {shown(key, value)}"

    return "; ".join(pair(key, value) for key, value in details.items() if value not in (None, ""))


def _time(iso: str, lang: Lang) -> str:
    moment = datetime.fromisoformat(iso)
    return moment.strftime("%d.%m.%Y %H:%M" if lang == "de" else "%Y-%m-%d %H:%M")


@dataclass(frozen=True)
class ReleaseCheck:
    year: int
    figures: int
    pinned: int  # groups of persons the attacker pins; which ones is for the CLI's `audit`


def check_release(con: duckdb.DuckDBPyConnection, year: int, settings: Settings) -> ReleaseCheck:
    from metrics.kpis import api as kpis

    result = kpis.audit_release(con, year, settings)
    return ReleaseCheck(year, result.figures, len(result.pins))


def release_check_text(check: ReleaseCheck, lang: Lang) -> tuple[bool, str]:
    """(whole, text): whole when nothing is pinned."""
    if check.pinned == 0:
        return True, t("audit.release_whole", lang, year=check.year, figures=check.figures)
    return False, t(
        "audit.release_pinned",
        lang,
        year=check.year,
        figures=check.figures,
        pinned=check.pinned,
    )
