"""Tracing a draft's numbers to a source: is each figure supported by the abstract?

``NumberIndex`` holds what a source supports and answers ``trace(mention)``. A number is
traceable when its value occurs in the source measuring a compatible thing (a count of people
is not matched to a count of studies, a duration in months or a dose in mg; a percentage is
not matched to a bare number; numbers whose context says nothing match anything, but given
the draft's text a bare count matching only numbers that do say what they count must share a
neighbouring word with one of them), so any stretch of words copied from the abstract is
traceable; spelled-out numbers are also accepted when their words occur verbatim. Otherwise
it must be a faithful paraphrase:

- rounding to the precision written (92.3% as 92%, 0.41 as 0.4, 7,843 as 7,800 or 8,000;
  one trailing zero is rounding only when hedged: "about 3,660", not "3,660" for 3,661);
  whole numbers under 10, and counts of people or studies under 1,000, must be exact unless
  hedged ("about 3", "nearly 320"); other units round only at the digits written (18 points
  for 18.1, not 300 mg for 340 mg);
- a qualifier's direction and a modest margin ("over 7,000" for 7,843, "nearly 50%" for 47%);
- scale and unit changes: proportions as percentages (0.74 as 74%), percentages or
  proportions as fractions and ratios (25% as "one in four", 0.5 as "half", 85/202 as "85 out
  of 202"), ratio measures as relative changes (RR 0.73 as "27% lower"), durations across
  units with a 5% margin (24 months as two years; 49 years is not 50 years);
- derived figures only where the source shows the arithmetic in one clause (a sentence, or
  a part of one between semicolons; see ``source_figures``): the difference of two
  percentages in that clause (percentage points), the share one count is of another ("52 of
  104" as half), how many times one number is another (multipliers). Derived changes (differences, 1 - RR) support only percentages
  told as changes ("27% fewer", "reduced by 27%"), not levels ("27% of patients"). Proportions
  and multipliers trace only to proportions and multipliers: "three times" is not supported by
  some 3 elsewhere.
"""

from __future__ import annotations

import bisect
import re
from collections import defaultdict
from functools import lru_cache

from .normalise import for_reading
from .number_words import WEEKS_PER_UNIT
from .numbers import NumberMention, dimension, extract_numbers
from .rounding import hit, key, window
from .sentences import clause_spans
from .source_figures import OF_PAIR, SourceFigures

_CONTENT_WORD = re.compile(r"[a-z]{3,}")
_FUNCTION_WORDS_TEXT = (
    "the and for with was were are this that these those from than had has have who which "
    "their there they them its not but all any one two three four five six seven eight nine ten "
    "more less each per into between only also after before over under about"
)
_FUNCTION_WORDS = frozenset(_FUNCTION_WORDS_TEXT.split())
_NEAR = 50
_DURATION_MARGIN = 0.05
_PAIR_SLACK = 0.005


def near_words(text: str, mention: NumberMention) -> set[str]:
    """Content words within a few words of a mention, crudely stemmed."""
    span = text[max(0, mention.start - _NEAR):mention.end + _NEAR].lower()
    return {w.rstrip("s") for w in _CONTENT_WORD.findall(span) if w not in _FUNCTION_WORDS}


def by_clause(text: str, mentions: list[NumberMention]) -> list[list[NumberMention]]:
    """The mentions grouped by the clause (sentence, or part between semicolons) they are in."""
    starts = [start for start, _ in clause_spans(text)]
    groups: dict[int, list[NumberMention]] = defaultdict(list)
    for mention in mentions:
        groups[bisect.bisect_right(starts, mention.start)].append(mention)
    return list(groups.values())


