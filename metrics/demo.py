"""Synthetic demo exports (CONTRACT § 5): raw German HR files, as a real Jobcenter would send them.

The personnel file comes from a seeded month-by-month simulation of one workforce: people are hired,
retire, leave, take parental leave, change hours, become severely disabled and get promoted into
leadership posts that fall vacant. The simulation starts in 2013 so that leave spells, fixed-term
contracts and trainee cohorts are in a steady state when the exports begin in 2016.

The files are written the way HR systems write them, so that the demo exercises the importer:
Windows-1252, ``;``, decimal comma, ``TT.MM.JJJJ``, German headers, carrier and gender aliases
(the export system changed in 2020), ``E9b`` / ``te iv`` typed by hand, and ``ja``/``nein`` next
to empty cells. Every random draw comes from a ``random.Random`` seeded from ``seed``, one stream
per file, so the same seed always gives byte-identical files.
"""

from __future__ import annotations

import calendar
import csv
import functools
import itertools
import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from metrics.access import SYSTEM_USER

FIRST_YEAR = 2016
LAST_YEAR = 2025
SIMULATION_START_YEAR = 2013
SURVEY_WAVES = (2019, 2022, 2025)
# the survey invitations go out in June to everybody on the payroll of the May snapshot
SURVEY_SNAPSHOT_MONTH = 5
# the HR export system changed in 2020: older files spell carriers and genders differently
NEW_EXPORT_SYSTEM_YEAR = 2020

ENCODING = "cp1252"
PERSONNEL_FILE = "personalbestand_2016-2025.csv"
APPLICATIONS_FILE = "bewerbungen_2016-2025.csv"
SURVEY_FILE = "vielfaltsbefragung_2019-2025.csv"
INVITED_FILE = "befragung_eingeladene.csv"

PERSONNEL_HEADERS = (
    "Stichtag",
    "Pseudonym",
    "Träger",
    "Organisationseinheit",
    "Geschlecht",
    "Geburtsjahr",
    "Beschäftigungsart",
    "Entgeltgruppe",
    "Wochenstunden",
    "Regelarbeitszeit",
    "Führungsebene",
    "Stellvertretung",
    "Schwerbehinderung",
    "Mehrfachanrechnung",
    "Anrechnung unter 18 Std",
    "Beurlaubung",
    "Vertretung",
    "Mobiles Arbeiten",
    "Befristet",
    "Eintrittsdatum",
)
APPLICATION_HEADERS = (
    "Eingangsdatum",
    "Bewerber-Pseudonym",
    "Ausschreibung",
    "Träger",
    "Geschlecht",
    "Schwerbehinderung",
    "Führungsposition",
    "Verfahrensstand",
)
SURVEY_HEADERS = (
    "Befragungsjahr",
    "Deutsch seit Geburt",
    "Selbst zugewandert",
    "Eltern nicht deutsch seit Geburt",
    "Eltern zugewandert",
    "Führungskraft",
    "Geschlecht",
)
INVITED_HEADERS = ("Befragungsjahr", "Eingeladene")

# ---------------------------------------------------------------------------------------------
# Calendar: a month is an index year * 12 + (month - 1), so that durations are plain subtraction.


def _month_index(year: int, month: int) -> int:
    return year * 12 + month - 1


def _year_of(month: int) -> int:
    return month // 12


def _calendar_month(month: int) -> int:
    return month % 12 + 1


def _first_day(month: int) -> date:
    return date(_year_of(month), _calendar_month(month), 1)


def _last_day(month: int) -> date:
    year, month_of_year = _year_of(month), _calendar_month(month)
    return date(year, month_of_year, calendar.monthrange(year, month_of_year)[1])


def _interpolate(points: Sequence[tuple[int, int, float]], month: int) -> float:
    """Piecewise linear curve through (year, month, value) points, flat outside them."""
    indexed = [(_month_index(year, month_of_year), value) for year, month_of_year, value in points]
    if month <= indexed[0][0]:
        return indexed[0][1]
    for (start, low), (end, high) in itertools.pairwise(indexed):
        if month <= end:
            return low + (high - low) * (month - start) / (end - start)
    return indexed[-1][1]


# ---------------------------------------------------------------------------------------------
# Calibration (CONTRACT § 5). Curves are (year, month, value) points.

# posts to be filled (staff on leave whose post is filled by a replacement do not hold one):
# extra posts for the refugee caseload from 2016 and for Ukrainian refugees from mid-2022
POSTS_TARGET = (
    (2013, 1, 990),
    (2015, 12, 1000),
    (2016, 12, 1030),
    (2017, 12, 1045),
    (2021, 12, 1040),
    (2022, 6, 1045),
    (2022, 12, 1060),
    (2024, 12, 1045),
    (2025, 12, 1030),
)
BA_SHARE = 0.60
WOMEN_SHARE_OF_STAFF = 0.685
# the equality plan steers appointments: women's share of leaders from 40 % to 50 %
WOMEN_LEADER_TARGET = ((2015, 12, 0.39), (2025, 12, 0.51))
PART_TIME_LEADER_TARGET = ((2015, 12, 0.05), (2025, 12, 0.16))
# share of staff with any mobile work agreement; the jump is the first Covid lockdown
MOBILE_WORK_SHARE = (
    (2013, 1, 0.07),
    (2016, 1, 0.10),
    (2019, 12, 0.20),
    (2020, 3, 0.22),
    (2020, 6, 0.50),
    (2021, 6, 0.60),
    (2025, 12, 0.65),
)
TELEWORK_SHARE = ((2013, 1, 0.04), (2019, 12, 0.06), (2021, 12, 0.04), (2025, 12, 0.03))

RETIREMENT_AGES = (63, 64, 65, 66)
RETIREMENT_AGE_WEIGHTS = (0.15, 0.10, 0.25, 0.50)

