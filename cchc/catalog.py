"""The plan as data: task areas, indicators, targets, units and their kinds, loaded from ``cchc/catalog/``.

Everything here is frozen and checked on load; :func:`load_catalog` is cached, so callers may call it freely.
"""

from __future__ import annotations

import csv
import datetime as dt
from dataclasses import dataclass, field
from functools import cache, cached_property
from pathlib import Path
from typing import Literal

import yaml

CATALOG_DIR = Path(__file__).parent / "catalog"

Measure = Literal["percent", "count", "yes_no"]
Direction = Literal["higher", "lower"]
MEASURES: tuple[str, ...] = ("percent", "count", "yes_no")
DIRECTIONS: tuple[str, ...] = ("higher", "lower")
BLOCKS: tuple[str, ...] = ("so", "huyen")
Rollup = Literal["sum", "mean"]
Origin = Literal["plan", "supplementary"]


class CatalogError(ValueError):
    """The catalog files contradict themselves (a bug in the data, not in a user's upload)."""


@dataclass(frozen=True)
class Task:
    area: str
    letter: str
    text: str

    @property
    def code(self) -> str:
        return f"{self.area}.{self.letter}"


@dataclass(frozen=True)
class Area:
    code: str
    name_vi: str
    name_en: str
    tasks: tuple[Task, ...]
    short_vi: str = ""  # a few words for a chart's axis (the full name in its tooltip)
    short_en: str = ""


@dataclass(frozen=True)
class Target:
    """A target (``kind='target'``) or a yearly milestone on the way to it, in the indicator's own scale.

    Percent and yes/no targets are percentages (a yes/no target of 100 means every unit answers *Có*).
    """

    indicator: str
    kind: Literal["target", "milestone"]
    year: int
    value: float
    comparison: Literal[">=", ">", "<=", "<"]
    origin: Origin  # ``plan``: the number is in QĐ 1605; ``supplementary``: set by this catalog (basis says why)
    basis: str

    def is_met(self, value: float) -> bool:
        return {
            ">=": value >= self.value,
            ">": value > self.value,
            "<=": value <= self.value,
            "<": value < self.value,
        }[self.comparison]


@dataclass(frozen=True)
class Indicator:
    code: str
    area: str
    task: str
    name_vi: str
    name_en: str
    measure: Measure
    direction: Direction
    applies_to: tuple[str, ...]
    only_units: tuple[str, ...]
    required: bool
    baseline_year: int
    source: str
    unit_vi: str = ""
    numerator_vi: str = ""
    denominator_vi: str = ""
    rollup: Rollup = "sum"
    targets: tuple[Target, ...] = ()

    @property
    def target(self) -> Target | None:
        """The final target (the latest ``kind='target'`` row), or None for a tracked-only indicator."""
        finals = [t for t in self.targets if t.kind == "target"]
        return max(finals, key=lambda t: t.year) if finals else None

    @property
    def milestones(self) -> dict[int, float]:
        return {t.year: t.value for t in self.targets if t.kind == "milestone"}

    @property
    def unit_label(self) -> str:
        """What the template's `Đơn vị tính` column shows."""
        return {"percent": "%", "yes_no": "Có/Không"}.get(self.measure, self.unit_vi)

    def applies(self, unit_code: str, kind: str) -> bool:
        """Whether a unit of this kind reports the indicator."""
        if kind not in self.applies_to:
            return False
        return not self.only_units or unit_code in self.only_units


@dataclass(frozen=True)
class Kind:
    code: str
    block: str
    name_vi: str
    name_en: str
    reports: bool


@dataclass(frozen=True)
class UnitEvent:
    unit_code: str
    date: dt.date
    event: str
    new_kind: str
    new_name: str
    basis: str


@dataclass(frozen=True)
class Unit:
    code: str
    name: str
    short_name: str
    kind: str
    parent_code: str
    valid_from: dt.date
    valid_to: dt.date | None
    events: tuple[UnitEvent, ...] = field(default=())

    def valid_between(self, start: dt.date, end: dt.date) -> bool:
        """Whether the unit existed on any day of ``[start, end]``."""
        return self.valid_from <= end and (self.valid_to is None or start <= self.valid_to)

    def kind_on(self, day: dt.date) -> str:
        return self._as_of(day, "kind", "new_kind")

    def name_on(self, day: dt.date) -> str:
        return self._as_of(day, "name", "new_name")

    def _as_of(self, day: dt.date, attribute: str, event_field: str) -> str:
        """The attribute as the unit's events up to ``day`` left it."""
        value = getattr(self, attribute)
        for event in sorted(self.events, key=lambda e: e.date):
            if event.date <= day and getattr(event, event_field):
                value = getattr(event, event_field)
        return value