class NumberIndex:
    """What a source text supports, for tracing a draft's numbers to it."""

    def __init__(self, text: str, extra: tuple[str, ...] = ()) -> None:
        self.text = "\n".join((text, *extra))
        readable = for_reading(self.text)
        self._surface = readable.lower()
        self.mentions = extract_numbers(self.text)
        self._near: dict[float, set[str]] | None = None
        self.figures = SourceFigures(readable, self.mentions, by_clause(readable, self.mentions))
        by_class = self.figures.by_class
        unknown = by_class[None]
        self._everything = sorted(set().union(*by_class.values()))
        self._values = {c: sorted(vals if c == "percent" else unknown | vals)
                        for c, vals in by_class.items() if c}
        self._exact = {c: {key(v) for v in vals} for c, vals in self._values.items()}
        self._exact_all = {key(v) for v in self._everything}
        self._unknown = sorted(unknown)
        self._exact_unknown = {key(v) for v in unknown}

    # -- questions -------------------------------------------------------------------------

    def verbatim(self, mention: NumberMention) -> bool:
        """The mention's text occurs in the source, not as part of a longer number."""
        needle = for_reading(mention.text).lower()
        start = self._surface.find(needle)
        while start >= 0:
            if self._stands_alone(start, start + len(needle)):
                return True
            start = self._surface.find(needle, start + 1)
        return False

    def _stands_alone(self, start: int, end: int) -> bool:
        before = self._surface[start - 1] if start else " "
        after = self._surface[end:end + 2]
        return not (before.isalnum() or before in ".,") and not (
            after[:1].isalnum() or (after[:1] in ".," and after[1:2].isdigit())
        )

    def trace(self, mention: NumberMention, text: str | None = None) -> str | None:
        """How the source supports the mention ('value', 'rounded', 'percent'...), or None.

        Spelled-out numbers found verbatim are accepted as they stand ('verbatim'): number
        words read differently out of context ("twenty" of "twenty-five"). Given the draft
        ``text`` the mention is in, a count that says nothing of what it counts and matches
        only numbers that do ("12" for "12 trials") must share a neighbouring word with one.
        """
        if mention.spelled and self.verbatim(mention):
            return "verbatim"
        reasons = [self._trace_value(mention, v, d) for v, d in
                   zip(mention.values, mention.decimals + (0,) * 3, strict=False)]
        if any(r is None for r in reasons):
            return None
        if text is not None and reasons[0] == "value" and not self._in_context(mention, text):
            return None
        if text is not None and not self._pair_supported(mention, text):
            return None
        return reasons[0]

    def _pair_supported(self, mention: NumberMention, text: str) -> bool:
        """A digit fraction ("13/36") traces only as a pair: the source must give the same
        share, so "13/36" is not supported by a 13 and a 36 that count different things.
        ("12 of 19 studies" is left to its parts: summaries often count a subset the
        abstract gives apart from its total.)"""
        if mention.kind != "fraction" or len(mention.values) != 2:
            return True
        readable = for_reading(text)
        low = max(0, mention.start - 16)
        for match in OF_PAIR.finditer(readable, low, mention.end + 16):
            if match.start() <= mention.start and mention.end <= match.end():
                a, b = (float(g.replace(",", "")) for g in match.groups())
                if not 0 < a <= b:
                    return True
                share = a / b
                return (hit(self.figures.proportions, share - _PAIR_SLACK, share + _PAIR_SLACK)
                        or hit(self.figures.percents, 100 * share - 0.5, 100 * share + 0.5))
        return True

    def _in_context(self, mention: NumberMention, text: str) -> bool:
        if mention.kind != "count" or dimension(mention) is not None:
            return True
        value = key(mention.value)
        if value in self._exact_unknown:
            return True
        return bool(self._near_by_value().get(value, set()) & near_words(text, mention))

    def _near_by_value(self) -> dict[float, set[str]]:
        """Words near each source value whose context says what it measures (built lazily:
        only bare counts in context need it)."""
        if self._near is None:
            self._near = defaultdict(set)
            for m in self.mentions:
                if dimension(m) is not None:
                    words = near_words(self.text, m)
                    for v in m.values:
                        self._near[key(v)] |= words
        return self._near

    def _pool(self, mention: NumberMention) -> tuple[set[float], list[float]]:
        dim = dimension(mention)
        if dim is None:
            return self._exact_all, self._everything
        if dim == "percent" and dim not in self._values:
            return set(), []  # a percentage is not supported by a bare number
        if dim not in self._values:
            return self._exact_unknown, self._unknown
        return self._exact[dim], self._values[dim]

    def _trace_value(self, mention: NumberMention, value: float, decimals: int) -> str | None:
        """Proportions and multipliers trace only to proportions and multipliers (a "1 in 5"
        or "three times" is not supported by some 5 or 3 elsewhere)."""
        if mention.kind in ("fraction", "ratio") and value <= 1:
            return self._trace_share(mention, value, decimals)
        if mention.kind == "multiplier":
            tol = 0.1 * value + 0.05
            return "multiplier" if hit(self.figures.multipliers, value - tol, value + tol) else None
        return self._trace_level(mention, value, decimals)

    def _trace_share(self, mention: NumberMention, value: float, decimals: int) -> str | None:
        """A fraction or ratio; spelled ones ("one in four") are loose by nature."""
        if mention.spelled:
            tol = max(0.03, 0.15 * value) if mention.qualifier else max(0.02, 0.1 * value)
            low, high = value - tol, value + tol
        else:
            low, high = window(value, decimals, mention.qualifier)
        return "fraction" if hit(self.figures.proportions, low, high) else None

    def _trace_level(self, mention: NumberMention, value: float, decimals: int) -> str | None:
        exact, values = self._pool(mention)
        if key(value) in exact:
            return "value"
        if self._converted_duration(mention, value):
            return "duration"
        low, high = window(value, decimals, mention.qualifier)
        if mention.unit in ("percent", "points"):
            reason = self._trace_percent(mention, low, high)
            if reason:
                return reason
        return self._trace_rounded(mention, value, decimals, values)

    def _converted_duration(self, mention: NumberMention, value: float) -> bool:
        """A duration found in another unit, within 5% (49 years is not "about" 50 years:
        the margin applies only across units)."""
        if mention.unit not in WEEKS_PER_UNIT:
            return False
        weeks = value * WEEKS_PER_UNIT[mention.unit]
        low, high = weeks * (1 - _DURATION_MARGIN), weeks * (1 + _DURATION_MARGIN)
        return any(hit(pool, low, high)
                   for unit, pool in self.figures.durations.items() if unit != mention.unit)

    def _trace_percent(self, mention: NumberMention, low: float, high: float) -> str | None:
        """A percentage as a level, or a derived change (a difference, 1 - RR) when the draft
        tells it as one ("27% fewer", "reduced by 27%", "20 percentage points")."""
        if hit(self.figures.percents, low, high):
            return "percent"
        if hit(self.figures.complements, low, high):
            return "complement"
        told_as_change = mention.change or mention.unit == "points"
        return "change" if told_as_change and hit(self.figures.changes, low, high) else None

    def _trace_rounded(
        self, mention: NumberMention, value: float, decimals: int, values: list[float]
    ) -> str | None:
        """Small whole numbers and counts of people or studies are exact unless hedged;
        other units round only at the digits written (300 mg is not 340 mg)."""
        q = mention.qualifier
        people_or_studies = mention.counts in ("person", "study")
        if decimals == 0 and q is None and (value < 10 or (people_or_studies and value < 1000)):
            return None
        widen = not (mention.counts and not people_or_studies and q is None)
        low, high = window(value, decimals, q, widen=widen)
        return "rounded" if hit(values, low, high) else None


@lru_cache(maxsize=128)
def index_for(text: str, extra: tuple[str, ...] = ()) -> NumberIndex:
    """A cached ``NumberIndex``: checks run on many drafts of the same abstract."""
    return NumberIndex(text, extra)
