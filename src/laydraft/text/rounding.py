"""The values a written number can stand for, given the precision it is written to.

"92%" stands for 91.5 to 92.5, "about 30%" for 25 to 35, "over 7,000" for 7,000 to 8,000.
Tracing asks whether a source holds a value inside such a window.
"""

from __future__ import annotations

import bisect

from .number_context import Qualifier

_SLACK = 1e-9
_ONE_SIDED_CAP = 0.3


def key(value: float) -> float:
    """A value as compared for equality: floats from arithmetic rounded to 6 places."""
    return round(value, 6)


def step(
    value: float, decimals: int, *, loose: bool, widen: bool = True, cap: float = 0.2
) -> float:
    """The rounding unit a written number implies: 0.4 -> 0.1, 92 -> 1, 7,800 -> 100.

    Trailing zeros of whole numbers count as rounding from 100 up when there are two or more
    ("7,800"), or from 10 up when the number is hedged ("about 30%", "over 80"); a hedge never
    widens past ``cap`` times the value (a fifth; one-sided hedges, which bound one side
    exactly, reach 30%: "more than 1,000" for 1,203). ``widen=False`` keeps the precision of
    the digits.
    """
    unit = 10.0 ** -decimals
    if widen and decimals <= 0 and value >= (10 if loose else 100):
        digits = str(int(value))
        zeros = len(digits) - len(digits.rstrip("0"))
        if loose or zeros >= 2:  # unhedged, 3,660 is a count; 3,600 may be rounded
            unit = max(unit, 10.0 ** zeros)
    return min(unit, cap * value) if loose and value else unit


def window(
    value: float, decimals: int, qualifier: Qualifier | None, *, widen: bool = True
) -> tuple[float, float]:
    """(low, high): the values the written number may stand for, hedge included."""
    one_sided = qualifier in ("more", "less")
    size = step(value, decimals, loose=qualifier is not None, widen=widen,
                cap=_ONE_SIDED_CAP if one_sided else 0.2)
    if qualifier == "more":
        return value, value + size
    if qualifier == "less":
        return value - size, value
    if qualifier == "approx":
        unit = 10.0 ** -decimals  # "about 25%" for 24%, but "about 3" is not 2 or 4
        half = max(size / 2, unit / 2, min(unit, 0.05 * value))
        return value - half, value + half
    return value - size / 2, value + size / 2


def hit(pool: list[float], low: float, high: float) -> bool:
    """A value of the sorted ``pool`` lies in [low, high]."""
    i = bisect.bisect_left(pool, low - _SLACK)
    return i < len(pool) and pool[i] <= high + _SLACK
