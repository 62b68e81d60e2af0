"""Scale generator: raw German personnel exports of N persons × M monthly snapshots.

The file is written exactly as CONTRACT § 1.1 describes a real export and as the demo writes one:
Windows-1252, ``;``, decimal comma, ``TT.MM.JJJJ``, the German alias headers of
``tests/exports.py`` (``PERSONNEL_HEADER``), CRLF line ends, the BA system writing ``nein`` where
the municipal system leaves the cell empty, old spellings (``Agentur für Arbeit``, ``weiblich``)
before 2020, and a few pay groups typed by hand (``E9b``, ``te iv``).

Model. ``--persons`` posts (slots) are filled at every month end of the ``--months`` window that
ends on 31.12.2025, so every snapshot has exactly N rows and the file N × M. A post keeps its
carrier (60 % BA / 40 % Kommune) and org unit; its holder leaves with a monthly hazard
(``--turnover``, default 0.5 %), at retirement (63–66) or at the end of training, and a new holder
with a new pseudonym follows. Per holder: gender (~68 % women), employment type (Tarif, Beamte,
~5 % Ausbildung), pay group, leadership level (~7.5 % leaders, about half of them women), part
time (~32 %, mostly women), deputy, disability (~8 %, some with onset during the window), one leave
spell at most (Elternzeit, Pflege, sonstige; ~5 % of staff on leave at a date), fixed term, entry
date. Mobile work is a per-holder affinity against a share rising from 12 % (2016) to 62 % (2025).

Speed. Holders are drawn with numpy (seeded, one vectorised pass per generation of holders); the
person-month rows are expanded, formatted and sorted by DuckDB and written with ``COPY … TO`` as
UTF-8, then transcoded to Windows-1252 in 16 MiB chunks. 12 M rows take about a minute on 2 cores.

    python -m bench.scale_data --persons 10000 --months 120 --out bench/out/p_10k.csv
"""

from __future__ import annotations

import argparse
import codecs
import time
from dataclasses import dataclass
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

from tests.exports import PERSONNEL_HEADER

LAST_YEAR, LAST_MONTH = 2025, 12
NEW_EXPORT_SYSTEM_YEAR = 2020
ENCODING = "cp1252"
CHUNK_BYTES = 16 * 1024 * 1024

BA_SHARE = 0.60
GENDERS = ("w", "m", "d", "x")
GENDER_WEIGHTS = (0.675, 0.318, 0.004, 0.003)
OLD_GENDER_SPELLING = {"w": "weiblich", "m": "männlich", "d": "divers", "x": "ohne Angabe"}
# trainees stay 2–3 years, others ~10: hires are trainees more often than the staff (~5 %)
TRAINEE_SHARE = {"initial": 0.05, "hire": 0.22}
CIVIL_SERVANT_SHARE = {"BA": 0.25, "Kommune": 0.12}
# leaders: a man is about twice as likely as a woman to hold a post (~49 % women among leaders)
LEADER_PROBABILITY = {"w": 0.055, "m": 0.12, "d": 0.06, "x": 0.06}
LEADERSHIP_LEVELS = ("Teamleitung", "Bereichsleitung", "Geschäftsführung")
LEVEL_WEIGHTS = (0.80, 0.16, 0.04)
PART_TIME_PROBABILITY = {"w": 0.45, "m": 0.14, "d": 0.30, "x": 0.30}
PART_TIME_OF_LEADERS = 0.10
UNDER_18_OF_PART_TIME = 0.02
DEPUTY_PROBABILITY = 0.04
INITIAL_AGE_BANDS = ((20, 29, 0.11), (30, 39, 0.22), (40, 49, 0.25), (50, 59, 0.32), (60, 64, 0.10))
DISABILITY_BY_AGE = ((30, 0.02), (45, 0.04), (55, 0.08), (200, 0.14))  # (age below, share)
DISABILITY_ONSET_HAZARD = 0.0005  # per month
CREDIT_FACTORS = ("", "2", "3")
CREDIT_FACTOR_WEIGHTS = (0.925, 0.06, 0.015)
RETIREMENT_AGES = (63, 64, 65, 66)
RETIREMENT_AGE_WEIGHTS = (0.15, 0.10, 0.25, 0.50)
TELEWORK_SHARE = 0.04
# share of staff with mobile work by year (interpolated by month)
MOBILE_SHARE_POINTS = ((2015, 0.10), (2019, 0.25), (2020, 0.30), (2021, 0.55), (2025, 0.62))
SLOPPY_PAY_GROUP_SHARE = 0.06
LEAVE_SPAN_MONTHS = 120

