"""Plain-text views of drafts and the queue for the terminal."""

from __future__ import annotations

import textwrap

from ..models import SECTION_TITLES, SUMMARY_SECTIONS, Dismissal, Draft, Finding, QueueItem

_LONGEST_QUOTE = 80
_MARK = {"error": "✗", "warning": "!", "info": "·"}


def _wrap(text: str, indent: str = "  ") -> str:
    return textwrap.fill(text, width=88, initial_indent=indent, subsequent_indent=indent)


def _finding_line(finding: Finding, text: str, number: int | None = None,
                  dismissal: Dismissal | None = None) -> str:
    where = ""
    if finding.start is not None and finding.end is not None:
        quoted = text[finding.start:finding.end]
        # A finding about a whole section (reading level, length) needs no quote.
        if len(quoted) < len(text.strip()) and len(quoted) <= _LONGEST_QUOTE:
            where = f' "{quoted}"'
    mark = "–" if dismissal else _MARK[finding.severity.value]
    lead = "    " if number is None else f"{'#' + str(number):>4}"
    line = f"{lead} {mark} {finding.severity.value} [{finding.check}]{where}: "
    line += finding.message
    if finding.suggestion:
        line += f" (suggestion: {finding.suggestion})"
    if number is not None and finding.code:
        line += f" · {finding.code}"
    if dismissal:
        line += (f" — dismissed by {dismissal.actor} ({dismissal.at:%Y-%m-%d}): "
                 f"{dismissal.reason}")
    return line


def _findings_for(draft: Draft, section: str | None,
                  dismissed: list[Dismissal | None] | None) -> list[str]:
    text = draft.summary.sections().get(section or "", "")
    if dismissed is None:
        return [_finding_line(f, text) for f in draft.findings if f.section == section]
    return [_finding_line(f, text, number, d)
            for number, (f, d) in enumerate(zip(draft.findings, dismissed, strict=True), 1)
            if f.section == section]


def provenance_line(draft: Draft) -> str:
    p = draft.provenance
    drafter = "offline drafter (built in, no network)" if p.drafter == "offline" else p.drafter
    cost = "unknown" if p.cost_usd is None else f"${p.cost_usd:.6f}".rstrip("0").rstrip(".")
    parts = [
        f"drafter: {drafter}" + (f", model {p.model}" if p.model else ""),
        f"prompt {p.prompt_fingerprint}",
        f"tokens {p.tokens_in} in / {p.tokens_out} out" + (" (cached)" if p.cached else ""),
        f"cost {cost}",
    ]
    return " · ".join(parts)


def draft_text(draft: Draft, dismissed: list[Dismissal | None] | None = None) -> str:
    """Headline, the three sections with their findings, and the provenance line.

    With ``dismissed`` (one entry per finding, in order) the findings are numbered, as
    `review dismiss` names them, and dismissed ones show their reason.
    """
    lines = [draft.summary.headline, "=" * min(len(draft.summary.headline), 88)]
    lines += _findings_for(draft, "headline", dismissed)
    for name in SUMMARY_SECTIONS:
        lines += ["", SECTION_TITLES[name], _wrap(getattr(draft.summary, name))]
        lines += _findings_for(draft, name, dismissed)
    overall = _findings_for(draft, None, dismissed)
    if overall:
        lines += ["", "Whole draft", *overall]
    lines += ["", provenance_line(draft)]
    if draft.id is not None:
        lines.append(f"draft #{draft.id} · version {draft.version} · {draft.status.value}"
                     + (f" · reviewer {draft.reviewer}" if draft.reviewer else ""))
    return "\n".join(lines)


def finding_flags(item: QueueItem) -> str:
    """Errors and warnings still open ("2✗ 1!"), then how many were dismissed, if any."""
    dismissed = item.dismissed_errors + item.dismissed_warnings
    return f"{item.errors}✗ {item.warnings}!" + (f" ({dismissed} dismissed)" if dismissed else "")


def queue_table(items: list[QueueItem]) -> str:
    """The queue, one draft a line; the findings column counts only findings not dismissed."""
    if not items:
        return "The queue is empty."
    flags = [finding_flags(item) for item in items]
    width = max(9, *(len(f) for f in flags))
    header = (f"{'id':>5}  {'status':<17} {'ver':>3}  {'findings':<{width}} {'drafter':<8} "
              f"{'created':<16} title")
    rows = [header]
    for item, flag in zip(items, flags, strict=True):
        title = (item.title or "(untitled)")[:60]
        rows.append(f"{item.id:>5}  {item.status.value:<17} {item.version:>3}  {flag:<{width}} "
                    f"{item.drafter:<8} {item.created_at:%Y-%m-%d %H:%M} {title}")
    return "\n".join(rows)
