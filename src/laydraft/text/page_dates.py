"""Dates as a site's readers expect them: a CLDR pattern in a locale, via Babel.

A page keeps the ISO date in ``<time datetime>`` for machines and shows people the site's own
format ("5 March 2024" with ``d MMMM y`` in ``en_GB``, "5 mars 2024" in ``fr``). A study's date
may be partial (``2021`` or ``2021-02``, as many journals give it): it is shown with only the
parts known, in the locale's form for a month and year.
"""

from __future__ import annotations

import re
from datetime import date, datetime

from babel.dates import format_date, format_skeleton

_ISO = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")


def show_date(value: date | datetime | str | None, pattern: str, locale: str) -> str | None:
    """``value`` (a date, or ISO text, possibly only a year or a month) for people to read.

    Text that is not an ISO date ("Spring 2021") is shown as it is.
    """
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        return format_date(value, pattern, locale=locale)
    match = _ISO.match(value.strip())
    if not match:
        return value
    year, month, day = match.groups()
    try:
        if day:
            return format_date(date(int(year), int(month), int(day)), pattern, locale=locale)
        if month:
            return format_skeleton("yMMMM", date(int(year), int(month), 1), locale=locale)
    except ValueError:
        return value
    return year


def year_of(value: str | None) -> str | None:
    """The year of a date as the source gave it ("2021-02-15" and "2021 Spring" give 2021)."""
    found = re.search(r"\b(1[89]\d\d|2\d\d\d)\b", value or "")
    return found.group(1) if found else None
