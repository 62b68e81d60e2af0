"""Command line of CONTRACT § 4: ``python -m metrics {import,demo,kpis,report} …``."""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from metrics import store
from metrics.i18n import Lang, t

# files above this size get progress lines on stderr
PROGRESS_THRESHOLD_BYTES = 20 * 1024 * 1024

Command = Callable[[argparse.Namespace], int]


def _import(args: argparse.Namespace) -> int:
    from metrics.ingest import ImportRefused, import_files

    lang: Lang = args.lang
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
            print(f"[{elapsed:6.1f} s] {t('import.progress', lang, file=name, step=t(step, lang))}",
                  file=sys.stderr, flush=True)

    db_path = store.resolve_db_path(args.db)
    try:
        results = import_files(paths, db_path, kind=args.kind, progress=progress)
    except ImportRefused as refusal:
        print(refusal.report(lang), file=sys.stderr)
        return 1
    except store.StoreError as error:
        print(t("cli.store_error", lang, detail=error), file=sys.stderr)
        return 1
    for result in results:
        print(result.summary(lang))
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
    print(t("cli.demo_built", args.lang, db=db_path, seconds=time.monotonic() - started,
            exports=exports))
    return 0


def build_parser(commands: dict[str, Command]) -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--db", help=f"store file (default: ${store.DB_ENV_VAR} or "
                        f"{store.DEFAULT_DB})")
    common.add_argument("--lang", choices=["de", "en"], default="de",
                        help="language of messages (default: de)")
    parser = argparse.ArgumentParser(prog="python -m metrics", description="Vielfaltsmonitor")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("import", parents=[common], help="import HR export files")
    p.add_argument("files", nargs="+", metavar="FILE")
    p.add_argument("--kind", choices=["personnel", "applications", "survey", "survey_invited"],
                   help="kind of the files (default: recognised from the headers)")
    p.set_defaults(handler=commands["import"])

    p = sub.add_parser("demo", parents=[common], help="build a demo store from generated exports")
    p.set_defaults(handler=commands["demo"])

    return parser


COMMANDS: dict[str, Command] = {"import": _import, "demo": _demo}


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser(COMMANDS).parse_args(argv)
    return args.handler(args)


if __name__ == "__main__":
    sys.exit(main())
