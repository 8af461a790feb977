"""One way to write a figure per language, with a fixed number of decimals per measure, for tables, charts,
tooltips and exports alike: Vietnamese ``1.234,5``, English ``1,234.5``, ``–`` when blank.

Plotly writes axis ticks and ``%{x:.1f}`` placeholders with the figure's ``separators`` (:func:`separators`), so
a chart's numbers and a table's read the same way.
"""

from __future__ import annotations

import math
from typing import Any

# decimals per measure: percentages (and yes/no shares of units) to one tenth, counts whole, PAR points and
# the PAR index to two places (as the published ranking), progress scores to one tenth
DECIMALS: dict[str, int] = {"percent": 1, "yes_no": 1, "count": 0, "points": 2, "index": 2, "score": 1}
BLANK = "–"


def number_text(value: Any, lang: str = "vi", decimals: int = 1) -> str:
    """``value`` with ``decimals`` places and the language's separators; ``–`` when blank."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return BLANK
    try:
        number = float(value)
    except (TypeError, ValueError):
        return BLANK
    if math.isnan(number):
        return BLANK
    text = f"{number:,.{decimals}f}"
    if text.startswith("-") and float(text.replace(",", "")) == 0:
        text = text[1:]  # −0,0 reads as a fall where there is none
    return text if lang == "en" else text.translate(str.maketrans(",.", ".,"))


def measure_text(value: object, measure: str, lang: str = "vi") -> str:
    """A figure of an indicator with its unit: ``68,5%`` for a percentage or yes/no share, ``15`` for a count."""
    text = number_text(value, lang, DECIMALS.get(measure, 1))
    return text + "%" if measure in ("percent", "yes_no") and text != BLANK else text


def separators(lang: str = "vi") -> str:
    """Plotly's ``layout.separators``: the decimal mark, then the thousands mark."""
    return ".," if lang == "en" else ",."