@dataclass(frozen=True)
class Catalog:
    areas: tuple[Area, ...]
    indicators: tuple[Indicator, ...]
    kinds: dict[str, Kind]
    units: tuple[Unit, ...]

    @cached_property
    def indicator_by_code(self) -> dict[str, Indicator]:
        return {i.code: i for i in self.indicators}

    @cached_property
    def unit_by_code(self) -> dict[str, Unit]:
        return {u.code: u for u in self.units}

    @cached_property
    def area_by_code(self) -> dict[str, Area]:
        return {a.code: a for a in self.areas}

    def reporting_units(self) -> tuple[Unit, ...]:
        return tuple(u for u in self.units if self.kinds[u.kind].reports)

    def block_of(self, unit: Unit, day: dt.date) -> str:
        return self.kinds[unit.kind_on(day)].block

    def block_units(self, year: int, block: str) -> tuple[Unit, ...]:
        """The reporting units that existed in ``year`` and belong to ``block`` at its end (a unit that closed
        during the year: on its last day), in catalog order."""
        start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
        return tuple(u for u in self.reporting_units()
                     if u.valid_between(start, end) and self.block_of(u, min(end, u.valid_to or end)) == block)

    def indicators_for(self, unit: Unit, day: dt.date) -> tuple[Indicator, ...]:
        """The indicators a unit reports for a period ending on ``day`` (its kind on that day decides)."""
        kind = unit.kind_on(day)
        return tuple(i for i in self.indicators if i.applies(unit.code, kind))


def _read_csv(name: str) -> list[dict[str, str]]:
    with (CATALOG_DIR / name).open(encoding="utf-8", newline="") as f:
        return [{k: (v or "").strip() for k, v in row.items()} for row in csv.DictReader(f)]


def _read_yaml(name: str):
    return yaml.safe_load((CATALOG_DIR / name).read_text(encoding="utf-8"))


def _date(text: str) -> dt.date | None:
    return dt.date.fromisoformat(text) if text else None


def _load_areas() -> tuple[Area, ...]:
    return tuple(
        Area(str(a["code"]), a["name_vi"], a["name_en"],
             tuple(Task(str(a["code"]), letter, text) for letter, text in a["tasks"].items()),
             short_vi=a.get("short_vi", a["name_vi"]), short_en=a.get("short_en", a["name_en"]))
        for a in _read_yaml("areas.yaml")
    )


def _load_targets() -> dict[str, list[Target]]:
    targets: dict[str, list[Target]] = {}
    for row in _read_csv("targets.csv"):
        targets.setdefault(row["indicator"], []).append(
            Target(
                indicator=row["indicator"],
                kind=row["kind"],  # type: ignore[arg-type]
                year=int(row["year"]),
                value=float(row["value"]),
                comparison=row["comparison"],  # type: ignore[arg-type]
                origin=row["origin"],  # type: ignore[arg-type]
                basis=row["basis"],
            )
        )
    return targets


def _load_indicators(targets: dict[str, list[Target]]) -> tuple[Indicator, ...]:
    data = _read_yaml("indicators.yaml")
    defaults = data["defaults"]
    indicators = []
    for raw in data["indicators"]:
        row = {**defaults, **raw}
        area, letter = str(row["task"]).split(".")
        indicators.append(Indicator(
            code=str(row["code"]), area=area, task=f"{area}.{letter}", name_vi=row["name_vi"], name_en=row["name_en"],
            measure=row["measure"], direction=row["direction"], applies_to=tuple(row["applies_to"]),
            only_units=tuple(row.get("only_units", ())), required=bool(row["required"]),
            baseline_year=int(row["baseline_year"]), source=row["source"], unit_vi=row.get("unit_vi", ""),
            numerator_vi=row.get("numerator_vi", ""), denominator_vi=row.get("denominator_vi", ""),
            rollup=row["rollup"],
            targets=tuple(sorted(targets.get(str(row["code"]), []), key=lambda t: (t.year, t.kind)))))
    return tuple(indicators)


