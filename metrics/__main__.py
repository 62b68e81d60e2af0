"""Command line of CONTRACT § 4: ``python -m metrics {import,demo,kpis,audit,plan,report} …``,
and ``backup`` / ``restore`` of an installation."""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from metrics import store
from metrics.formatting import format_date, format_number
from metrics.i18n import Lang, t

if TYPE_CHECKING:
    from metrics.settings import Settings

# files above this size get progress lines on stderr
PROGRESS_THRESHOLD_BYTES = 20 * 1024 * 1024

Command = Callable[[argparse.Namespace], int]


def _settings(lang: Lang) -> Settings | None:
    """The settings file, or None after printing why it cannot be used (exit code 2)."""
    from metrics.settings import SettingsError, load_settings

    try:
        return load_settings()
    except SettingsError as error:
        print(t("cli.settings_error", lang, detail=error), file=sys.stderr)
        return None


def _import(args: argparse.Namespace) -> int:
    from metrics import access, audit
    from metrics.ingest import ImportRefused, import_files

    lang: Lang = args.lang
    # before anything is written: the summary publishes store figures by its rules
    settings = _settings(lang)
    if settings is None:
        return 2
    rules = settings.rules
    paths = [Path(p) for p in args.files]
    missing = [p for p in paths if not p.is_file()]
    if missing:
        for path in missing:
            print(t("import.unreadable", lang, detail=f"{path}: not found"), file=sys.stderr)
        return 2
    large = any(p.stat().st_size > PROGRESS_THRESHOLD_BYTES for p in paths)
    started = time.monotonic()

    def progress(name: str, step: str) -> None:
        if large:
            elapsed = time.monotonic() - started
            print(
                f"[{elapsed:6.1f} s] {t('import.progress', lang, file=name, step=t(step, lang))}",
                file=sys.stderr,
                flush=True,
            )

    db_path = store.resolve_db_path(args.db)
    store.prune_refusals(db_path, settings.log_retention_days)
    audit.prune(db_path, settings.audit_retention_days)
    try:
        results = import_files(
            paths, db_path, kind=args.kind, progress=progress, by=access.command_line_user()
        )
    except ImportRefused as refusal:
        print(refusal.report(lang), file=sys.stderr)
        return 1
    except store.StoreError as error:
        print(t("cli.store_error", lang, detail=error), file=sys.stderr)
        return 1
    for result in results:
        print(result.summary(lang, rules))
    return 0


def _demo(args: argparse.Namespace) -> int:
    from metrics.demo import build_demo_store

    db_path = store.resolve_db_path(args.db)
    started = time.monotonic()
    try:
        exports = build_demo_store(db_path)
    except store.StoreError as error:
        print(t("cli.store_error", args.lang, detail=error), file=sys.stderr)
        return 1
    print(
        t(
            "cli.demo_built",
            args.lang,
            db=db_path,
            seconds=time.monotonic() - started,
            exports=exports,
        )
    )
    return 0


def _plan(args: argparse.Namespace) -> int:
    """Plans every year of the store that has no stored plan (CONTRACT § 3), a year per core:
    after an import from the command line, so that nobody waits for it in the app."""
    from metrics.kpis import api as kpis

    lang: Lang = args.lang
    settings = _settings(lang)
    if settings is None:
        return 2
    started = time.monotonic()
    try:
        planned = kpis.plan_store(
            store.resolve_db_path(args.db), settings, args.workers, args.years
        )
    except store.StoreError as error:
        print(t("cli.store_error", lang, detail=error), file=sys.stderr)
        return 2
    years = ", ".join(str(year) for year in sorted(planned)) or "–"
    print(t("cli.planned", lang, years=years, seconds=time.monotonic() - started))
    return 0


T = TypeVar("T")


def _year_of_store(args: argparse.Namespace, read: Callable[..., T]) -> T | int:
    """Settings, store and year checked as every year command needs them; then
    `read(con, year, settings)`. An int is the exit code of a refusal (already printed)."""
    from metrics.kpis import api as kpis

    lang: Lang = args.lang
    settings = _settings(lang)
    if settings is None:
        return 2
    db_path = store.resolve_db_path(args.db)
    try:
        with store.open_store(db_path) as con:
            years = kpis.available_years(con)
            if args.year not in years:
                listed = ", ".join(str(y) for y in years) or "–"
                print(
                    t("cli.kpis.year_not_in_store", lang, year=args.year, years=listed),
                    file=sys.stderr,
                )
                return 2
            return read(con, args.year, settings)
    except store.StoreError as error:
        print(t("cli.store_error", lang, detail=error), file=sys.stderr)
        return 2