# monthly hazards
EXIT_HAZARD = {"Tarif": 0.0028, "Beamte": 0.0010, "Ausbildung": 0.0020}
FIXED_TERM_CONVERSION = 0.65
TRAINEE_TAKE_OVER = 0.80
STEP_DOWN_HAZARD = 0.0008
PROMOTION_HAZARD = 0.0020
# long-run part-time share of ordinary staff (leaders and trainees aside) and the hazards that
# keep it there: to_part_time / (to_part_time + to_full_time) = share
PART_TIME_SHARE = {"w": 0.41, "m": 0.17}
TO_PART_TIME_HAZARD = {"w": 0.0045, "m": 0.0018}
TO_FULL_TIME_HAZARD = {"w": 0.0065, "m": 0.0088}
HOURS_CHANGE_HAZARD = 0.0030
PARENTAL_LEAVE_HAZARD_WOMEN = 0.0055
# fathers take parental leave more often and for longer as the years go by
PARENTAL_LEAVE_HAZARD_MEN = ((2015, 12, 0.0040), (2025, 12, 0.0100))
LONG_PARENTAL_LEAVE_SHARE_MEN = ((2015, 12, 0.10), (2025, 12, 0.45))
CARE_LEAVE_HAZARD = 0.0003
OTHER_LEAVE_HAZARD = 0.00012
DISABILITY_ONSET_HAZARD = ((45, 0.0002), (55, 0.0005), (200, 0.0010))  # (age below, hazard)
DISABILITY_AT_START = ((30, 0.02), (45, 0.05), (55, 0.09), (200, 0.14))
DISABILITY_OF_HIRES = 0.035
DISABILITY_OF_TRAINEES = 0.06
EQUAL_STATUS_SHARE = 0.25  # gleichgestellt among those with disability status
# § 159(1) SGB IX multiple crediting is rare; the export leaves the column empty otherwise
CREDIT_FACTOR_WEIGHTS = ((1, 0.925), (2, 0.06), (3, 0.015))
UNDER_18_APPROVAL = 0.7
PLANTED_UNDER_18_APPROVALS = 3
# (carrier, track, first month, cohort size range): BA trainees start on 1 August, the city's
# trainees and civil-servant candidates on 1 September; training takes three years
TRAINEE_INTAKE = (
    ("BA", "Azubi", 8, (6, 9)),
    ("Kommune", "Azubi", 9, (2, 3)),
    ("Kommune", "Anwärter", 9, (2, 4)),
)
TRAINING_MONTHS = 36

# ---------------------------------------------------------------------------------------------
# Organisation

DEPARTMENTS = tuple(f"Bereich {number}" for number in range(1, 10))
MANAGEMENT_UNIT = "Geschäftsführung"
TEAMS_PER_DEPARTMENT = (8, 7, 7, 8, 7, 7, 8, 7, 7)  # 66 team leader posts
TEAM_DEPUTY_SHARE = 0.45
MANAGEMENT_UNIT_SHARE = 0.015  # staff unit of the management (controlling, BCA, ...)

TEAM_LEAD, DEPARTMENT_HEAD, MANAGING_DIRECTOR = "Teamleitung", "Bereichsleitung", "Geschäftsführung"

# pay ladders, lowest first, with the weights of the initial staff and of hires
PAY_LADDERS: dict[tuple[str, str], tuple[tuple[str, float, float], ...]] = {
    ("BA", "Tarif"): (
        ("TE VI", 0.10, 0.20),
        ("TE V", 0.35, 0.45),
        ("TE IV", 0.45, 0.32),
        ("TE III", 0.10, 0.03),
    ),
    ("Kommune", "Tarif"): (
        ("E 6", 0.05, 0.08),
        ("E 8", 0.15, 0.20),
        ("E 9a", 0.10, 0.15),
        ("E 9b", 0.30, 0.30),
        ("E 9c", 0.25, 0.20),
        ("E 10", 0.08, 0.05),
        ("E 11", 0.07, 0.02),
    ),
    ("BA", "Beamte"): (
        ("A 9", 0.25, 0.40),
        ("A 10", 0.30, 0.30),
        ("A 11", 0.30, 0.25),
        ("A 12", 0.10, 0.05),
        ("A 13", 0.05, 0.00),
    ),
}
PAY_LADDERS["Kommune", "Beamte"] = (("A 8", 0.05, 0.10), *PAY_LADDERS["BA", "Beamte"])
LEADER_PAY = {
    ("BA", "Tarif"): {TEAM_LEAD: "TE III", DEPARTMENT_HEAD: "TE II", MANAGING_DIRECTOR: "TE I"},
    ("Kommune", "Tarif"): {TEAM_LEAD: "E 11", DEPARTMENT_HEAD: "E 13", MANAGING_DIRECTOR: "E 15"},
    ("BA", "Beamte"): {TEAM_LEAD: "A 12", DEPARTMENT_HEAD: "A 13", MANAGING_DIRECTOR: "A 15"},
    ("Kommune", "Beamte"): {TEAM_LEAD: "A 12", DEPARTMENT_HEAD: "A 13", MANAGING_DIRECTOR: "A 15"},
}

# TV-BA and TVöD: 39 hours; federal and state civil servants: 41 hours
FULL_TIME_HOURS = {"Tarif": 39.0, "Beamte": 41.0}
PART_TIME_HOURS = {
    39.0: ((19.5, 0.30), (20.0, 0.10), (25.0, 0.15), (29.25, 0.15), (30.0, 0.18), (34.5, 0.12)),
    41.0: ((20.5, 0.35), (25.0, 0.15), (30.75, 0.25), (32.0, 0.10), (35.0, 0.15)),
}
LEADER_PART_TIME_HOURS = {39.0: (30.0, 32.0, 34.5, 35.0), 41.0: (30.75, 32.0, 35.0)}
UNDER_18_HOURS = (15.0, 15.0, 12.0)
# people with a disability status reduce their hours below 18 more often (health reasons)
UNDER_18_SHARE = {"nein": 0.015, "disabled": 0.10}


@dataclass(slots=True)
class Slot:
    """A leadership post; vacancies take a few months to fill."""

    level: str
    org_unit: str
    has_deputy: bool
    holder: Person | None = None
    deputy: Person | None = None
    refill_month: int = 0


@dataclass(slots=True)
class Person:
    pseudonym: str
    carrier: str
    gender: str
    birth_year: int
    birth_month: int
    retirement_age: int
    employment_type: str
    pay_group: str
    full_time_hours: float
    weekly_hours: float
    org_unit: str
    entry_date: date | None
    mobile_affinity: float
    # whether the BA would approve § 158(2) crediting should the hours drop below 18
    approval_if_under_18: bool
    # pay group typed by hand in the source system: 'E9b', 'te iv'
    sloppy_pay_group: bool
    # only retirement ends the employment (the few people the demo must show in every year)
    stays: bool = False
    trainee_track: str | None = None  # "Azubi" or "Anwärter"
    training_end: int | None = None
    fixed_term_end: int | None = None
    leadership: str = "keine"
    slot: Slot | None = None
    deputy_of: Slot | None = None
    disability: str = "nein"
    credit_factor: int = 1
    leave: str = "keine"
    leave_end: int = 0
    leave_replaced: bool = False

    def age(self, month: int) -> int:
        """Age as the reporting year minus the birth year, as KPIs by age band compute it."""
        return _year_of(month) - self.birth_year

    @property
    def active(self) -> bool:
        return self.leave == "keine"

    @property
    def part_time(self) -> bool:
        return self.weekly_hours < self.full_time_hours

    @property
    def under_18_approved(self) -> bool:
        return self.disability != "nein" and self.weekly_hours < 18 and self.approval_if_under_18


# ---------------------------------------------------------------------------------------------
# Personnel simulation


