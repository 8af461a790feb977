"""Page data for the map of the districts: the block's units as tiles placed as they lie, coloured by the PAR
index tier, an indicator's status or its value.

The schematic positions (row 0 is the north, column 0 the west) are data, ``cchc/catalog/tiles.csv``; the
units shown are the registry's for the year (:func:`cchc.dashboard.common.block_names`), so a unit that is
renamed keeps its tile with its new name, and a new unit without a position gets a tile on an extra row below
the province. An installation may supply real boundaries as GeoJSON (``CCHC_BOUNDARIES``, each feature's
``properties.code`` a unit code): the map is then a choropleth of the same colours.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from cchc.catalog import CATALOG_DIR, Catalog
from cchc.charts import tier_colours
from cchc.dashboard.common import block_names, in_period, indicator_name
from cchc.frames import tuples
from cchc.i18n import status_label, t
from cchc.labels import STATUS_COLOURS
from cchc.numbers import DECIMALS, measure_text, number_text
from cchc.periods import parse_period

ENV_BOUNDARIES = "CCHC_BOUNDARIES"
COLOUR_BY: tuple[str, ...] = ("par", "status", "value")
TILE_COLUMNS: tuple[str, ...] = ("unit", "unit_label", "row", "col", "group", "colour", "value", "text", "hover")


def positions() -> dict[str, tuple[int, int]]:
    """Unit code → (row, column) of its tile."""
    frame = pd.read_csv(CATALOG_DIR / "tiles.csv", dtype={"code": str})
    return {code: (int(row), int(col)) for code, row, col in tuples(frame)}


def boundaries(env: Mapping[str, str] = os.environ) -> dict | None:
    """The installation's GeoJSON (``CCHC_BOUNDARIES``), or None when unset or unreadable."""
    path = env.get(ENV_BOUNDARIES)
    if not path:
        return None
    try:
        shapes = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return shapes if isinstance(shapes, dict) and shapes.get("features") else None


@dataclass(frozen=True)
class DistrictMap:
    """Tiles (columns of :data:`TILE_COLUMNS`) and how they are coloured: by ``group`` (a legend entry per
    tier or status drawn) or, when ``scale``, by ``value`` on a colour scale."""

    tiles: pd.DataFrame
    scale: bool
    title: str


def _place(units: dict[str, str]) -> pd.DataFrame:
    spots = positions()
    rows = [(code, name, *spots[code]) for code, name in units.items() if code in spots]
    below = max((r for _, _, r, _ in rows), default=-1) + 1
    rows += [(code, name, below + i // 3, i % 3) for i, (code, name) in
             enumerate((c, n) for c, n in units.items() if c not in spots)]
    return pd.DataFrame(rows, columns=["unit", "unit_label", "row", "col"])


def district_map(prog: pd.DataFrame, ranking: pd.DataFrame, tiers: dict[str, str], catalog: Catalog, period: str,
                 colour_by: str, indicator: str, lang: str) -> DistrictMap:
    """The districts of ``period``'s year coloured by ``colour_by``: ``par`` (``ranking`` is
    :func:`cchc.ranking.ranking` of the year, ``tiers`` tier code → name, best first), ``status`` or ``value``
    of ``indicator`` in the period's own reports."""
    tiles = _place(block_names(catalog, parse_period(period).year, "huyen"))
    no_data = status_label("no_data", lang)
    if colour_by == "par":
        scored = ranking.set_index("unit")
        value = tiles["unit"].map(scored["index"]).astype(float)
        group = tiles["unit"].map(scored["tier"].map(tiers)).where(value.notna(), no_data)
        colours = {**tier_colours(list(tiers.values())), no_data: STATUS_COLOURS["no_data"]}
        texts = [number_text(v, lang, DECIMALS["index"]) + "%" if pd.notna(v) else "–" for v in value]
        title = t("map.by_par", lang, year=parse_period(period).year)
        what = t("label.index", lang)
    else:
        ind = catalog.indicator_by_code[indicator]
        rows = in_period(prog[prog["indicator"] == indicator], period).set_index("unit")
        value = tiles["unit"].map(rows["value"]).astype(float)
        status = tiles["unit"].map(rows["status"]).where(value.notna(), "no_data").fillna("no_data")
        group = status.map(lambda s: status_label(s, lang))
        colours = {status_label(s, lang): STATUS_COLOURS.get(s, STATUS_COLOURS["no_data"]) for s in STATUS_COLOURS}
        texts = [measure_text(v, ind.measure, lang) for v in value]
        title = f"{indicator} · {indicator_name(ind, lang)}"
        what = t("label.value", lang)
    hover = [f"<b>{name}</b><br>{what}: {text}<br>{word}" for name, text, word in
             zip(tiles["unit_label"], texts, group, strict=True)]
    frame = tiles.assign(group=group.to_numpy(), colour=group.map(colours).to_numpy(), value=value.to_numpy(),
                         text=texts, hover=hover)
    order = {word: n for n, word in enumerate(colours)}  # the legend reads best to worst, no data last
    frame = frame.sort_values("group", key=lambda words: words.map(order), kind="stable")
    return DistrictMap(frame[list(TILE_COLUMNS)].reset_index(drop=True), colour_by == "value", title)


def map_indicators(catalog: Catalog, period: str, lang: str) -> dict[str, str]:
    """Code → ``code name`` of the indicators the districts report in ``period``, in catalog order."""
    end = parse_period(period).end
    codes = {i.code for code in block_names(catalog, end.year, "huyen")
             for i in catalog.indicators_for(catalog.unit_by_code[code], end)}
    return {i.code: f"{i.code} {indicator_name(i, lang)}" for i in catalog.indicators if i.code in codes}
