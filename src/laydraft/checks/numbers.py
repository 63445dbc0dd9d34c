"""Every figure in a draft must be traceable to the abstract (see ``laydraft.text.tracing``).

Untraceable figures are errors: a wrong number is the mistake a lay reader can least detect.
Dates and calendar years are warnings instead: a search or publication date usually comes from the
record's metadata rather than the abstract text, so it is for the reviewer to confirm.
Spelled-out small numbers (one to ten) are checked only when they are quantities with a unit,
percentage or multiplier ("two years", "five per cent", "three times"); otherwise they are
ordinary words ("one study", "two groups") and are not flagged.

Codes (stable; messages may change, codes do not):

- ``numbers.untraceable``: a figure the abstract does not support, even allowing for rounding,
  a change of units or a faithful paraphrase ("9 in 10" for 92%); an error.
- ``numbers.untraceable_date``: a date or calendar year not in the abstract; a warning.

Text is read dash-folded (``normalise.for_reading``, inside the extractor), so a check called
directly behaves as under ``run_checks``.
"""

from __future__ import annotations

from ..models import Abstract, Finding, LaySummary, Severity
from ..text.numbers import NumberMention, extract_numbers
from ..text.tracing import NumberIndex, index_for

NAME = "numbers"
CODE_UNTRACEABLE = "numbers.untraceable"
CODE_DATE = "numbers.untraceable_date"


def source_index(abstract: Abstract) -> NumberIndex:
    """The numbers an abstract supports: its text plus title and publication date."""
    extra = tuple(x for x in (abstract.title, abstract.published) if x)
    return index_for(abstract.text, extra)


def untraceable(index: NumberIndex, text: str) -> list[NumberMention]:
    """The quantities in ``text`` that ``index`` cannot account for.

    ``text`` goes to ``trace`` too: a bare count ("the Copper 7") matching only numbers that
    say what they count ("7 trials") must share a neighbouring word with one of them.
    """
    return [m for m in extract_numbers(text) if m.quantity and index.trace(m, text) is None]


def check_numbers(abstract: Abstract, summary: LaySummary) -> list[Finding]:
    index = source_index(abstract)
    findings = []
    for section, text in summary.sections().items():
        for mention in untraceable(index, text):
            if mention.kind in ("year", "date"):
                findings.append(Finding(
                    check=NAME, code=CODE_DATE, severity=Severity.warning, section=section,
                    start=mention.start, end=mention.end,
                    message=f"The date '{mention.text}' is not in the abstract.",
                    suggestion="Confirm the date against the record, or remove it.",
                ))
                continue
            findings.append(Finding(
                check=NAME, code=CODE_UNTRACEABLE, severity=Severity.error, section=section,
                start=mention.start, end=mention.end,
                message=(f"'{mention.text}' cannot be traced to the abstract, "
                         "even allowing for rounding or a change of units."),
                suggestion="Use the figure as the abstract gives it, or remove it.",
            ))
    return findings