FULL_TIME_HOURS = {"Tarif": 39.0, "Beamte": 41.0}
PART_TIME_HOURS = {
    39.0: ((19.5, 0.30), (20.0, 0.10), (25.0, 0.15), (29.25, 0.15), (30.0, 0.18), (34.5, 0.12)),
    41.0: ((20.5, 0.35), (25.0, 0.15), (30.75, 0.25), (32.0, 0.10), (35.0, 0.15)),
}
UNDER_18_HOURS = (15.0, 12.0)
LEADER_PART_TIME_HOURS = {39.0: (30.0, 32.0, 34.5, 35.0), 41.0: (30.75, 32.0, 35.0)}
PAY_LADDERS: dict[tuple[str, str], tuple[tuple[str, float], ...]] = {
    ("BA", "Tarif"): (("TE VI", 0.15), ("TE V", 0.40), ("TE IV", 0.38), ("TE III", 0.07)),
    ("Kommune", "Tarif"): (
        ("E 6", 0.06),
        ("E 8", 0.17),
        ("E 9a", 0.12),
        ("E 9b", 0.30),
        ("E 9c", 0.23),
        ("E 10", 0.07),
        ("E 11", 0.05),
    ),
    ("BA", "Beamte"): (
        ("A 9", 0.30),
        ("A 10", 0.30),
        ("A 11", 0.28),
        ("A 12", 0.08),
        ("A 13", 0.04),
    ),
    ("Kommune", "Beamte"): (
        ("A 8", 0.07),
        ("A 9", 0.28),
        ("A 10", 0.28),
        ("A 11", 0.26),
        ("A 12", 0.07),
        ("A 13", 0.04),
    ),
}
LEADER_PAY = {
    ("BA", "Tarif"): ("TE III", "TE II", "TE I"),
    ("Kommune", "Tarif"): ("E 11", "E 13", "E 15"),
    ("BA", "Beamte"): ("A 12", "A 13", "A 15"),
    ("Kommune", "Beamte"): ("A 12", "A 13", "A 15"),
}


@dataclass(frozen=True)
class Window:
    """The reporting months: index 0 … months − 1, the last one December 2025."""

    months: int

    @property
    def first_year(self) -> int:
        return LAST_YEAR - (self.months - LAST_MONTH + 11) // 12

    @property
    def first_month(self) -> int:
        return (LAST_MONTH - self.months) % 12 + 1

    def year_of(self, k: np.ndarray | int) -> np.ndarray | int:
        return self.first_year + (self.first_month - 1 + k) // 12

    def month_of(self, k: np.ndarray | int) -> np.ndarray | int:
        return (self.first_month - 1 + k) % 12 + 1


def _weighted(rng: np.random.Generator, values: tuple, weights: tuple, size: int) -> np.ndarray:
    probabilities = np.asarray(weights, dtype=float)
    return np.asarray(values, dtype=object)[
        rng.choice(len(values), size=size, p=probabilities / probabilities.sum())
    ]


def _by_key(keys: np.ndarray, table: dict[str, float]) -> np.ndarray:
    result = np.zeros(len(keys))
    for key, value in table.items():
        result[keys == key] = value
    return result