class Workforce:
    """The Jobcenter's staff, advanced one month at a time."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.month = _month_index(SIMULATION_START_YEAR, 1)
        self.persons: dict[str, Person] = {}
        self.slots = self._leadership_slots()
        # pseudonyms look like JC-004711: unique random numbers, never reused
        self._pseudonym_numbers = iter(rng.sample(range(1, 1_000_000), 4_000))
        # a few people outside w/m: hires without a gender entry (possible since November 2013)
        # or 'divers' (since 2019), and one person who changes the entry to 'divers' in 2019
        self._pending_hire_genders = [
            (_month_index(2014, 6), "x"),
            (_month_index(2020, 4), "x"),
            (_month_index(2023, 9), "d"),
        ]
        self._gender_change: tuple[int, str] | None = None
        self._populate()

    # -- public --------------------------------------------------------------------------------

    def advance(self) -> None:
        """Moves to the next month and applies everything that happens in it."""
        self.month += 1
        self._exits()
        self._finish_trainings()
        self._end_fixed_terms()
        self._leave_changes()
        self._hours_changes()
        self._disability_onsets()
        self._pay_progressions()
        self._planned_gender_change()
        self._step_downs()
        self._fill_leadership_posts()
        self._appoint_deputies()
        self._adjust_part_time_leaders()
        self._start_trainings()
        self._hire_to_target()

    def snapshot(self) -> list[Person]:
        return sorted(self.persons.values(), key=lambda person: person.pseudonym)

    # -- set-up --------------------------------------------------------------------------------

    def _leadership_slots(self) -> list[Slot]:
        slots = [Slot(MANAGING_DIRECTOR, MANAGEMENT_UNIT, has_deputy=False) for _ in range(2)]
        slots += [Slot(DEPARTMENT_HEAD, unit, has_deputy=True) for unit in DEPARTMENTS]
        for unit, teams in zip(DEPARTMENTS, TEAMS_PER_DEPARTMENT, strict=True):
            slots += [
                Slot(TEAM_LEAD, unit, has_deputy=self.rng.random() < TEAM_DEPUTY_SHARE)
                for _ in range(teams)
            ]
        return slots

    def _populate(self) -> None:
        rng = self.rng
        for _ in range(round(_interpolate(POSTS_TARGET, self.month))):
            carrier = "BA" if rng.random() < BA_SHARE else "Kommune"
            gender = "w" if rng.random() < WOMEN_SHARE_OF_STAFF else "m"
            age = self._initial_age()
            person = self._new_person(carrier, gender, age, hired=False)
            first_year = max(self.year - age + 19, 1978)
            entry_year = rng.randint(min(first_year, self.year - 1), self.year - 1)
            person.entry_date = date(entry_year, rng.randint(1, 12), 1)
        self._initial_disabilities()
        # the three cohorts in training when the simulation starts
        for start_year in range(self.year - 3, self.year):
            for carrier, track, start_month, (low, high) in TRAINEE_INTAKE:
                start = _month_index(start_year, start_month)
                self._trainee_cohort(carrier, track, start, rng.randint(low, high))
        # the one who will have the entry changed to 'd' when the law allows it (2019)
        young_civil_servants = [
            person
            for person in self.snapshot()
            if person.gender == "m"
            and person.employment_type == "Beamte"
            and 24 <= person.age(self.month) <= 34
        ]
        changing = rng.choice(young_civil_servants)
        changing.stays = True
        self._gender_change = (_month_index(2019, 3), changing.pseudonym)
        self._plant_under_18_approvals()
        self._initial_leaders()

    def _plant_under_18_approvals(self) -> None:
        """A few severely disabled people whose short hours the BA credits (§ 158(2) SGB IX)."""
        disabled = [
            person
            for person in self.snapshot()
            if person.disability != "nein"
            and person.employment_type != "Ausbildung"
            and 30 <= person.age(self.month) <= 48
        ]
        for person in self.rng.sample(disabled, min(PLANTED_UNDER_18_APPROVALS, len(disabled))):
            person.weekly_hours = self.rng.choice(UNDER_18_HOURS)
            person.approval_if_under_18 = True
            person.stays = True

    def _initial_disabilities(self) -> None:
        """The expected number exactly, older people more likely: the share starts on target."""
        people = list(self.persons.values())
        weights = [self._disability_at_start(person.age(self.month)) for person in people]
        # weighted sampling without replacement (Efraimidis-Spirakis keys)
        keys = [self.rng.random() ** (1 / weight) for weight in weights]
        ranked = sorted(zip(keys, range(len(people)), strict=True), reverse=True)
        for _, index in ranked[: round(sum(weights))]:
            self._make_disabled(people[index])

    def _initial_age(self) -> int:
        # public employers' staff is old: a third is over 50, many retire in the next decade
        bands = ((20, 29, 0.11), (30, 39, 0.22), (40, 49, 0.25), (50, 59, 0.32), (60, 64, 0.10))
        low, high, _ = self.rng.choices(bands, weights=[band[2] for band in bands])[0]
        return self.rng.randint(low, high)

    @staticmethod
    def _disability_at_start(age: int) -> float:
        return next(share for below, share in DISABILITY_AT_START if age < below)

    def _initial_leaders(self) -> None:
        """Every post filled, with the starting share of women at each level exactly."""
        rng = self.rng
        women_share = _interpolate(WOMEN_LEADER_TARGET, self.month)
        part_time_target = _interpolate(PART_TIME_LEADER_TARGET, self.month)
        for level in (MANAGING_DIRECTOR, DEPARTMENT_HEAD, TEAM_LEAD):
            slots = [slot for slot in self.slots if slot.level == level]
            women = round(women_share * len(slots))
            genders = ["w"] * women + ["m"] * (len(slots) - women)
            rng.shuffle(genders)
            for slot, gender in zip(slots, genders, strict=True):
                candidates = [
                    person
                    for person in self.persons.values()
                    if person.leadership == "keine"
                    and person.employment_type != "Ausbildung"
                    and person.gender == gender
                    and person.weekly_hours >= 18
                    and person.age(self.month) >= 35
                ]
                # leaders appointed long ago: weight towards the older staff
                weights = [person.age(self.month) - 30 for person in candidates]
                self._appoint(rng.choices(candidates, weights=weights)[0], slot, part_time_target)

    # -- people --------------------------------------------------------------------------------

    @property
    def year(self) -> int:
        return _year_of(self.month)

    def _new_pseudonym(self) -> str:
        return f"JC-{next(self._pseudonym_numbers):06d}"

    def _new_person(
        self,
        carrier: str,
        gender: str,
        age: int,
        *,
        hired: bool,
        employment_type: str | None = None,
    ) -> Person:
        rng = self.rng
        if employment_type is None:
            civil_servant_share = 0.05 if carrier == "BA" else 0.35
            if hired:
                civil_servant_share = 0.03 if carrier == "BA" else 0.25
            employment_type = "Beamte" if rng.random() < civil_servant_share else "Tarif"
        retirement_age = rng.choices(RETIREMENT_AGES, weights=RETIREMENT_AGE_WEIGHTS)[0]
        if age >= retirement_age:
            retirement_age = RETIREMENT_AGES[-1]
        full_time = FULL_TIME_HOURS.get(employment_type, 39.0)
        person = Person(
            pseudonym=self._new_pseudonym(),
            carrier=carrier,
            gender=gender,
            birth_year=self.year - age,
            birth_month=rng.randint(1, 12),
            retirement_age=retirement_age,
            employment_type=employment_type,
            pay_group="",
            full_time_hours=full_time,
            weekly_hours=full_time,
            org_unit=self._random_org_unit(),
            entry_date=_first_day(self.month),
            mobile_affinity=rng.random(),
            approval_if_under_18=rng.random() < UNDER_18_APPROVAL,
            sloppy_pay_group=rng.random() < 0.06,
        )
        if employment_type != "Ausbildung":
            person.pay_group = self._entry_pay_group(carrier, employment_type, hired=hired)
            part_time_share = {"w": 0.32, "m": 0.12} if hired else {"w": 0.42, "m": 0.15}
            if rng.random() < part_time_share.get(gender, 0.2):
                person.weekly_hours = self._part_time_hours(person)
        self.persons[person.pseudonym] = person
        return person

    def _random_org_unit(self) -> str:
        if self.rng.random() < MANAGEMENT_UNIT_SHARE:
            return MANAGEMENT_UNIT
        return self.rng.choices(DEPARTMENTS, weights=TEAMS_PER_DEPARTMENT)[0]

    def _entry_pay_group(self, carrier: str, employment_type: str, *, hired: bool) -> str:
        ladder = PAY_LADDERS[carrier, employment_type]
        weights = [
            hire_weight if hired else staff_weight for _, staff_weight, hire_weight in ladder
        ]
        return self.rng.choices([group for group, _, _ in ladder], weights=weights)[0]

    def _part_time_hours(self, person: Person) -> float:
        rng = self.rng
        under_18 = UNDER_18_SHARE["nein" if person.disability == "nein" else "disabled"]
        if rng.random() < under_18:
            return rng.choice(UNDER_18_HOURS)
        options = PART_TIME_HOURS[person.full_time_hours]
        return rng.choices([hours for hours, _ in options], weights=[w for _, w in options])[0]

    def _make_disabled(self, person: Person) -> None:
        rng = self.rng
        person.disability = (
            "gleichgestellt" if rng.random() < EQUAL_STATUS_SHARE else "schwerbehindert"
        )
        factors = [factor for factor, _ in CREDIT_FACTOR_WEIGHTS]
        weights = [weight for _, weight in CREDIT_FACTOR_WEIGHTS]
        person.credit_factor = rng.choices(factors, weights=weights)[0]
        # severely disabled people may retire earlier without deductions
        person.retirement_age = min(person.retirement_age, rng.choice((63, 64, 65)))

    def _remove(self, person: Person) -> None:
        del self.persons[person.pseudonym]
        self._vacate(person)
        self._clear_deputy(person)

    def _vacate(self, person: Person) -> None:
        if person.slot is None:
            return
        person.slot.holder = None
        person.slot.refill_month = self.month + self.rng.randint(1, 3)
        person.slot = None
        person.leadership = "keine"

    @staticmethod
    def _clear_deputy(person: Person) -> None:
        if person.deputy_of is not None:
            person.deputy_of.deputy = None
            person.deputy_of = None

    # -- monthly events ------------------------------------------------------------------------

    def _exits(self) -> None:
        for person in list(self.persons.values()):
            retirement = _month_index(person.birth_year + person.retirement_age, person.birth_month)
            hazard = EXIT_HAZARD[person.employment_type]
            if person.stays:
                hazard = 0.0
            elif person.age(self.month) < 35:
                hazard *= 1.5  # young staff move on more often
            if person.leadership != "keine" or not person.active:
                hazard *= 0.6
            if self.month >= retirement or self.rng.random() < hazard:
                self._remove(person)

    def _finish_trainings(self) -> None:
        rng = self.rng
        for person in list(self.persons.values()):
            if person.training_end is None or self.month < person.training_end:
                continue
            if rng.random() >= TRAINEE_TAKE_OVER:
                self._remove(person)
                continue
            person.training_end = None
            if person.trainee_track == "Anwärter":
                person.employment_type, person.pay_group = "Beamte", "A 9"
            else:
                person.employment_type = "Tarif"
                person.pay_group = "TE V" if person.carrier == "BA" else rng.choice(("E 8", "E 9a"))
                if rng.random() < 0.4:
                    person.fixed_term_end = self.month + 12
            person.trainee_track = None

    def _end_fixed_terms(self) -> None:
        for person in list(self.persons.values()):
            if person.fixed_term_end is None or self.month < person.fixed_term_end:
                continue
            if self.rng.random() < FIXED_TERM_CONVERSION:
                person.fixed_term_end = None
            else:
                self._remove(person)

    def _leave_changes(self) -> None:
        for person in self.persons.values():
            if not person.active:
                if self.month >= person.leave_end:
                    self._return_from_leave(person)
            elif person.employment_type != "Ausbildung":
                self._maybe_start_leave(person)

    def _maybe_start_leave(self, person: Person) -> None:
        rng = self.rng
        age = person.age(self.month)
        parental = 0.0
        if 24 <= age <= 44:
            parental = (
                PARENTAL_LEAVE_HAZARD_WOMEN
                if person.gender == "w"
                else _interpolate(PARENTAL_LEAVE_HAZARD_MEN, self.month)
            )
            if person.leadership != "keine":
                parental *= 0.5
        care = CARE_LEAVE_HAZARD if age >= 40 else 0.0
        draw = rng.random()
        if draw < parental:
            kind, months = "Elternzeit", self._parental_leave_months(person)
        elif draw < parental + care:
            kind, months = "Pflege", rng.choice((3, 6, 6, 12, 24))
        elif draw < parental + care + OTHER_LEAVE_HAZARD:
            kind, months = "sonstige", rng.choice((6, 12, 24, 36))
        else:
            return
        person.leave = kind
        person.leave_end = self.month + months
        # long leave is bridged by a fixed-term replacement
        person.leave_replaced = rng.random() < (0.6 if months >= 6 else 0.05)

    def _parental_leave_months(self, person: Person) -> int:
        rng = self.rng
        if person.gender == "w":
            return rng.choice((6, 9, 12, 12, 12, 14, 18, 24, 36))
        if rng.random() < _interpolate(LONG_PARENTAL_LEAVE_SHARE_MEN, self.month):
            return rng.choice((4, 6, 12))
        return rng.choice((1, 2, 2, 2, 3))

    def _return_from_leave(self, person: Person) -> None:
        returns_part_time = {"w": 0.5, "m": 0.15}.get(person.gender, 0.3)
        if (
            person.leave == "Elternzeit"
            and person.leadership == "keine"
            and not person.part_time
            and self.rng.random() < returns_part_time
        ):
            person.weekly_hours = self._part_time_hours(person)
        person.leave, person.leave_end, person.leave_replaced = "keine", 0, False

    def _hours_changes(self) -> None:
        """Part-time spells of ordinary staff; leaders' hours are steered separately."""
        rng = self.rng
        # hours credited under § 158(2) SGB IX were cut for health reasons and stay cut
        changing = [
            person
            for person in self.persons.values()
            if person.active
            and person.leadership == "keine"
            and person.employment_type != "Ausbildung"
            and not person.under_18_approved
        ]
        pull = self._part_time_pull(changing)
        for person in changing:
            gender = "w" if person.gender == "w" else "m"
            to_part_time = TO_PART_TIME_HAZARD[gender] * pull[gender]
            to_full_time = TO_FULL_TIME_HAZARD[gender] / pull[gender]
            draw = rng.random()
            if not person.part_time:
                if draw < to_part_time:
                    person.weekly_hours = self._part_time_hours(person)
            elif draw < to_full_time:
                person.weekly_hours = person.full_time_hours
            elif draw < to_full_time + HOURS_CHANGE_HAZARD:
                person.weekly_hours = self._part_time_hours(person)

    @staticmethod
    def _part_time_pull(people: list[Person]) -> dict[str, float]:
        """Above 1 while a gender's part-time share is below its long-run level, below 1 above.

        Part-time rates are stable over the years; this keeps chance runs (and the extra
        part-time returns after parental leave) from drifting them away.
        """
        pull = {}
        for gender, target in PART_TIME_SHARE.items():
            group = [person for person in people if (person.gender == "w") == (gender == "w")]
            share = sum(person.part_time for person in group) / max(len(group), 1)
            pull[gender] = min(3.0, max(1 / 3, target / max(share, 0.01)))
        return pull

    def _disability_onsets(self) -> None:
        for person in self.persons.values():
            if person.disability != "nein":
                continue
            age = person.age(self.month)
            hazard = next(rate for below, rate in DISABILITY_ONSET_HAZARD if age < below)
            if self.rng.random() < hazard:
                self._make_disabled(person)

    def _pay_progressions(self) -> None:
        for person in self.persons.values():
            if person.leadership != "keine" or person.employment_type == "Ausbildung":
                continue
            ladder = [group for group, _, _ in PAY_LADDERS[person.carrier, person.employment_type]]
            if person.pay_group in ladder[:-1] and self.rng.random() < PROMOTION_HAZARD:
                person.pay_group = ladder[ladder.index(person.pay_group) + 1]

    def _planned_gender_change(self) -> None:
        if self._gender_change is None or self.month < self._gender_change[0]:
            return
        person = self.persons.get(self._gender_change[1])
        if person is not None:
            person.gender = "d"
        self._gender_change = None

    def _step_downs(self) -> None:
        for person in list(self.persons.values()):
            if person.slot is not None and self.rng.random() < STEP_DOWN_HAZARD:
                self._clear_deputy(person)
                self._vacate(person)

    # -- leadership ----------------------------------------------------------------------------

    def _leaders(self) -> list[Person]:
        return [slot.holder for slot in self.slots if slot.holder is not None]

    def _women_share_of_leaders(self) -> float:
        genders = [leader.gender for leader in self._leaders() if leader.gender in ("w", "m")]
        return genders.count("w") / len(genders) if genders else 0.5

    def _fill_leadership_posts(self) -> None:
        """Vacant posts are filled top-down, so a promotion opens a post below it."""
        women_target = _interpolate(WOMEN_LEADER_TARGET, self.month)
        part_time_target = _interpolate(PART_TIME_LEADER_TARGET, self.month)
        for slot in self.slots:
            if slot.holder is not None or self.month < slot.refill_month:
                continue
            share = self._women_share_of_leaders()
            # § 8 BGleiG: while women fall short of the plan's target they are preferred;
            # the strong pull keeps chance runs of appointments from drifting off the plan
            women_probability = min(0.95, max(0.05, women_target + 8 * (women_target - share)))
            successor = self._successor(slot, women_probability)
            self._vacate(successor)
            self._appoint(successor, slot, part_time_target)

    def _successor(self, slot: Slot, women_probability: float) -> Person:
        rng = self.rng
        gender = "w" if rng.random() < women_probability else "m"
        external_share = {TEAM_LEAD: 0.15, DEPARTMENT_HEAD: 0.2, MANAGING_DIRECTOR: 0.3}
        if rng.random() >= external_share[slot.level]:
            candidates = self._candidates(slot)
            pool = [person for person in candidates if person.gender == gender] or candidates
            if pool:
                # deputies and people of the same department are the natural successors
                weights = [
                    4 if person.deputy_of is slot else 2 if person.org_unit == slot.org_unit else 1
                    for person in pool
                ]
                return rng.choices(pool, weights=weights)[0]
        carrier = "BA" if rng.random() < BA_SHARE else "Kommune"
        return self._new_person(carrier, gender, rng.randint(35, 55), hired=True)

    def _candidates(self, slot: Slot) -> list[Person]:
        level_below = {MANAGING_DIRECTOR: DEPARTMENT_HEAD, DEPARTMENT_HEAD: TEAM_LEAD}
        wanted = level_below.get(slot.level, "keine")
        return [
            person
            for person in self.persons.values()
            if person.leadership == wanted
            and person.active
            and person.employment_type != "Ausbildung"
            and person.fixed_term_end is None
            and person.weekly_hours >= 18
            and 30 <= person.age(self.month) <= 60
        ]

    def _appoint(self, person: Person, slot: Slot, part_time_target: float) -> None:
        self._clear_deputy(person)
        slot.holder, person.slot = person, slot
        person.leadership, person.org_unit = slot.level, slot.org_unit
        person.fixed_term_end = None
        person.pay_group = LEADER_PAY[person.carrier, person.employment_type][slot.level]
        if self.rng.random() < part_time_target:
            if not person.part_time or person.weekly_hours < 30:
                person.weekly_hours = self._leader_part_time_hours(person)
        else:
            person.weekly_hours = person.full_time_hours

    def _leader_part_time_hours(self, person: Person) -> float:
        return self.rng.choice(LEADER_PART_TIME_HOURS[person.full_time_hours])

    def _appoint_deputies(self) -> None:
        for slot in self.slots:
            if not slot.has_deputy or slot.deputy is not None:
                continue
            # a department head's deputy is one of its team leaders; a team's, a team member
            wanted = TEAM_LEAD if slot.level == DEPARTMENT_HEAD else "keine"
            candidates = [
                person
                for person in self.persons.values()
                if person.org_unit == slot.org_unit
                and person.leadership == wanted
                and person.deputy_of is None
                and person.active
                and person.employment_type != "Ausbildung"
                and person.age(self.month) >= 28
            ]
            if candidates:
                deputy = self.rng.choice(candidates)
                slot.deputy, deputy.deputy_of = deputy, slot

    def _adjust_part_time_leaders(self) -> None:
        """Leaders working part time become more common: close part of the gap each month."""
        rng = self.rng
        leaders = [leader for leader in self._leaders() if leader.active]
        if not leaders:
            return
        part_time = [leader for leader in leaders if leader.part_time]
        gap = _interpolate(PART_TIME_LEADER_TARGET, self.month) - len(part_time) / len(leaders)
        expected_changes = 0.2 * abs(gap) * len(leaders)
        if gap > 0:
            full_time = [leader for leader in leaders if not leader.part_time]
            # mostly women reduce their hours
            weights = [3.0 if leader.gender == "w" else 1.0 for leader in full_time]
            for leader, weight in zip(full_time, weights, strict=True):
                if rng.random() < expected_changes * weight / sum(weights):
                    leader.weekly_hours = self._leader_part_time_hours(leader)
        else:
            for leader in part_time:
                if rng.random() < expected_changes / len(part_time):
                    leader.weekly_hours = leader.full_time_hours

    # -- intake --------------------------------------------------------------------------------

    def _start_trainings(self) -> None:
        for carrier, track, start_month, (low, high) in TRAINEE_INTAKE:
            if _calendar_month(self.month) == start_month:
                self._trainee_cohort(carrier, track, self.month, self.rng.randint(low, high))

    def _trainee_cohort(self, carrier: str, track: str, start: int, size: int) -> None:
        rng = self.rng
        for _ in range(size):
            gender = "w" if rng.random() < 0.65 else "m"
            age_at_start = rng.choice((17, 18, 19, 19, 20, 20, 21, 22, 23))
            age = age_at_start + self.year - _year_of(start)
            person = self._new_person(
                carrier, gender, age, hired=True, employment_type="Ausbildung"
            )
            person.trainee_track = track
            person.pay_group = "Anw." if track == "Anwärter" else "Azubi"
            person.full_time_hours = person.weekly_hours = 41.0 if track == "Anwärter" else 39.0
            person.entry_date = _first_day(start)
            person.training_end = start + TRAINING_MONTHS
            if rng.random() < DISABILITY_OF_TRAINEES:
                self._make_disabled(person)

    def _hire_to_target(self) -> None:
        rng = self.rng
        posts = sum(
            1 for person in self.persons.values() if person.active or not person.leave_replaced
        )
        gap = round(_interpolate(POSTS_TARGET, self.month)) - posts
        for _ in range(max(0, gap + rng.randint(-2, 2))):
            self._hire()

    def _hire(self) -> None:
        rng = self.rng
        staff = list(self.persons.values())
        ba_share = sum(person.carrier == "BA" for person in staff) / len(staff)
        gendered = [person.gender for person in staff if person.gender in ("w", "m")]
        women_share = gendered.count("w") / len(gendered)
        # hiring keeps the carrier mix and the gender mix where they are
        carrier = "BA" if rng.random() < BA_SHARE + 5 * (BA_SHARE - ba_share) else "Kommune"
        women_probability = WOMEN_SHARE_OF_STAFF + (WOMEN_SHARE_OF_STAFF - women_share)
        gender = "w" if rng.random() < women_probability else "m"
        planted = (
            bool(self._pending_hire_genders) and self.month >= self._pending_hire_genders[0][0]
        )
        if planted:
            gender = self._pending_hire_genders.pop(0)[1]
        age = round(rng.triangular(22, 58, 29))
        person = self._new_person(carrier, gender, age, hired=True)
        # the planted people stay, so that the demo shows them in every later year
        person.stays = planted
        fixed_term_share = {"Tarif": 0.35 if carrier == "BA" else 0.25, "Beamte": 0.0}
        if not planted and rng.random() < fixed_term_share[person.employment_type]:
            person.fixed_term_end = self.month + 24
        if rng.random() < DISABILITY_OF_HIRES:
            self._make_disabled(person)


