"""The Protokoll page: the audit log for the employee representatives, newest first, with
whether its chain of hashes is whole. Counts in it (rows imported or deleted) are published
like every operational count: a small one reads "< k"."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import pandas as pd

from metrics import audit
from metrics.disclosure import DisclosureRules, count_text
from metrics.i18n import Lang, t

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
                t("audit.column_user", lang): str(entry.get("name") or entry["user"]),
                t("audit.column_roles", lang): str(entry.get("roles") or ""),
                t("audit.column_event", lang): event_label(str(entry["event"]), lang),
                t("audit.column_details", lang): details_text(
                    details if isinstance(details, dict) else {}, rules, lang
                ),
            }
        )
    columns = [
        t(f"audit.column_{name}", lang) for name in ("time", "user", "roles", "event", "details")
    ]
    return AuditPageContext(
        entries=pd.DataFrame(rows, columns=columns), broken_lines=tuple(audit.verify(db_path))
    )


def event_label(event: str, lang: Lang) -> str:
    key = f"audit.event.{event}"
    label = t(key, lang)
    return event if label == key else label


def details_text(details: dict[str, object], rules: DisclosureRules, lang: Lang) -> str:
    """ "Datei: p.csv; Zeilen: 1.052" — nested values flattened, counts published."""

    def shown(key: str, value: object) -> str:
        if key in _COUNTS and isinstance(value, int) and not isinstance(value, bool):
            return count_text(value, lang, rules)
        if isinstance(value, dict):
            return ", ".join(f"{k}: {shown(k, v)}" for k, v in value.items() if v not in (None, ""))
        if isinstance(value, list):
            return " | ".join(shown(key, v) for v in value)
        return str(value)

    return "; ".join(
        f"{key}: {shown(key, value)}" for key, value in details.items() if value not in (None, "")
    )


def _time(iso: str, lang: Lang) -> str:
    moment = datetime.fromisoformat(iso)
    return moment.strftime("%d.%m.%Y %H:%M" if lang == "de" else "%Y-%m-%d %H:%M")