def _decimal_text(values: np.ndarray) -> np.ndarray:
    """19.5 -> '19,5', 39.0 -> '39', 29.25 -> '29,25' (German export style)."""
    texts = {
        value: f"{value:.2f}".rstrip("0").rstrip(".").replace(".", ",")
        for value in np.unique(values)
    }
    return np.asarray([texts[value] for value in values], dtype=object)


def _date_text(years: np.ndarray, months: np.ndarray, days: np.ndarray) -> np.ndarray:
    return (
        pd.Series(days).astype(str).str.zfill(2)
        + "."
        + pd.Series(months).astype(str).str.zfill(2)
        + "."
        + pd.Series(years).astype(str)
    ).to_numpy(dtype=object)


def _holders(
    rng: np.random.Generator,
    window: Window,
    slot: np.ndarray,
    start: np.ndarray,
    carrier: np.ndarray,
    initial: bool,
    turnover: float,
) -> dict[str, np.ndarray]:
    """One generation of post holders, vectorised: canonical attributes and their spellings."""
    n = len(slot)
    months = window.months
    gender = _weighted(rng, GENDERS, GENDER_WEIGHTS, n)
    trainee = rng.random(n) < TRAINEE_SHARE["initial" if initial else "hire"]
    civil_servant = rng.random(n) < _by_key(carrier, CIVIL_SERVANT_SHARE)
    employment_type = np.where(trainee, "Ausbildung", np.where(civil_servant, "Beamte", "Tarif"))
    start_year = window.year_of(start)
    if initial:
        band = rng.choice(len(INITIAL_AGE_BANDS), size=n, p=[b[2] for b in INITIAL_AGE_BANDS])
        low = np.array([b[0] for b in INITIAL_AGE_BANDS])[band]
        high = np.array([b[1] for b in INITIAL_AGE_BANDS])[band]
        age = rng.integers(low, high + 1)
    else:
        age = np.minimum(19 + rng.gamma(2.0, 6.0, n), 58).astype(int)
    age = np.where(trainee, rng.integers(17, 25, n), age)
    birth_year = start_year - age

    # leaving: monthly hazard, retirement, end of training
    if turnover > 0:
        end = start + rng.geometric(turnover, n)
        retirement_age = _weighted(rng, RETIREMENT_AGES, RETIREMENT_AGE_WEIGHTS, n).astype(int)
        retirement = (birth_year + retirement_age - window.first_year) * 12 + rng.integers(0, 12, n)
        end = np.minimum(end, np.maximum(retirement, start + 1))
        end = np.where(trainee, np.minimum(end, start + rng.integers(24, 37, n)), end)
    else:
        end = np.full(n, months)

    leader = ~trainee & (rng.random(n) < _by_key(gender, LEADER_PROBABILITY))
    level = rng.choice(len(LEADERSHIP_LEVELS), size=n, p=LEVEL_WEIGHTS)
    leadership = np.where(leader, np.asarray(LEADERSHIP_LEVELS, dtype=object)[level], "keine")
    deputy = ~trainee & ~leader & (rng.random(n) < DEPUTY_PROBABILITY)

    pay_group = np.empty(n, dtype=object)
    for (carrier_code, kind), ladder in PAY_LADDERS.items():
        mask = (carrier == carrier_code) & (employment_type == kind)
        pay_group[mask] = _weighted(
            rng, tuple(g for g, _ in ladder), tuple(w for _, w in ladder), int(mask.sum())
        )
        for index, leader_pay in enumerate(LEADER_PAY[carrier_code, kind]):
            pay_group[mask & leader & (level == index)] = leader_pay
    civil_servant_track = rng.random(n) < 0.3
    pay_group[trainee] = np.where(civil_servant_track[trainee], "Anw.", "Azubi")
    sloppy = rng.random(n) < SLOPPY_PAY_GROUP_SHARE
    pay_group = np.asarray(
        [
            (group.lower() if group.startswith("TE ") else group.replace(" ", ""))
            if is_sloppy
            else group
            for group, is_sloppy in zip(pay_group, sloppy, strict=True)
        ],
        dtype=object,
    )

    full_time = np.where(
        employment_type == "Beamte", 41.0, np.where(trainee & civil_servant_track, 41.0, 39.0)
    )
    part_time_probability = np.where(
        leader, PART_TIME_OF_LEADERS, _by_key(gender, PART_TIME_PROBABILITY)
    )
    part_time = ~trainee & (rng.random(n) < part_time_probability)
    weekly = full_time.copy()
    for hours, options in PART_TIME_HOURS.items():
        mask = part_time & (full_time == hours) & ~leader
        weekly[mask] = _weighted(
            rng, tuple(h for h, _ in options), tuple(w for _, w in options), int(mask.sum())
        ).astype(float)
        mask = part_time & (full_time == hours) & leader
        weekly[mask] = rng.choice(LEADER_PART_TIME_HOURS[hours], size=int(mask.sum()))
    under_18 = part_time & ~leader & (rng.random(n) < UNDER_18_OF_PART_TIME)
    weekly[under_18] = rng.choice(UNDER_18_HOURS, size=int(under_18.sum()))

    # disability: at entry by age, or an onset later in the window
    disabled_at_start = rng.random(n) < np.select(
        [age < limit for limit, _ in DISABILITY_BY_AGE], [share for _, share in DISABILITY_BY_AGE]
    )
    onset = start + rng.geometric(DISABILITY_ONSET_HAZARD, n)
    disability_from = np.where(disabled_at_start, start, np.where(onset < end, onset, months + 1))
    disability = np.where(rng.random(n) < 0.8, "schwerbehindert", "gleichgestellt")
    credit_factor = _weighted(rng, CREDIT_FACTORS, CREDIT_FACTOR_WEIGHTS, n)
    under18_approved = under_18 & (rng.random(n) < 0.6)

    # at most one leave spell per holder
    young = age < 42
    parental_probability = np.where(young, np.where(gender == "w", 0.55, 0.2), 0.0)
    draw = rng.random(n)
    kind = np.select(
        [
            draw < parental_probability,
            draw < parental_probability + 0.12,
            draw < parental_probability + 0.22,
        ],
        ["Elternzeit", "Pflege", "sonstige"],
        "keine",
    )
    kind = np.where(trainee, "keine", kind)
    length = np.select(
        [(kind == "Elternzeit") & (gender == "w"), kind == "Elternzeit", kind == "Pflege"],
        [rng.integers(6, 37, n), rng.integers(1, 13, n), rng.integers(3, 13, n)],
        rng.integers(6, 25, n),
    )
    # the spell falls somewhere in a ten-year stretch of the career from `start` (for staff already
    # there when the window opens it may be running at its start), so the share on leave at a
    # date does not depend on the length of the window or of a holder's tenure in it
    if initial:
        leave_from = start - length + (rng.random(n) * (LEAVE_SPAN_MONTHS + length)).astype(int)
    else:
        leave_from = start + (rng.random(n) * LEAVE_SPAN_MONTHS).astype(int)
    leave_until = np.where(kind == "keine", -1, leave_from + length)
    leave_from = np.where(kind == "keine", months + 1, leave_from)
    leave_replaced = (length >= 6) & (rng.random(n) < 0.6)

    fixed_term_probability = np.where(employment_type == "Tarif", 0.08 if initial else 0.3, 0.0)
    fixed_months = rng.integers(1, 25, n) if initial else np.full(n, 24)
    fixed_until = np.where(rng.random(n) < fixed_term_probability, start + fixed_months, -1)
    fixed_until = np.where(trainee, end, fixed_until)

    if initial:
        entry_year = rng.integers(np.maximum(birth_year + 17, 1975), window.first_year + 1)
        entry_month = rng.integers(1, 13, n)
        entry_day = np.where(rng.random(n) < 0.7, 1, rng.integers(1, 29, n))
        entry_month = np.where(
            entry_year == window.first_year,
            np.minimum(entry_month, window.first_month),
            entry_month,
        )
    else:
        entry_year, entry_month, entry_day = start_year, window.month_of(start), np.ones(n, int)

    municipal = carrier == "Kommune"
    no = np.where(municipal, "", "nein")
    old_gender = np.asarray([OLD_GENDER_SPELLING[g] for g in gender], dtype=object)
    municipal_type = np.select(
        [
            employment_type == "Tarif",
            (employment_type == "Beamte") & (gender == "w"),
            (employment_type == "Beamte") & (gender == "m"),
            employment_type == "Beamte",
            civil_servant_track,
        ],
        ["Tarifbeschäftigte", "Beamtin", "Beamter", "Beamte", "Anwärter"],
        "Auszubildende",
    )
    leave_spelling = np.where(municipal & (kind == "Pflege"), "Pflegezeit", kind)
    return {
        "slot": slot,
        "start": start,
        "end": end,
        # canonical values, for the summary of the generated data
        "carrier": carrier,
        "gender": gender,
        "employment_type": employment_type,
        "leader": leader,
        "part_time": weekly < full_time,
        "leave_kind": kind,
        # spellings as the export systems write them
        "carrier_new": carrier,
        "carrier_old": np.where(municipal, "Stadt", "Agentur für Arbeit"),
        "gender_new": gender,
        "gender_old": np.where(municipal, old_gender, gender),
        "birth_year_text": birth_year.astype(str),
        "employment_type_text": np.where(municipal, municipal_type, employment_type),
        "pay_group": pay_group,
        "weekly_hours": _decimal_text(weekly),
        "full_time_hours": _decimal_text(full_time),
        "leadership": leadership,
        "deputy": np.where(deputy, "ja", no),
        "disability": disability,
        "disability_from": disability_from,
        "credit_factor": credit_factor,
        "under18_approved": np.where(under18_approved, "ja", ""),
        "leave": leave_spelling,
        "no_leave": np.where(municipal, "", "keine"),
        "leave_from": leave_from,
        "leave_until": leave_until,
        "leave_replaced": np.where(leave_replaced, "ja", no),
        "mobile_affinity": rng.random(n),
        "mobile": np.where(municipal, "mobiles Arbeiten", "mobil"),
        "no_mobile": np.where(municipal, "", "keine"),
        "fixed_until": fixed_until,
        "yes": np.full(n, "ja", dtype=object),
        "no": no,
        "entry_date": _date_text(entry_year, entry_month, entry_day),
    }