@dataclass(frozen=True, slots=True)
class ExportMonth:
    """What every row of one snapshot shares, computed once per month."""

    reporting_date: str
    year: int
    telework_share: float
    mobile_work_share: float

    @classmethod
    def of(cls, month: int) -> ExportMonth:
        return cls(
            reporting_date=_format_date(_last_day(month)),
            year=_year_of(month),
            telework_share=_interpolate(TELEWORK_SHARE, month),
            mobile_work_share=_interpolate(MOBILE_WORK_SHARE, month),
        )


def _mobile_work(person: Person, month: ExportMonth) -> str:
    """Each person has a fixed affinity: as the share rises, more people cross the threshold."""
    affinity = person.mobile_affinity
    if person.employment_type == "Ausbildung":
        affinity = 0.4 + 0.6 * affinity  # trainees learn on site
    if affinity < month.telework_share:
        return "Telearbeit"
    if affinity < month.mobile_work_share:
        return "mobil"
    return "keine"


def simulate_personnel(rng: random.Random) -> tuple[list[list[str]], dict[int, int]]:
    """Rows of the personnel export and the headcount per exported month."""
    workforce = Workforce(rng)
    rows: list[list[str]] = []
    headcounts: dict[int, int] = {}
    last_month = _month_index(LAST_YEAR, 12)
    while workforce.month < last_month:
        workforce.advance()
        if workforce.year < FIRST_YEAR:
            continue
        snapshot = workforce.snapshot()
        headcounts[workforce.month] = len(snapshot)
        export_month = ExportMonth.of(workforce.month)
        rows += (_personnel_row(person, export_month) for person in snapshot)
    return rows, headcounts


