"""The sample data's story: each unit's figures for every sample period, deterministic for a seed.

Every unit has a latent capacity (how far and how fast it goes) and an arrival time (the year, counted from
2015, at which it reaches its own end level). Percent indicators move from a plausible 2016 level toward that
end level; yes/no indicators switch from *Không* to *Có* once; counts scale with the unit's size (staff,
procedures, dossiers, documents, communes). A few units arrive early, a few unit × area pairs stall or slip
back, and districts lag departments on online services and e-documents but lead on one-stop desks.
Half-year flows add up to the year; stocks at the end of the second half equal the year's.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field

from cchc import layout
from cchc.catalog import Catalog, Indicator, Unit

YEARS = (2016, 2017, 2018, 2019, 2020)
HALF_YEARS = (2019, 2020)
#: Communes, wards and townships per district-level unit (161 in total, as in 2019).
COMMUNES = {"TPHY": 17, "VANLAM": 11, "VANGIANG": 11, "YENMY": 17, "MYHAO": 13, "ANTHI": 21, "KHOAICHAU": 25,
            "KIMDONG": 17, "TIENLU": 15, "PHUCU": 14}


@dataclass(frozen=True)
class Pct:
    """A percent indicator: 2016 and end levels (ranges), the size its denominator follows, flow or stock."""

    start: tuple[float, float]
    end: tuple[float, float]
    base: str
    flow: bool = False
    district_lag: float = 0.0  # extra years district-level units need (negative: they are faster)


@dataclass(frozen=True)
class YesNo:
    """A yes/no indicator: the switch time of the strongest and of the weakest unit (years after 2015)."""

    first: float
    last: float
    district_lag: float = 0.0


@dataclass(frozen=True)
class Count:
    """A count: a yearly flow of a size (``base``), or a stock starting at ``start`` × size and growing."""

    base: str
    flow: bool = True
    start: float = 1.0
    growth: float = 0.0


SPECS: dict[str, Pct | YesNo | Count] = {
    "1a.1": Count("drafts"),
    "1c.1": Count("reviews"),
    "2c.1": Count("procedures", flow=False, growth=-0.03),
    "2d.1": YesNo(0.8, 5.6, district_lag=-0.6),
    "2d.2": Pct((5, 35), (88, 100), "communes", district_lag=-0.3),
    "2d.3": Pct((68, 79), (81, 91), "ballots", flow=True),
    "2d.4": Pct((88, 96), (96, 99.6), "resolved", flow=True),
    "2d.5": Count("dossiers"),
    "2d.6": Count("late"),
    "2dd.1": Pct((0, 3), (10, 32), "dossiers", flow=True, district_lag=0.5),
    "2g.1": Pct((70, 92), (90, 100), "feedback", flow=True),
    "3b.1": Pct((70, 79), (79, 89), "ballots", flow=True),
    "3b.2": Pct((66, 76), (78, 88), "ballots", flow=True),
    "4a.1": YesNo(0.4, 5.3),
    "4c.1": Count("appointments"),
    "4dd.1": Pct((0, 2), (7, 12.5), "quota"),
    "4e.1": Count("training"),
    "5b.1": Count("public_units", flow=False, start=0.4, growth=0.12),
    "6b.1": Pct((78, 95), (97, 100), "agencies", district_lag=0.4),
    "6c.1": Pct((15, 55), (93, 100), "leaders", district_lag=0.5),
    "6c.2": YesNo(0.2, 5.1),
    "6c.3": YesNo(1.0, 5.5, district_lag=0.4),
    "6d.1": YesNo(0.0, 5.2),
    "6d.2": Pct((20, 60), (93, 100), "communes"),
    "6d.3": Pct((15, 45), (84, 98), "documents", flow=True, district_lag=0.4),
    "6dd.1": Pct((3, 18), (58, 82), "procedures", district_lag=0.7),
    "6dd.2": Pct((0, 4), (22, 38), "procedures", district_lag=0.9),
    "6e.1": YesNo(0.0, 5.4),
    "6h.1": YesNo(0.5, 5.6),
    "6i.1": YesNo(0.0, 5.0),
    "6i.2": Pct((55, 80), (90, 100), "staff", district_lag=0.4),
    "6k.1": Pct((35, 65), (62, 92), "communes"),
    "7b.1": YesNo(0.0, 0.0),
    "7d.1": Count("inspections"),
}
_FALLBACK: dict[str, Pct | YesNo | Count] = {"percent": Pct((30, 60), (70, 95), "staff"), "yes_no": YesNo(0.5, 5.5),
                                             "count": Count("reviews")}
#: Yearly growth and year-to-year spread of each flow.
FLOWS: dict[str, tuple[float, float]] = {"dossiers": (0.07, 0.08), "documents": (0.04, 0.08), "ballots": (0.03, 0.1),
                                         "feedback": (0.0, 0.4), "drafts": (0.0, 0.5), "reviews": (0.0, 0.35),
                                         "inspections": (0.0, 0.35), "training": (0.02, 0.3)}
STALL_NOTES = ("Chưa bố trí được kinh phí nâng cấp.", "Cán bộ phụ trách chuyển công tác, đang bố trí người thay.",
               "Số phiếu khảo sát tăng, mức hài lòng giảm.")


@dataclass(frozen=True)
class Figure:
    """What a clerk types on one indicator row."""

    numerator: int | None = None
    denominator: int | None = None
    value: int | str | None = None
    note: str = ""


@dataclass(frozen=True)
class Profile:
    unit: str
    block: str
    capacity: float
    arrival: float  # years after 2015 at which the unit reaches its end levels
    sizes: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class Setback:
    """A unit × area that stalls (holds still) or slips back (loses ground) from a time on."""

    unit: str
    area: str
    kind: str  # 'stall' | 'slip'
    since: float  # years after 2015


def profile(seed: int, unit: Unit, block: str, early: bool) -> Profile:
    rng = random.Random(f"{seed}/{unit.code}/profile")
    capacity = max(-2.0, min(2.0, rng.gauss(0.0, 0.8)))
    arrival = rng.uniform(3.3, 3.9) if early else max(4.2, min(6.8, 5.0 - 0.6 * capacity + rng.gauss(0, 0.35)))
    return Profile(unit.code, block, 1.6 if early else capacity, arrival, _sizes(rng, unit, block))


def _sizes(rng: random.Random, unit: Unit, block: str) -> dict[str, int]:
    if block == "huyen":
        communes = COMMUNES.get(unit.code, 15)
        staff = int(110 + communes * rng.uniform(8, 12))
        procedures, dossiers = rng.randint(250, 300), rng.randint(6000, 30000)
        documents, ballots = rng.randint(8000, 25000), rng.randint(300, 900)
        agencies, leaders, drafts, reviews = 13 + communes, 20 + 2 * communes, 2, rng.randint(30, 120)
        public_units, inspections = rng.randint(4, 14), rng.randint(5, 14)
    else:
        small = unit.kind == "ban_nganh" or unit.code == "VPUB"
        communes, staff = 0, rng.randint(25, 70) if small else rng.randint(40, 150)
        procedures = rng.randint(10, 60) if small else rng.randint(50, 250)
        dossiers = int(procedures * rng.uniform(3, 25 if small else 120))
        documents, ballots = rng.randint(2500, 12000), rng.randint(120, 500)
        agencies, leaders = 1 + rng.randint(1, 10), max(6, staff // 7 + rng.randint(0, 4))
        drafts = 10 if unit.code == "STP" else rng.randint(1, 6)
        reviews, public_units, inspections = rng.randint(10, 80), rng.randint(0, 6), rng.randint(1, 5)
    return {"communes": communes, "staff": staff, "procedures": procedures, "dossiers": dossiers,
            "documents": documents, "ballots": ballots, "agencies": agencies,
            "leaders": leaders, "drafts": drafts, "reviews": reviews, "public_units": public_units,
            "inspections": inspections, "feedback": rng.randint(3, 40), "training": staff,
            "quota": staff + rng.randint(3, 15)}


class UnitStory:
    """One unit's figures; ``figures(period_code)`` gives what it reports for every applicable indicator."""

    def __init__(self, seed: int, prof: Profile, setbacks: tuple[Setback, ...], on_time: Indicator):
        self.seed, self.prof, self.on_time = seed, prof, on_time
        self.setbacks = {s.area: s for s in setbacks if s.unit == prof.unit}

    def _rng(self, code: str, *tag: object) -> random.Random:
        return random.Random("/".join(map(str, (self.seed, self.prof.unit, code, *tag))))

    def _quantile(self, rng: random.Random, spread: float = 0.18) -> float:
        return max(0.0, min(1.0, 0.5 + 0.22 * self.prof.capacity + rng.gauss(0, spread)))

    def _arrival(self, rng: random.Random, lag: float) -> float:
        return max(2.5, self.prof.arrival + (lag if self.prof.block == "huyen" else 0.0) + rng.gauss(0, 0.4))

    def _effective(self, ind: Indicator, x: float) -> tuple[float, float]:
        """Time used for the trajectory and the slip (years below it) at ``x``."""
        setback = self.setbacks.get(ind.area)
        if setback is None or x <= setback.since:
            return x, 0.0
        return setback.since, (x - setback.since if setback.kind == "slip" else 0.0)

    def level(self, ind: Indicator, spec: Pct, x: float) -> float:
        """The unit's percentage for ``ind`` at time ``x`` (years after 2015)."""
        rng = self._rng(ind.code, "level")
        start = spec.start[0] + (spec.start[1] - spec.start[0]) * self._quantile(rng)
        end = spec.end[0] + (spec.end[1] - spec.end[0]) * self._quantile(rng, 0.25)
        arrival, shape = self._arrival(rng, spec.district_lag), rng.uniform(0.75, 1.3)
        at, slipped = self._effective(ind, x)
        progress = min(1.0, max(0.0, at - 1) / (arrival - 1)) ** shape
        level = start + (end - start) * progress - 7.0 * slipped
        if spec.flow:  # stocks only grow; flows wobble, less so near 100%
            level += self._rng(ind.code, "wobble", x).gauss(0, 0.8) * min(1.0, (100 - level) / 5)
        return max(0.0, min(100.0, level))

    def switched(self, ind: Indicator, spec: YesNo, x: float) -> bool:
        rng = self._rng(ind.code, "switch")
        weak = 1.0 - self._quantile(rng, 0.25)
        when = spec.first + (spec.last - spec.first) * weak + (spec.district_lag if self.prof.block == "huyen" else 0)
        at, slipped = self._effective(ind, x)
        return when <= at and not (slipped and ind.code == self._slip_code(ind.area))

    def _slip_code(self, area: str) -> str:
        return {"6": "6e.1", "2": "2d.1", "4": "4a.1"}.get(area, "")

    def flow_total(self, base: str, year: int) -> int:
        """A flow's yearly total (dossiers received, documents, survey ballots …), shared by all indicators."""
        rng = self._rng(base, "flow", year)
        if base == "resolved":
            return round(self.flow_total("dossiers", year) * rng.uniform(0.95, 0.99))
        if base == "appointments":
            return int(year >= 2017 and rng.random() < 0.3) + int(year >= 2019 and rng.random() < 0.15)
        growth, spread = FLOWS.get(base, (0.03, 0.1))
        level = self.prof.sizes[base] * (1 + growth) ** (year - 2016)
        return max(0, round(level * rng.uniform(1 - spread, 1 + spread)))

    def split(self, total: int, year: int, half: str) -> int:
        """The part of a yearly total that falls in ``half`` ('' for the whole year); halves add up."""
        if not half:
            return total
        first = round(total * self._rng("", "half", year).uniform(0.42, 0.48))
        return first if half == "1" else total - first

    def figure(self, ind: Indicator, period: str) -> Figure | None:
        """The figure reported for ``period`` (``2019``, ``2019-H1``, ``2019-H2``), None when left blank."""
        if not ind.required and self._rng(ind.code, "skip").random() < 0.08:
            return None
        return self.truth(ind, period)

    def truth(self, ind: Indicator, period: str) -> Figure:
        """The true figure, whether or not the clerk fills it in."""
        spec = SPECS.get(ind.code, _FALLBACK[ind.measure])
        year, half = int(period[:4]), period[6:] if "-H" in period else ""
        x = year - 2015 - (0.5 if half == "1" else 0.0)
        note = self._note(ind, x)
        if isinstance(spec, YesNo):
            return Figure(value=layout.YES if self.switched(ind, spec, x) else layout.NO, note=note)
        if isinstance(spec, Count) and spec.flow:
            if spec.base == "late":
                dossiers = self.truth(self.on_time, period)
                return Figure(value=(dossiers.denominator or 0) - (dossiers.numerator or 0))
            return Figure(value=self.split(self.flow_total(spec.base, year), year, half), note=note)
        size = self.prof.sizes.get(spec.base, 0)
        if isinstance(spec, Count):
            grown = size * spec.start * (1 + spec.growth) ** (x - 1)
            return Figure(value=min(size, math.ceil(grown)) if spec.growth > 0 else round(grown), note=note)
        if not spec.flow:
            return Figure(min(size, round(self.level(ind, spec, x) * size / 100)), size, note=note)
        halves = ("1", "2") if year in HALF_YEARS and not half else (half,)
        num = den = 0
        for part in halves:
            part_den = self.split(self.flow_total(spec.base, year), year, part)
            at = year - 2015 - (0.5 if part == "1" else 0.0)
            num += min(part_den, round(self.level(ind, spec, at) * part_den / 100))
            den += part_den
        return Figure(num, den, note=note)

    def _note(self, ind: Indicator, x: float) -> str:
        setback = self.setbacks.get(ind.area)
        if setback is None or x <= setback.since or ind.measure == "count":
            return ""
        return STALL_NOTES[int(setback.since * 2) % len(STALL_NOTES)] if setback.kind == "slip" else STALL_NOTES[0]


def choose_cast(seed: int, catalog: Catalog, day) -> tuple[tuple[str, ...], tuple[Setback, ...]]:
    """The early achievers and the setbacks of this seed's story."""
    rng = random.Random(f"{seed}/cast")
    units = catalog.reporting_units()
    depts = sorted(u.code for u in units if catalog.block_of(u, day) == "so")
    districts = sorted(u.code for u in units if catalog.block_of(u, day) == "huyen")
    early = (*rng.sample(depts, 2), rng.choice(districts))
    pool_d = [d for d in districts if d not in early]
    pool_s = [d for d in depts if d not in early]
    stalled, slipped_d = rng.sample(pool_d, 2)
    setbacks = (Setback(stalled, "6", "stall", 3.0), Setback(rng.choice(pool_s), "2", "slip", 3.5),
                Setback(slipped_d, "6", "slip", 4.0))
    return early, setbacks