def _kpis(args: argparse.Namespace) -> int:
    import json

    from metrics.kpis import api as kpis

    lang: Lang = args.lang
    read = _year_of_store(
        args, lambda con, year, settings: kpis.published_year(con, year, settings)
    )
    if isinstance(read, int):
        return read
    values, snapshot, settings = read.values(args.carrier), read.reporting_date, read.settings
    if args.json:
        print(json.dumps(kpis.kpi_json(values), ensure_ascii=False, indent=2))
        return 0
    print(_kpi_table(values, args.year, args.carrier, snapshot, settings, lang))
    return 0


def _kpi_table(values, year, carrier, snapshot, settings, lang: Lang) -> str:
    from metrics.kpis import api as kpis

    view = (
        t("cli.kpis.carrier", lang, carrier=carrier)
        if carrier
        else t("cli.kpis.all_carriers", lang)
    )
    if snapshot is None:
        date_text = t("cli.kpis.no_snapshot", lang)
    else:
        date_text = t("cli.kpis.reporting_date", lang, date=format_date(snapshot, lang))
    rows = []
    notes = []
    for kpi_id, value in values.items():
        label = kpis.kpi_label(kpi_id, lang)
        wave = value.extra.get("wave")
        if wave is not None:
            label += f" ({t('cli.kpis.survey_wave', lang, wave=wave)})"
        if "." in kpi_id:
            label = "  " + label  # variants indented under their KPI
        shown = kpis.format_kpi_value(value, lang)
        if value.unit == "flag":
            # a list of areas does not fit a table cell
            notes.append(f"{label}:")
            for gender in ("w", "m"):
                areas = [
                    a["area"]
                    for a in value.extra.get("areas", [])
                    if a["underrepresented"] == gender
                ]
                notes.append(
                    "  "
                    + t(
                        "cli.kpis.underrepresented_in",
                        lang,
                        gender=kpis.category_label("gender", gender, lang),
                        areas=", ".join(areas) or t("cli.kpis.nowhere", lang),
                    )
                )
            shown = t("cli.kpis.see_below", lang)
        rows.append((label, shown, kpis.format_target(value, lang)))
    header = (
        t("cli.kpis.column_kpi", lang),
        t("cli.kpis.column_value", lang),
        t("cli.kpis.column_target", lang),
    )
    label_width = max(len(r[0]) for r in [header, *rows])
    value_width = max(len(r[1]) for r in [header, *rows])
    lines = [f"{t('cli.kpis.title', lang, year=year, view=view)} ({date_text})", ""]
    for label, value_text, target in [header, *rows]:
        lines.append(f"{label:<{label_width}}  {value_text:>{value_width}}  {target}".rstrip())
    if notes:
        lines += ["", *notes]
    lines += [
        "",
        t(
            "cli.kpis.suppressed_note",
            lang,
            k_ordinary=settings.k_ordinary,
            k_sensitive=settings.k_sensitive,
        ),
    ]
    return "\n".join(lines)


def _audit(args: argparse.Namespace) -> int:
    """The attacker of CONTRACT § 3 over a year's whole release: what could it pin?"""
    import json

    from metrics.kpis import api as kpis

    lang: Lang = args.lang
    result = _year_of_store(args, kpis.audit_release)
    if isinstance(result, int):
        return result
    if args.json:
        entries = [
            {
                "universe": universe,
                "group": pin.group.box.describe(),
                "value": pin.value,
                "reason": pin.reason,
                "from": [f.where for f in (*pin.figures, *pin.zero_figures)],
            }
            for universe, pins in result.pins_by_universe.items()
            for pin in pins
        ]
        print(
            json.dumps(
                {"year": args.year, "figures": result.figures, "pinned": entries},
                ensure_ascii=False,
                indent=2,
            )
        )
    else:
        print(
            t(
                "cli.audit.summary",
                lang,
                year=args.year,
                figures=result.figures,
                pinned=len(result.pins),
            )
        )
        for universe, pins in result.pins_by_universe.items():
            for pin in pins:
                print(f"  [{universe}] {pin.describe()}")
    # 1: something is pinned, as a check in a script would want it
    return 1 if result.pins else 0