# ---------------------------------------------------------------------------------------------
# Export spelling: what the source systems write for each value


@functools.cache
def _format_date(day: date | None) -> str:
    return "" if day is None else f"{day.day:02d}.{day.month:02d}.{day.year}"


@functools.cache
def _format_decimal(value: float) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(".").replace(".", ",")


def _carrier_spelling(carrier: str, year: int) -> str:
    if year >= NEW_EXPORT_SYSTEM_YEAR:
        return carrier
    return "Agentur für Arbeit" if carrier == "BA" else "Stadt"


def _pay_group_spelling(pay_group: str, sloppy: bool) -> str:
    if not sloppy:
        return pay_group
    if pay_group.startswith("TE "):
        return pay_group.lower()
    return pay_group.replace(" ", "")


def _personnel_row(person: Person, month: ExportMonth) -> list[str]:
    year = month.year
    # the municipal system writes long words and leaves 'no' empty; the BA system writes codes
    municipal = person.carrier == "Kommune"

    def yes_no(value: bool) -> str:
        return "ja" if value else ("" if municipal else "nein")

    gender = person.gender
    if municipal and year < NEW_EXPORT_SYSTEM_YEAR:
        gender = {"w": "weiblich", "m": "männlich", "d": "divers", "x": "ohne Angabe"}[gender]
    employment_type = person.employment_type
    leave, mobile = person.leave, _mobile_work(person, month)
    if municipal:
        employment_type = {
            "Tarif": "Tarifbeschäftigte",
            "Beamte": {"w": "Beamtin", "m": "Beamter"}.get(person.gender, "Beamte"),
            "Ausbildung": "Anwärter" if person.trainee_track == "Anwärter" else "Auszubildende",
        }[employment_type]
        leave = {"keine": "", "Pflege": "Pflegezeit"}.get(leave, leave)
        mobile = {"keine": "", "mobil": "mobiles Arbeiten"}.get(mobile, mobile)
    return [
        month.reporting_date,
        person.pseudonym,
        _carrier_spelling(person.carrier, year),
        person.org_unit,
        gender,
        str(person.birth_year),
        employment_type,
        _pay_group_spelling(person.pay_group, person.sloppy_pay_group),
        _format_decimal(person.weekly_hours),
        _format_decimal(person.full_time_hours),
        person.leadership,
        "ja" if person.deputy_of is not None else "",
        person.disability,
        str(person.credit_factor) if person.credit_factor > 1 else "",
        "ja" if person.under_18_approved else "",
        leave,
        yes_no(person.leave_replaced) if not person.active else "",
        mobile,
        # training contracts are time-limited by nature (Anwärter: Beamte auf Widerruf)
        yes_no(person.fixed_term_end is not None or person.training_end is not None),
        _format_date(person.entry_date),
    ]


