"""Reporting periods: a year (``2018``), a half-year (``2018-H1``) or a quarter (``2018-Q3``), with deadlines.

Deadlines come from ``cchc/catalog/periods.yaml`` so that Sở Nội vụ can change them without touching code.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import cache
from typing import Literal

import yaml

from cchc.catalog import CATALOG_DIR

PeriodKind = Literal["year", "half", "quarter"]
_PATTERN = re.compile(r"^\s*(\d{4})(?:\s*[-/ ]\s*([HhQq])\s*([1-4]))?\s*$")


class PeriodError(ValueError):
    """A period code that cannot be understood."""


@dataclass(frozen=True, order=True)
class Period:
    code: str
    kind: PeriodKind
    year: int
    start: dt.date
    end: dt.date
    deadline: dt.date

    @property
    def label_vi(self) -> str:
        if self.kind == "year":
            return f"Năm {self.year}"
        number = self.code[-1]
        return f"6 tháng {'đầu' if number == '1' else 'cuối'} năm {self.year}" if self.kind == "half" \
            else f"Quý {number} năm {self.year}"


@cache
def _config() -> dict:
    return yaml.safe_load((CATALOG_DIR / "periods.yaml").read_text(encoding="utf-8"))


def _month_end(year: int, month: int) -> dt.date:
    return dt.date(year + month // 12, month % 12 + 1, 1) - dt.timedelta(days=1)


def parse_period(text: str) -> Period:
    """Parse ``2018``, ``2018-H1`` or ``2018-Q3`` (spacing and case forgiven); raises :class:`PeriodError`."""
    match = _PATTERN.match(str(text))
    if not match:
        raise PeriodError(f"malformed period {text!r}")
    year, letter, number = int(match[1]), (match[2] or "").upper(), int(match[3] or 0)
    if letter == "H" and number > 2:
        raise PeriodError(f"malformed period {text!r}")
    config = _config()
    if not config["first_year"] <= year <= config["last_year"]:
        raise PeriodError(f"period {text!r} is outside {config['first_year']}–{config['last_year']}")
    if not letter:
        kind, code, months, index = "year", f"{year}", (1, 12), 0
    elif letter == "H":
        kind, code, months, index = "half", f"{year}-H{number}", (6 * number - 5, 6 * number), number - 1
    else:
        kind, code, months, index = "quarter", f"{year}-Q{number}", (3 * number - 2, 3 * number), number - 1
    override = config.get("overrides", {}).get(code)
    if override:
        deadline = dt.date.fromisoformat(str(override))
    else:
        month_day = str(config["deadlines"][kind]).split("|")[index]
        deadline = dt.date.fromisoformat(f"{year}-{month_day}")
    return Period(code, kind, year, dt.date(year, months[0], 1), _month_end(year, months[1]),  # type: ignore[arg-type]
                  deadline)  # kind is one of the config's period kinds, matched above


def all_periods(kinds: tuple[PeriodKind, ...] = ("year", "half", "quarter")) -> tuple[Period, ...]:
    """Every period of the plan's years, of the given kinds, in time order."""
    config = _config()
    codes = []
    for year in range(config["first_year"], config["last_year"] + 1):
        if "year" in kinds:
            codes.append(f"{year}")
        if "half" in kinds:
            codes += [f"{year}-H1", f"{year}-H2"]
        if "quarter" in kinds:
            codes += [f"{year}-Q{q}" for q in range(1, 5)]
    return tuple(sorted((parse_period(c) for c in codes), key=lambda p: (p.end, -p.start.toordinal())))


@cache
def previous_period(code: str) -> str | None:
    """The period of the same kind just before ``code`` (``2018-H1`` → ``2017-H2``), or None."""
    try:
        period = parse_period(code)
    except PeriodError:
        return None
    codes = [p.code for p in all_periods((period.kind,))]
    index = codes.index(period.code)
    return codes[index - 1] if index else None