def _load_units() -> tuple[Unit, ...]:
    events: dict[str, list[UnitEvent]] = {}
    for row in _read_csv("unit_events.csv"):
        events.setdefault(row["unit_code"], []).append(UnitEvent(
            row["unit_code"], dt.date.fromisoformat(row["date"]), row["event"], row["new_kind"], row["new_name"],
            row["basis"]))
    return tuple(
        Unit(row["code"], row["name"], row["short_name"], row["kind"], row["parent_code"],
             dt.date.fromisoformat(row["valid_from"]), _date(row["valid_to"]), tuple(events.get(row["code"], ())))
        for row in _read_csv("units.csv")
    )


def _load_kinds() -> dict[str, Kind]:
    return {
        row["kind"]: Kind(row["kind"], row["block"], row["name_vi"], row["name_en"], row["reports"] == "true")
        for row in _read_csv("kinds.csv")
    }


def check_catalog(catalog: Catalog, targets: dict[str, list[Target]] | None = None) -> list[str]:
    """Every inconsistency in the catalog, as sentences; an empty list means it is sound. ``targets``: the
    rows of targets.csv when the caller has read them already."""
    problems: list[str] = []
    tasks = {t.code for a in catalog.areas for t in a.tasks}
    units = catalog.unit_by_code
    codes = [i.code for i in catalog.indicators]
    problems += [f"indicator code {c} is used twice" for c in sorted({c for c in codes if codes.count(c) > 1})]
    unit_codes = [u.code for u in catalog.units]
    problems += [f"unit code {c} is used twice" for c in sorted({c for c in unit_codes if unit_codes.count(c) > 1})]
    for ind in catalog.indicators:
        if ind.task not in tasks:
            problems.append(f"{ind.code}: task {ind.task} is not in areas.yaml")
        if ind.measure not in MEASURES:
            problems.append(f"{ind.code}: unknown measure {ind.measure}")
        if ind.direction not in DIRECTIONS:
            problems.append(f"{ind.code}: unknown direction {ind.direction}")
        problems += [f"{ind.code}: unknown kind {k}" for k in ind.applies_to if k not in catalog.kinds]
        problems += [f"{ind.code}: unknown unit {u}" for u in ind.only_units if u not in units]
        if ind.required and ind.target is None:
            problems.append(f"{ind.code}: required (a plan target) but has no target row")
        if ind.rollup not in ("sum", "mean") or (ind.rollup == "mean" and ind.measure != "percent"):
            problems.append(f"{ind.code}: rollup {ind.rollup} (sum, or mean for a percent)")
        if ind.measure == "percent" and not (ind.numerator_vi and ind.denominator_vi):
            problems.append(f"{ind.code}: a percent indicator needs numerator_vi and denominator_vi")
    known = set(codes)
    for t in (t for rows in (targets if targets is not None else _load_targets()).values() for t in rows):
        if t.indicator not in known:
            problems.append(f"targets.csv names unknown indicator {t.indicator}")
        if t.origin not in ("plan", "supplementary"):
            problems.append(f"targets.csv: {t.indicator} has origin {t.origin!r} (plan or supplementary)")
    for unit in catalog.units:
        if unit.kind not in catalog.kinds:
            problems.append(f"unit {unit.code}: unknown kind {unit.kind}")
        if unit.parent_code and unit.parent_code not in units:
            problems.append(f"unit {unit.code}: unknown parent {unit.parent_code}")
        problems += [f"unit {unit.code}: event to unknown kind {e.new_kind}"
                     for e in unit.events if e.new_kind and e.new_kind not in catalog.kinds]
    return problems


@cache
def load_catalog() -> Catalog:
    """Load and check the catalog; raises :class:`CatalogError` listing every problem found."""
    catalog = Catalog(
        areas=_load_areas(),
        indicators=_load_indicators(targets := _load_targets()),
        kinds=_load_kinds(),
        units=_load_units(),
    )
    problems = check_catalog(catalog, targets)
    if problems:
        raise CatalogError("; ".join(problems))
    return catalog
