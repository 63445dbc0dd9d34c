"""What a source text's figures support beyond their written values.

Percentages also support proportions (74% as 0.74) and the other way round, and their
complements (92% survived as "8% died"; see ``tracing`` for when), ratio measures
support relative changes (RR 0.73 as "27% lower") and multipliers, an NNT supports "1 in N",
and within one clause two percentages support their difference and ratio ("halved"), two
counts their share and
ratio, and "52 of 104" its percentage. Built once per source by ``tracing.NumberIndex``.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable

from .number_words import NUM_RE, WEEKS_PER_UNIT
from .numbers import NumberMention, dimension

_EFFECT_LABEL = re.compile(
    r"(?:\b(?:RR|OR|HR|IRR|aOR|aHR|aRR|RRR|ratio|relative risk|risk ratio|odds ratio|"
    r"hazard ratio|rate ratio)\b)[^.;\d]{0,12}$",
    re.I,
)
_NNT_LABEL = re.compile(
    r"\b(?:NNTB?|NNTH|NNH|number needed to (?:treat|harm)(?: for an additional \w+ outcome)?)"
    r"[^.;\d]{0,14}$",
    re.I,
)
_DIFFERENCE_LABEL = re.compile(
    r"\b(?:S?MD|WMD|(?:standardi[sz]ed )?mean difference)\b[^.;\d]{0,12}$", re.I
)
_STATISTIC_BEFORE = re.compile(
    r"(?:\bCI\b|confidence interval|\bp\s*(?:value)?\s*[=<>≤≥]|\bI2|\bI²|\bSD\b|±)[^;]{0,8}$",
    re.I,
)
INTERVAL_AFTER = re.compile(r"\s*(?:CI\b|confidence|credible|prediction|uncertainty)", re.I)
OF_PAIR = re.compile(
    r"(?<![\d.,])(\d[\d,]*)\s*(?:/|of|out of|in)\s*(\d[\d,]*)(?![\d.,]\d)", re.I
)
_SCALE_WORD = re.compile(r"million|billion|thousand", re.I)
_LABEL_REACH = 30
_COMPLEMENT_FROM = 75


class SourceFigures:
    """Sorted pools of what a source supports, by the way a draft may tell it."""

    def __init__(self, text: str, mentions: list[NumberMention],
                 clauses: Iterable[list[NumberMention]]) -> None:
        self.text = text
        self.by_class: dict[str | None, set[float]] = defaultdict(set)
        self.percents: list[float] = []
        self.changes: list[float] = []  # percentages derived as changes: differences, 1 - RR
        self.proportions: list[float] = []
        self.multipliers: list[float] = []
        self.complements: list[float] = []  # 100 - p: "8% died" for "92% survived"
        self.durations: dict[str, list[float]] = defaultdict(list)
        for mention in mentions:
            self._add(mention)
        for clause in clauses:
            self._add_derived(clause)
        for name in ("percents", "changes", "proportions", "multipliers", "complements"):
            setattr(self, name, sorted(set(getattr(self, name))))
        self.durations = {unit: sorted(set(weeks)) for unit, weeks in self.durations.items()}

    # -- one mention ----------------------------------------------------------------------

    def _add(self, mention: NumberMention) -> None:
        before = self.text[max(0, mention.start - _LABEL_REACH):mention.start]
        statistic = bool(_STATISTIC_BEFORE.search(before)) or mention.kind == "range"
        if mention.kind == "count" and mention.value > 0 and _NNT_LABEL.search(before):
            self.proportions.append(1 / mention.value)  # NNT 19 is "1 in 19"
        self._add_written(mention)
        interval = bool(INTERVAL_AFTER.match(self.text, mention.end))
        effect = bool(_EFFECT_LABEL.search(before))
        for value in mention.values:
            # an effect estimate or a mean difference is not a share: RR 0.76 is not "76%"
            not_share = effect or bool(_DIFFERENCE_LABEL.search(before))
            self._add_value(mention, value, interval=interval, statistic=statistic or not_share)
            if effect and _is_estimate(mention, value, statistic):
                self.multipliers.extend((value, 1 / value))
                self.changes.append(abs(1 - value) * 100)

    def _add_written(self, mention: NumberMention) -> None:
        """The values as written, by what they measure; "1.2 million" also supports 1.2."""
        self.by_class[dimension(mention)].update(mention.values)
        if mention.kind == "ratio":  # "58 fewer per 1000" also supports a bare 58
            self.by_class[None].update(
                float(n.replace(",", "")) for n in NUM_RE.findall(mention.text))
        raw = NUM_RE.search(mention.text)
        if raw and _SCALE_WORD.search(mention.text):
            self.by_class[None].add(float(raw.group().replace(",", "")))

    def _add_value(
        self, mention: NumberMention, value: float, *, interval: bool, statistic: bool
    ) -> None:
        if mention.kind == "multiplier":
            self.multipliers.append(value)
        if mention.unit in WEEKS_PER_UNIT:
            self.durations[mention.unit].append(value * WEEKS_PER_UNIT[mention.unit])
        share = _share(mention, value, interval=interval, statistic=statistic)
        if share is not None and mention.unit == "percent" and _COMPLEMENT_FROM <= value <= 100:
            # the few told the other way ("8% died" for 92% survived); a percentage written
            # as one, not RR 0.73; from 75% up only, so most altered figures stay caught
            self.complements.append(100 - value)
        if share is not None:
            self.percents.append(share[0])
            self.proportions.append(share[1])

    # -- several mentions in one clause ---------------------------------------------------

    def _add_derived(self, found: list[NumberMention]) -> None:
        self._add_differences([v for m in found if m.unit == "percent"
                               and not INTERVAL_AFTER.match(self.text, m.end) for v in m.values])
        self._add_count_ratios([m.value for m in found if m.kind == "count" and m.value > 0])
        if len(found) > 1:
            self._add_of_pairs(found[0].start, found[-1].end)

    def _add_differences(self, percents: list[float]) -> None:
        """Two percentages support their difference, told as a change, and how many times
        one is the other ("halved" for 30% to 15%)."""
        for i, a in enumerate(percents):
            self.changes.extend(abs(a - b) for b in percents[i + 1:])
            for b in percents[i + 1:]:
                low, high = sorted((a, b))
                if low > 0:
                    self.multipliers.extend((high / low, low / high))

    def _add_count_ratios(self, counts: list[float]) -> None:
        """Two counts support the share one is of the other, and how many times it is."""
        for i, a in enumerate(counts):
            for b in counts[i + 1:]:
                low, high = sorted((a, b))
                self.proportions.append(low / high)
                self.multipliers.append(high / low)

    def _add_of_pairs(self, start: int, end: int) -> None:
        """"52 of 104", "85/202": the share one count is of the other."""
        for match in OF_PAIR.finditer(self.text, start, end):
            a, b = (float(g.replace(",", "")) for g in match.groups())
            if 0 < a <= b:
                self.percents.append(100 * a / b)
                self.proportions.append(a / b)


def _is_estimate(mention: NumberMention, value: float, statistic: bool) -> bool:
    """A ratio measure's point estimate (not its interval or a p value)."""
    return mention.kind == "decimal" and not statistic and value > 0


def _share(
    mention: NumberMention, value: float, *, interval: bool, statistic: bool
) -> tuple[float, float] | None:
    """(as a percentage, as a proportion) when the value is a share of a whole: a percentage
    (not a confidence level), a ratio or fraction, or a bare decimal between 0 and 1 that is
    not a statistic."""
    if mention.unit in ("percent", "points"):
        return None if interval else (value, value / 100)
    if mention.kind in ("ratio", "fraction"):
        proportion = _fraction_share(mention, value)
    elif mention.kind == "decimal" and mention.unit not in WEEKS_PER_UNIT and not statistic:
        proportion = value if 0 < value <= 1 else None
    else:
        proportion = None
    return None if proportion is None else (proportion * 100, proportion)


def _fraction_share(mention: NumberMention, value: float) -> float | None:
    """A ratio or fraction at most 1, or the quotient of a digit fraction (85/202)."""
    if value <= 1:
        return value
    if mention.kind == "fraction" and len(mention.values) == 2:
        share = mention.values[0] / mention.values[1] if mention.values[1] else 2.0
        return share if share <= 1 else None
    return None