# ---------------------------------------------------------------------------------------------
# Applications

APPLICATIONS_PER_YEAR = 1500
POSTINGS_PER_YEAR = (60, 70)
APPLICATION_PERIOD_DAYS = 28
LEADERSHIP_POSTING_SHARE = 0.07
# applicants disclosing a disability status: below the 4.5 % target, slowly approaching it
DISCLOSING_APPLICANTS = ((2016, 1, 0.032), (2025, 12, 0.043))
REPEAT_APPLICATION_SHARE = 0.18  # of applications: by someone who already applied this year
RETURNING_APPLICANT_SHARE = 0.03  # of applications: by someone who applied in an earlier year
INVITE_RATE = {False: 0.20, True: 0.30}  # by leadership posting
# § 165 SGB IX: public employers invite disclosing applicants unless plainly unsuitable
DISCLOSED_INVITE_RATE = 0.95
APPLICANT_GENDERS: tuple[tuple[str, float], ...] = (
    ("w", 0.65),
    ("m", 0.343),
    ("d", 0.003),
    ("x", 0.004),
)
MISSING_CARRIER_SHARE = 0.01


@dataclass(slots=True)
class Applicant:
    pseudonym: str
    gender: str
    disability: str


@dataclass(slots=True)
class Posting:
    posting_id: str
    opened: date
    carrier: str
    leadership: bool