def _report(args: argparse.Namespace) -> int:
    """The annual report / presentation: the format follows the suffix of --out."""
    import os
    import tempfile

    from metrics import access
    from metrics.kpis import api as kpis
    from metrics.report import FORMATS, ChartExportError, ReportError

    lang: Lang = args.lang
    out = Path(args.out)
    build = FORMATS.get(out.suffix.lower())
    if build is None:
        print(t("report.cli.unknown_suffix", lang, suffix=out.suffix or out.name), file=sys.stderr)
        return 2
    settings = _settings(lang)
    if settings is None:
        return 2
    started = time.monotonic()
    try:
        with store.open_store(store.resolve_db_path(args.db)) as con:
            years = kpis.available_years(con)
            if args.year not in years:
                print(
                    t(
                        "report.cli.year_missing",
                        lang,
                        year=args.year,
                        years=", ".join(str(y) for y in years) or "–",
                    ),
                    file=sys.stderr,
                )
                return 2
            data = build(
                con, args.year, args.carrier, lang, settings, by=access.command_line_user()
            )
    except store.StoreError as error:
        print(t("cli.store_error", lang, detail=error), file=sys.stderr)
        return 2
    except (ReportError, ChartExportError) as error:
        print(t("report.cli.failed", lang, detail=error), file=sys.stderr)
        return 1
    temporary = None
    try:
        # written next to the target and renamed: an interrupted run leaves no half file
        handle, temporary = tempfile.mkstemp(dir=out.parent, prefix=f".{out.name}.")
        with os.fdopen(handle, "wb") as file:
            file.write(data)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(temporary, 0o666 & ~umask)  # mkstemp's 0600 would surprise whoever shares it
        os.replace(temporary, out)
    except OSError as error:
        if temporary is not None and os.path.exists(temporary):
            os.unlink(temporary)
        print(
            t("report.cli.failed", lang, detail=f"{out}: {error.strerror or error}"),
            file=sys.stderr,
        )
        return 1
    print(t("report.cli.written", lang, path=out, seconds=time.monotonic() - started))
    return 0


def _backup(args: argparse.Namespace) -> int:
    """The store, the settings, the refusal and audit logs (and with --with-key the pseudonym
    key) into DIR."""
    from metrics import access
    from metrics.backup import BackupError, make_backup

    lang: Lang = args.lang
    target = Path(args.dir)
    try:
        manifest = make_backup(
            store.resolve_db_path(args.db),
            target,
            by=access.command_line_user(),
            with_key=args.with_key,
        )
    except BackupError as error:
        print(error.message(lang), file=sys.stderr)
        return 1
    size = sum(f.size for f in manifest.files.values())
    print(
        t(
            "backup.written",
            lang,
            dir=target,
            files=len(manifest.files) + 1,  # and the manifest
            size=f"{format_number(size / 1e6, lang, 1)} MB",
            revision=manifest.revision or "–",
        )
    )
    if manifest.has_key:
        print(t("backup.key_included", lang))
    else:
        key = manifest.sources["key"]
        print(t("backup.key_left_out", lang, key_file=key, fingerprint=manifest.key_check or "–"))
    return 0


def _restore(args: argparse.Namespace) -> int:
    """A backup of `backup` verified and put back; see metrics.backup.restore_backup."""
    from metrics import access, audit
    from metrics.backup import BackupError, restore_backup

    lang: Lang = args.lang
    try:
        restored = restore_backup(
            Path(args.dir),
            store.resolve_db_path(args.db),
            by=access.command_line_user(),
            force=args.force,
            with_settings=args.with_settings,
        )
    except BackupError as error:
        message = error.message(lang)
        if error.text_key != "backup.after_restore_failed":
            message = t("backup.refused", lang, detail=message)
        print(message, file=sys.stderr)
        return 1
    manifest = restored.manifest
    lines = [
        t(
            "backup.restored",
            lang,
            db=restored.db,
            created=manifest.created_at,
            revision=manifest.revision or "–",
        ),
        t(
            "backup.restored_key_written"
            if restored.key_written
            else "backup.restored_key_in_place",
            lang,
            key_file=restored.key,
        ),
    ]
    if restored.settings_outcome == "replaced":
        lines.append(t("backup.settings_replaced", lang, file=restored.settings))
    elif restored.settings_outcome == "beside":
        from metrics.settings import settings_path

        lines.append(
            t("backup.settings_beside", lang, file=restored.settings, current=settings_path())
        )
    elif restored.settings_outcome == "unchanged":
        from metrics.settings import settings_path

        lines.append(t("backup.settings_unchanged", lang, file=settings_path()))
    for outcome, log in [
        (restored.refusal_log_outcome, store.refusal_log_path(restored.db)),
        (restored.audit_log_outcome, audit.audit_log_path(restored.db)),
    ]:
        if outcome == "restored":
            lines.append(t("backup.log_restored", lang, file=log))
        elif outcome == "kept":
            lines.append(t("backup.log_kept", lang, file=log))
    lines.append(t("backup.plan_next", lang))
    print("\n".join(lines))
    return 0


