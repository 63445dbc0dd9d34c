"""Publication dates as ISO-ish strings ("2016", "2016-03", "2016-03-15") from what sources give."""

from __future__ import annotations

import re

_MONTHS = {
    name: number
    for number, names in enumerate(
        [("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"),
         ("may",), ("jun", "june"), ("jul", "july"), ("aug", "august"),
         ("sep", "sept", "september"), ("oct", "october"), ("nov", "november"),
         ("dec", "december")],
        start=1,
    )
    for name in names
}


def month_number(value: str | None) -> int | None:
    """1-12 from "03", "3", "Mar" or "March"; None when it is not a month."""
    if not value:
        return None
    value = value.strip().rstrip(".").lower()
    if value.isdigit():
        number = int(value)
        return number if 1 <= number <= 12 else None
    return _MONTHS.get(value)


def iso_date(year: str | None, month: str | None = None, day: str | None = None) -> str | None:
    """Join the parts that are known; a day without a month is dropped."""
    if not year or not re.fullmatch(r"\d{4}", year.strip()):
        return None
    result = year.strip()
    number = month_number(month)
    if number is None:
        return result
    result += f"-{number:02d}"
    if day and day.strip().isdigit() and 1 <= int(day) <= 31:
        result += f"-{int(day):02d}"
    return result


def parse_date(text: str | None) -> str | None:
    """An ISO-ish date from free text ("2006 Jan 10", "2019/03/18/", "JUN 8 2004", "2016-03").

    Text that does not start with a recognisable year is returned as given, stripped.
    """
    if not text or not text.strip():
        return None
    text = text.strip()
    numeric = re.match(r"^(\d{4})(?:[-/.](\d{1,2}))?(?:[-/.](\d{1,2}))?", text)
    if numeric and not re.match(r"^\d{4}\s+[A-Za-z]", text):
        return iso_date(*numeric.groups())
    words = re.match(r"^(\d{4})\s+([A-Za-z]+)\.?(?:\s+(\d{1,2}))?", text)
    if words:
        return iso_date(*words.groups())
    month_first = re.match(r"^([A-Za-z]+)\.?\s+(?:(\d{1,2}),?\s+)?(\d{4})$", text)
    if month_first:
        month, day, year = month_first.groups()
        return iso_date(year, month, day)
    return text