@dataclass(slots=True)
class Application:
    received: date
    applicant: Applicant
    posting: Posting
    discloses: bool
    stage: str = "beworben"


class ApplicantPool:
    """Who applies: newcomers, people applying again this year, and a few from earlier years."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self._pseudonyms = (
            f"BW-{number:06d}" for number in rng.sample(range(1, 1_000_000), 20_000)
        )
        self._earlier: list[Applicant] = []
        self._this_year: list[Applicant] = []
        self._seen_this_year: set[str] = set()
        self._disclosed_this_year: set[str] = set()
        self.year = FIRST_YEAR

    def start_year(self, year: int) -> None:
        self._earlier += self._this_year
        self._this_year, self._seen_this_year, self._disclosed_this_year = [], set(), set()
        self.year = year

    def applicant_for(self, posting_applicants: set[str]) -> Applicant:
        draw = self.rng.random()
        applicant = None
        if self._this_year and draw < REPEAT_APPLICATION_SHARE:
            applicant = self.rng.choice(self._this_year)
        elif self._earlier and draw < REPEAT_APPLICATION_SHARE + RETURNING_APPLICANT_SHARE:
            applicant = self.rng.choice(self._earlier)
        if applicant is None or applicant.pseudonym in posting_applicants:
            applicant = self._newcomer()
        if applicant.pseudonym not in self._seen_this_year:
            self._seen_this_year.add(applicant.pseudonym)
            self._this_year.append(applicant)
        return applicant

    def discloses(self, applicant: Applicant) -> bool:
        """A disclosing applicant now and then leaves it out of a later application."""
        if applicant.disability == "nein":
            return False
        if applicant.pseudonym in self._disclosed_this_year and self.rng.random() >= 0.9:
            return False
        self._disclosed_this_year.add(applicant.pseudonym)
        return True

    def _newcomer(self) -> Applicant:
        rng = self.rng
        disability = "nein"
        if rng.random() < _interpolate(DISCLOSING_APPLICANTS, _month_index(self.year, 6)):
            disability = (
                "gleichgestellt" if rng.random() < EQUAL_STATUS_SHARE else "schwerbehindert"
            )
        return Applicant(
            next(self._pseudonyms), _weighted_choice(rng, APPLICANT_GENDERS), disability
        )


def simulate_applications(rng: random.Random) -> list[list[str]]:
    pool = ApplicantPool(rng)
    rows: list[list[str]] = []
    for year in range(FIRST_YEAR, LAST_YEAR + 1):
        pool.start_year(year)
        applications: list[Application] = []
        for posting, count in _postings(rng, year):
            applications += _applications_to(rng, posting, count, pool)
        applications.sort(key=lambda a: (a.received, a.posting.posting_id, a.applicant.pseudonym))
        rows += (_application_row(rng, application) for application in applications)
    return rows


def _postings(rng: random.Random, year: int) -> list[tuple[Posting, int]]:
    """The year's postings in order of publication, each with its number of applications."""
    first_opening = date(year, 1, 2)
    last_opening = date(year, 12, 31) - timedelta(days=APPLICATION_PERIOD_DAYS)
    openings = sorted(
        first_opening + timedelta(days=rng.randint(0, (last_opening - first_opening).days))
        for _ in range(rng.randint(*POSTINGS_PER_YEAR))
    )
    postings = [
        Posting(
            posting_id=f"{year}-{number:03d}",
            opened=opened,
            carrier="BA" if rng.random() < BA_SHARE else "Kommune",
            leadership=rng.random() < LEADERSHIP_POSTING_SHARE,
        )
        for number, opened in enumerate(openings, start=1)
    ]
    # few postings draw crowds, leadership postings draw few
    weights = [rng.lognormvariate(0, 0.5) * (0.5 if p.leadership else 1.0) for p in postings]
    counts = [0] * len(postings)
    for index in rng.choices(range(len(postings)), weights=weights, k=_applications_in(rng)):
        counts[index] += 1
    return list(zip(postings, counts, strict=True))