def build_parser(commands: dict[str, Command]) -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--db", help=f"store file (default: ${store.DB_ENV_VAR} or {store.DEFAULT_DB})"
    )
    common.add_argument(
        "--lang", choices=["de", "en"], default="de", help="language of messages (default: de)"
    )
    parser = argparse.ArgumentParser(prog="python -m metrics", description="Vielfaltsmonitor")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("import", parents=[common], help="import HR export files")
    p.add_argument("files", nargs="+", metavar="FILE")
    p.add_argument(
        "--kind",
        choices=["personnel", "applications", "survey", "survey_invited"],
        help="kind of the files (default: recognised from the headers)",
    )
    p.set_defaults(handler=commands["import"])

    p = sub.add_parser("demo", parents=[common], help="build a demo store from generated exports")
    p.set_defaults(handler=commands["demo"])

    p = sub.add_parser("kpis", parents=[common], help="every KPI of a year (CONTRACT § 2)")
    p.add_argument("--year", type=int, required=True, metavar="YYYY")
    p.add_argument(
        "--carrier", choices=["BA", "Kommune"], help="view of one carrier (default: all carriers)"
    )
    p.add_argument("--json", action="store_true", help="one JSON object on stdout (CONTRACT § 4)")
    p.set_defaults(handler=commands["kpis"])

    p = sub.add_parser(
        "audit",
        parents=[common],
        help="the disclosure attacker over a year's release (CONTRACT § 3): what it can pin",
    )
    p.add_argument("--year", type=int, required=True, metavar="YYYY")
    p.add_argument("--json", action="store_true", help="one JSON object on stdout")
    p.set_defaults(handler=commands["audit"])

    p = sub.add_parser(
        "plan",
        parents=[common],
        help="plan the release of every year not planned yet (after an import), a year per core",
    )
    p.add_argument(
        "--workers", type=int, metavar="N", help="processes at once (default: one per core)"
    )
    p.add_argument(
        "--years",
        type=lambda text: [int(year) for year in text.split(",")],
        metavar="YYYY,YYYY",
        help="only these years (default: every year of the store)",
    )
    p.set_defaults(handler=commands["plan"])

    p = sub.add_parser(
        "report",
        parents=[common],
        help="annual report / presentation (.pptx, .xlsx or .pdf by suffix)",
    )
    p.add_argument("--year", type=int, required=True, metavar="YYYY")
    p.add_argument(
        "--out",
        required=True,
        metavar="FILE",
        help="FILE.pptx (presentation), FILE.xlsx (tables) or FILE.pdf (summary)",
    )
    p.add_argument(
        "--carrier", choices=["BA", "Kommune"], help="view of one carrier (default: all carriers)"
    )
    p.set_defaults(handler=commands["report"])

    p = sub.add_parser(
        "backup",
        parents=[common],
        help="back up the store, the settings, the refusal log and the audit log into DIR",
    )
    p.add_argument("dir", metavar="DIR", help="a new or empty directory (created 0700)")
    p.add_argument(
        "--with-key",
        action="store_true",
        help="put the pseudonym key into the backup too (by default it is left out: keep it "
        "apart from the data, and in place when restoring)",
    )
    p.set_defaults(handler=commands["backup"])

    p = sub.add_parser(
        "restore", parents=[common], help="verify a backup made by `backup` and restore it"
    )
    p.add_argument("dir", metavar="DIR", help="the backup directory (with manifest.json)")
    p.add_argument(
        "--force",
        action="store_true",
        help="replace an existing store, and a different pseudonym key, with the backup's",
    )
    p.add_argument(
        "--with-settings",
        action="store_true",
        help="replace the settings file with the backup's "
        "(default: put it beside as settings.toml.restored)",
    )
    p.set_defaults(handler=commands["restore"])

    return parser


COMMANDS: dict[str, Command] = {
    "import": _import,
    "demo": _demo,
    "kpis": _kpis,
    "audit": _audit,
    "plan": _plan,
    "report": _report,
    "backup": _backup,
    "restore": _restore,
}


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser(COMMANDS).parse_args(argv)
    return args.handler(args)


if __name__ == "__main__":
    sys.exit(main())
