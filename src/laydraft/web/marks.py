"""Findings shown inside the text they point at, built from escaped pieces only."""

from __future__ import annotations

from collections.abc import Sequence

from markupsafe import Markup, escape

from ..models import SUMMARY_FIELDS, Finding

_MARK = Markup('<mark class="finding {severity}" data-check="{check}" title="{title}">'
               '{text}</mark>')
# After a marked span, a numbered link to the finding's entry in the list below the text, so the
# details are one Tab and Enter away, not only in the hover title. Its number is drawn by CSS
# (data-n), which keeps the section's text content the text itself.
_REF = Markup('<a class="finding-ref" href="#finding-{number}" data-n="{number}" '
              'aria-label="Finding {number}: {severity}, {check}"></a>')


def finding_title(finding: Finding) -> str:
    title = f"{finding.severity.value} · {finding.check}: {finding.message}"
    if finding.suggestion:
        title += f" (suggestion: {finding.suggestion})"
    return title


def has_span(finding: Finding, text: str) -> bool:
    return (finding.start is not None and finding.end is not None
            and 0 <= finding.start < finding.end <= len(text))


def is_whole(finding: Finding, text: str) -> bool:
    """A finding about the whole section (readability, length) rather than some words."""
    return not has_span(finding, text) or (finding.start == 0 and finding.end == len(text))


def marked(text: str, findings: list[Finding],
           numbered: Sequence[tuple[int, Finding, object]] = ()) -> Markup:
    """``text`` with each finding's span wrapped in ``<mark>``, every piece escaped.

    ``numbered`` holds the page's (number, finding, ...) entries: a marked finding found there
    is followed by a link to ``#finding-NUMBER``.

    Spans inside another span nest; a span that only partly overlaps an earlier one is left
    unmarked (it is still listed under the section). Findings about the whole section are
    not marked; the page lists them.
    """
    spans = sorted((f for f in findings if not is_whole(f, text)),
                   key=lambda f: (f.start or 0, -(f.end or 0)))
    numbers = {id(entry[1]): entry[0] for entry in numbered}
    return _marked_range(text, 0, len(text), spans, numbers)


def _marked_range(text: str, start: int, end: int, spans: list[Finding],
                  numbers: dict[int, int]) -> Markup:
    pieces: list[Markup] = []
    pos = start
    for index, finding in enumerate(spans):
        s, e = finding.start or 0, finding.end or 0
        if s < pos or e > end:
            continue
        inner = [f for f in spans[index + 1:] if s <= (f.start or 0) and (f.end or 0) <= e]
        pieces.append(escape(text[pos:s]))
        pieces.append(_MARK.format(severity=finding.severity.value, check=finding.check,
                                   title=finding_title(finding),
                                   text=_marked_range(text, s, e, inner, numbers)))
        if id(finding) in numbers:
            pieces.append(_REF.format(number=numbers[id(finding)],
                                      severity=finding.severity.value, check=finding.check))
        pos = e
    pieces.append(escape(text[pos:end]))
    return Markup("").join(pieces)


def by_section(findings: list[Finding]) -> dict[str | None, list[Finding]]:
    """Findings grouped by the summary field they point into; None for the whole draft."""
    grouped: dict[str | None, list[Finding]] = {name: [] for name in SUMMARY_FIELDS}
    grouped[None] = []
    for finding in findings:
        grouped.setdefault(finding.section, []).append(finding)
    return grouped