def _applications_in(rng: random.Random) -> int:
    return round(rng.gauss(APPLICATIONS_PER_YEAR, 50))


def _applications_to(
    rng: random.Random, posting: Posting, count: int, pool: ApplicantPool
) -> list[Application]:
    applications: list[Application] = []
    applicants: set[str] = set()
    for _ in range(count):
        applicant = pool.applicant_for(applicants)
        applicants.add(applicant.pseudonym)
        received = posting.opened + timedelta(days=rng.randint(0, APPLICATION_PERIOD_DAYS - 1))
        applications.append(Application(received, applicant, posting, pool.discloses(applicant)))
    _decide_stages(rng, applications, posting.leadership)
    return applications


def _decide_stages(rng: random.Random, applications: list[Application], leadership: bool) -> None:
    for application in applications:
        rate = DISCLOSED_INVITE_RATE if application.discloses else INVITE_RATE[leadership]
        if rng.random() < rate:
            application.stage = "eingeladen"
    invited = [application for application in applications if application.stage == "eingeladen"]
    # usually one hire per posting; now and then two, or none (posting withdrawn)
    hires = rng.choices((1, 2, 0), weights=(0.91, 0.05, 0.04))[0]
    for application in rng.sample(invited, min(hires, len(invited))):
        application.stage = "eingestellt"


def _application_row(rng: random.Random, application: Application) -> list[str]:
    posting, applicant = application.posting, application.applicant
    year = posting.opened.year
    return [
        _format_date(application.received),
        applicant.pseudonym,
        posting.posting_id,
        "" if rng.random() < MISSING_CARRIER_SHARE else _carrier_spelling(posting.carrier, year),
        applicant.gender,
        applicant.disability if application.discloses else "nein",
        "ja" if posting.leadership else "nein",
        application.stage,
    ]


# ---------------------------------------------------------------------------------------------
# Diversity survey

RESPONSE_RATE = {2019: 0.49, 2022: 0.50, 2025: 0.52}
MIGRATION_BACKGROUND = {2019: 0.12, 2022: 0.15, 2025: 0.18}
# answer profiles of people with a migration background (Destatis definitions):
# (german at birth, immigrated, parents not german at birth, parents immigrated), weight
MIGRATION_PROFILES = (
    (("nein", "ja", "2", "2"), 0.40),  # immigrated themselves
    (("nein", "nein", "2", "2"), 0.12),  # born here to immigrant parents, naturalised later
    (("ja", "nein", "2", "2"), 0.18),  # born here to immigrant parents, German by birth
    (("ja", "nein", "1", "1"), 0.25),  # one immigrant parent
    (("ja", "nein", "1", "0"), 0.05),  # one naturalised parent born here
)
NO_MIGRATION_PROFILE = ("ja", "nein", "0", "0")
NO_ANSWER_SHARE = 0.03
SURVEY_LEADERSHIP = (("ja", 0.08), ("nein", 0.90), ("keine Angabe", 0.02))
SURVEY_GENDERS = (("w", 0.64), ("m", 0.31), ("d", 0.005), ("keine Angabe", 0.045))


def simulate_survey(rng: random.Random, invited: dict[int, int]) -> list[list[str]]:
    rows: list[list[str]] = []
    profiles = [profile for profile, _ in MIGRATION_PROFILES]
    profile_weights = [weight for _, weight in MIGRATION_PROFILES]
    for wave in SURVEY_WAVES:
        respondents = sum(rng.random() < RESPONSE_RATE[wave] for _ in range(invited[wave]))
        for _ in range(respondents):
            profile = NO_MIGRATION_PROFILE
            if rng.random() < MIGRATION_BACKGROUND[wave]:
                profile = rng.choices(profiles, weights=profile_weights)[0]
            answers = [
                "keine Angabe" if rng.random() < NO_ANSWER_SHARE else answer for answer in profile
            ]
            rows.append(
                [
                    str(wave),
                    *answers,
                    _weighted_choice(rng, SURVEY_LEADERSHIP),
                    _weighted_choice(rng, SURVEY_GENDERS),
                ]
            )
    return rows


def _weighted_choice(rng: random.Random, options: Sequence[tuple[str, float]]) -> str:
    values, weights = zip(*options, strict=True)
    return rng.choices(values, weights=weights)[0]


# ---------------------------------------------------------------------------------------------
# Files


def _write_csv(path: Path, headers: Sequence[str], rows: Iterable[Sequence[str]]) -> Path:
    with path.open("w", encoding=ENCODING, newline="") as handle:
        writer = csv.writer(handle, delimiter=";", lineterminator="\r\n")
        writer.writerow(headers)
        writer.writerows(rows)
    return path


def write_demo_exports(directory: Path, seed: int = 2025) -> list[Path]:
    """Writes the demo exports into directory (created if missing) and returns their paths in
    import order."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    # one random stream per file: changing one generator leaves the other files as they were
    personnel_rows, headcounts = simulate_personnel(random.Random(f"{seed}/personnel"))
    application_rows = simulate_applications(random.Random(f"{seed}/applications"))
    invited = {wave: headcounts[_month_index(wave, SURVEY_SNAPSHOT_MONTH)] for wave in SURVEY_WAVES}
    survey_rows = simulate_survey(random.Random(f"{seed}/survey"), invited)
    return [
        _write_csv(directory / PERSONNEL_FILE, PERSONNEL_HEADERS, personnel_rows),
        _write_csv(directory / APPLICATIONS_FILE, APPLICATION_HEADERS, application_rows),
        _write_csv(directory / SURVEY_FILE, SURVEY_HEADERS, survey_rows),
        _write_csv(
            directory / INVITED_FILE,
            INVITED_HEADERS,
            ([str(wave), str(count)] for wave, count in invited.items()),
        ),
    ]


def build_demo_store(db_path: Path, exports_dir: Path | None = None) -> Path:
    """Writes the demo exports and imports them through the real importer into a demo store.

    Refuses to touch a store that holds real data; an existing demo store is rebuilt.
    Returns the directory holding the generated exports.
    """
    from metrics import store
    from metrics.ingest import import_files

    if db_path.exists():
        with store.open_store(db_path) as con:
            if not store.store_status(con).demo:
                raise store.StoreError(
                    f"{db_path}: holds real data; build the demo elsewhere with --db"
                )
        db_path.unlink()
    exports_dir = exports_dir or db_path.parent / "demo"
    paths = write_demo_exports(exports_dir)
    import_files(paths, db_path, demo=True, by=SYSTEM_USER)
    return exports_dir