def generate_holders(
    persons: int, months: int, *, seed: int = 20251231, turnover: float = 0.005
) -> pd.DataFrame:
    """All post holders of the window, one row each, with their tenure [start, end)."""
    rng = np.random.default_rng(seed)
    window = Window(months)
    carrier = np.where(rng.random(persons) < BA_SHARE, "BA", "Kommune")
    units = max(9, persons // 120)
    org_unit = np.asarray([f"Bereich {u}" for u in range(1, units + 1)], dtype=object)[
        rng.integers(0, units, persons)
    ]
    generations = []
    slot = np.arange(persons)
    start = np.zeros(persons, dtype=np.int64)
    initial = True
    while slot.size:
        holders = _holders(rng, window, slot, start, carrier[slot], initial, turnover)
        holders["org_unit"] = org_unit[slot]
        generations.append(pd.DataFrame(holders))
        still_open = holders["end"] < months
        slot, start, initial = slot[still_open], holders["end"][still_open], False
    frame = pd.concat(generations, ignore_index=True)
    # pseudonyms: unique, stable across dates, not in the order of the posts
    numbers = rng.permutation(len(frame)) + 1_000_001
    frame["pseudonym"] = [f"P{number}" for number in numbers]
    return frame


def _months_frame(months: int) -> pd.DataFrame:
    window = Window(months)
    k = np.arange(months)
    years, calendar_months = window.year_of(k), window.month_of(k)
    days = pd.DatetimeIndex(
        pd.to_datetime({"year": years, "month": calendar_months, "day": 1})
    ).days_in_month.to_numpy()
    fractional_year = years + (calendar_months - 0.5) / 12
    points_x = [year + 1.0 for year, _ in MOBILE_SHARE_POINTS]
    points_y = [share for _, share in MOBILE_SHARE_POINTS]
    return pd.DataFrame(
        {
            "k": k,
            "date_text": _date_text(years, calendar_months, days),
            "new_system": years >= NEW_EXPORT_SYSTEM_YEAR,
            "mobile_share": np.interp(fractional_year, points_x, points_y),
        }
    )


def _export_sql(header: tuple[str, ...]) -> str:
    """Person-month rows with their export spellings, in file order (date, then post)."""
    on_leave = "m.k >= h.leave_from AND m.k < h.leave_until"
    disabled = "m.k >= h.disability_from"
    values = (
        "m.date_text",
        "h.pseudonym",
        "CASE WHEN m.new_system THEN h.carrier_new ELSE h.carrier_old END",
        "h.org_unit",
        "CASE WHEN m.new_system THEN h.gender_new ELSE h.gender_old END",
        "h.birth_year_text",
        "h.employment_type_text",
        "h.pay_group",
        "h.weekly_hours",
        "h.full_time_hours",
        "h.leadership",
        "h.deputy",
        f"CASE WHEN {disabled} THEN h.disability ELSE 'nein' END",
        f"CASE WHEN {disabled} THEN h.credit_factor ELSE '' END",
        f"CASE WHEN {disabled} THEN h.under18_approved ELSE '' END",
        f"CASE WHEN {on_leave} THEN h.leave ELSE h.no_leave END",
        f"CASE WHEN {on_leave} THEN h.leave_replaced ELSE '' END",
        "CASE WHEN h.mobile_affinity < m.mobile_share "
        f"THEN (CASE WHEN h.mobile_affinity < {TELEWORK_SHARE} THEN 'Telearbeit' ELSE h.mobile END)"
        " ELSE h.no_mobile END",
        "CASE WHEN m.k < h.fixed_until THEN h.yes ELSE h.no END",
        "h.entry_date",
    )
    assert len(values) == len(header)
    # an empty cell is written as nothing (NULL), not as the quoted empty string ""
    columns = ",\n    ".join(
        f"nullif({value}, '') AS \"{name}\"" for value, name in zip(values, header, strict=True)
    )
    return f"""
SELECT {columns}
FROM (SELECT *, unnest(range(start, least("end", {{months}}))) AS k FROM holders) h
JOIN months m USING (k)
ORDER BY m.k, h.slot"""


def transcode_to_cp1252(source: Path, target: Path, *, crlf: bool = True) -> int:
    """UTF-8 -> Windows-1252 (and LF -> CRLF) in chunks; returns the bytes written."""
    decoder = codecs.getincrementaldecoder("utf-8")("strict")
    written = 0
    with source.open("rb") as reader, target.open("wb") as writer:
        while chunk := reader.read(CHUNK_BYTES):
            text = decoder.decode(chunk)
            if crlf:
                text = text.replace("\n", "\r\n")
            written += writer.write(text.encode(ENCODING))
        written += writer.write(decoder.decode(b"", final=True).encode(ENCODING))
    return written


def write_personnel_export(
    out: Path,
    persons: int,
    months: int,
    *,
    seed: int = 20251231,
    turnover: float = 0.005,
    crlf: bool = True,
    memory_limit: str = "3GB",
) -> dict[str, float]:
    """Writes the export; returns a summary of the last snapshot (shares in %) and row counts."""
    out.parent.mkdir(parents=True, exist_ok=True)
    holders = generate_holders(persons, months, seed=seed, turnover=turnover)
    months_frame = _months_frame(months)
    con = duckdb.connect(":memory:")
    try:
        con.execute(f"SET memory_limit = '{memory_limit}'")
        con.execute("SET preserve_insertion_order = true")
        con.execute("SET temp_directory = ?", [str(out.parent / ".duckdb_tmp")])
        con.register("holders", holders)
        con.register("months", months_frame)
        utf8_path = out.with_name(out.name + ".utf8.tmp")
        sql = _export_sql(PERSONNEL_HEADER).format(months=months)
        con.execute(
            f"COPY ({sql}) TO '{utf8_path}' (FORMAT csv, HEADER true, DELIMITER ';', QUOTE '\"')"
        )
        summary = _summary(con, months)
    finally:
        con.close()
    try:
        transcode_to_cp1252(utf8_path, out, crlf=crlf)
    finally:
        utf8_path.unlink(missing_ok=True)
    summary["holders"] = float(len(holders))
    summary["rows"] = float(persons * months)
    return summary


def _summary(con: duckdb.DuckDBPyConnection, months: int) -> dict[str, float]:
    """Distribution of the last snapshot, in canonical terms (a sanity check of the model)."""
    last = months - 1
    row = con.execute(
        f"""
        WITH h AS (SELECT * FROM holders WHERE start <= {last} AND "end" > {last}),
        s AS (SELECT *, employment_type <> 'Ausbildung' AS staff,
                     {last} >= leave_from AND {last} < leave_until AS on_leave,
                     disability_from <= {last} AS disabled FROM h)
        SELECT count(*),
               100 * avg((carrier = 'BA')::INT),
               100 * count(*) FILTER (staff AND gender = 'w')
                   / count(*) FILTER (staff AND gender IN ('w', 'm')),
               100 * count(*) FILTER (staff AND leader AND gender = 'w')
                   / count(*) FILTER (staff AND leader AND gender IN ('w', 'm')),
               100 * avg(leader::INT) FILTER (staff),
               100 * avg(part_time::INT) FILTER (staff AND NOT on_leave),
               100 * avg(disabled::INT),
               100 * avg(on_leave::INT) FILTER (staff),
               100 * avg((mobile_affinity < (SELECT mobile_share FROM months WHERE k = {last}))
                         ::INT) FILTER (staff AND NOT on_leave),
               100 * avg((employment_type = 'Ausbildung')::INT)
        FROM s"""
    ).fetchall()[0]
    names = (
        "headcount_last",
        "ba_share",
        "women_share",
        "women_leadership_share",
        "leader_share",
        "part_time_share",
        "disabled_share",
        "on_leave_share",
        "mobile_share",
        "trainee_share",
    )
    return {name: float(value) for name, value in zip(names, row, strict=True)}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--persons", type=int, default=10_000, help="staff per snapshot")
    parser.add_argument("--months", type=int, default=120, help="monthly snapshots to 12/2025")
    parser.add_argument("--out", type=Path, default=Path("bench/out/p_10k.csv"))
    parser.add_argument("--seed", type=int, default=20251231)
    parser.add_argument(
        "--turnover", type=float, default=0.005, help="monthly exit hazard; 0 = same persons"
    )
    parser.add_argument("--lf", action="store_true", help="LF line ends instead of CRLF")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    summary = write_personnel_export(
        args.out,
        args.persons,
        args.months,
        seed=args.seed,
        turnover=args.turnover,
        crlf=not args.lf,
    )
    elapsed = time.perf_counter() - started
    size = args.out.stat().st_size
    print(
        f"{args.out}: {int(summary.pop('rows')):,} rows, {int(summary.pop('holders')):,} persons "
        f"over the window, {size / 1e6:,.1f} MB, {elapsed:.1f} s"
    )
    print("last snapshot: " + ", ".join(f"{k} {v:.1f}" for k, v in summary.items()))


if __name__ == "__main__":
    main()
