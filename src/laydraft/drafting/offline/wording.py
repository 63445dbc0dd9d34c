"""Plain words that keep the grammar and the sense of the sentence they go into.

The swaps are the team's list (``laydraft.text.plain_words``) minus the ones that break sense
here: statistical significance is not certainty, so "significantly" is never "clearly";
"relapse (flare-up)" is right for multiple sclerosis, not for cancer; "intravenous X" cannot
become "into a vein X". After the swaps, "a"/"an" are set by the next word's sound, and the
authors' first person becomes "the review" or "the study". Evidence grading stays, in plain
words ("low-certainty evidence" -> "evidence the authors rated as uncertain" is left to
``sections``; here it only loses its jargon).
"""

from __future__ import annotations

import re
from functools import lru_cache

from ...text.plain_words import PLAIN_WORDS
from .rewrites import WORDS, rewrite

# swaps that change what a sentence claims, or only fit some sentences
_NEVER = {
    "statistically significant", "statistically significantly", "significantly",
    "relapse", "intravenous", "intravenously", "symptomatic", "asymptomatic",
    "placebo", "randomised", "randomized", "cohort", "population", "baseline",
    "incidence", "prevalence", "outcomes", "potential", "concerning", "identified",
    "indicated", "indicates", "disease-modifying therapy", "disease-modifying therapies",
    "high-efficacy therapies", "respectively", "duration", "experienced", "characteristics",
    "considerable", "intervention", "interventions", "therapeutic", "consumption",
    "moderate-quality evidence", "moderate quality evidence", "low-quality evidence",
    "low quality evidence", "very low-quality evidence", "very low quality evidence",
    "high-quality evidence", "high quality evidence", "confidence interval",
}
_EXTRA = {
    "prevalence of": "share of people with",
    "incidence of": "rate of",
    "were randomised": "were put by chance",
    "were randomized": "were put by chance",
    "was randomised": "was put by chance",
    "was randomized": "was put by chance",
    "randomised trials": "trials that put people into groups by chance",
    "randomized trials": "trials that put people into groups by chance",
    "placebo": "a dummy treatment",
    "a placebo": "a dummy treatment",
    "the placebo": "the dummy treatment",
    "with placebo": "with a dummy treatment",
    "versus placebo": "versus a dummy treatment",
    "compared with placebo": "compared with a dummy treatment",
    "compared to placebo": "compared with a dummy treatment",
    "primary outcome": "main result",
    "secondary outcomes": "other results",
    "intervention group": "treatment group",
    "interventions": "treatments",
    "intervention": "treatment",
}
_SWAPS: dict[str, str] = {k: v for k, v in PLAIN_WORDS.items()
                          if k not in _NEVER and "(" not in v}
_SWAPS.update(_EXTRA)
_SWAPS.update(WORDS)
_PATTERN = re.compile(  # whole words only: "cost-effectiveness" is not "effectiveness"
    r"(?<![\w-])(" + "|".join(re.escape(k) for k in sorted(_SWAPS, key=len, reverse=True)) +
    r")(?![\w-])",
    re.IGNORECASE,
)
_ARTICLE = re.compile(r"\b([Aa]n?)\s+([A-Za-z][\w-]*)")
_NOT_AFTER_AN_ARTICLE = frozenset({
    "and", "or", "in", "of", "to", "versus", "vs", "with", "than", "was", "were", "is", "are",
    "for", "on", "at", "by", "from", "but", "nor", "had", "has", "have"})
_SENTENCE_START = re.compile(r"(?:^|[.!?:;]\s+|[(\[\"“‘'])\s*$")
_AN_SOUND = re.compile(r"^(?:[aeio]|u(?!ni|s[eu]|ti|r[aeiou])|hour|honest|honou?r|heir)", re.I)
_FIRST_PERSON: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"\b[Ww]e (included|found|identified|searched|assessed|analysed|analyzed|"
                r"studied|reviewed|compared|measured|observed|selected|pooled|"
                r"could not|did not|were unable|judged|rated|used|conclude|report)\b"),
     r"the authors \1"),
    (re.compile(r"\b[Oo]ur (review|study|trial|analysis|results|findings|data)\b"), r"this \1"),
    (re.compile(r"\b[Ww]e\b"), "the authors"),
    (re.compile(r"\b[Oo]ur\b"), "their"),
]


def _an_before(word: str) -> bool:
    if word.isupper() and len(word) > 1:  # abbreviations are read letter by letter
        return word[0] in "AEFHILMNORSX"
    return bool(_AN_SOUND.match(word)) and not word.lower().startswith(("one", "eu", "uni"))


def fix_articles(text: str) -> str:
    """'a'/'an' chosen by the sound of the word after it ("an side effect" -> "a side effect").

    A capital "A" inside a sentence is a letter of a name ("vitamin A and DHA", "influenza A
    in children"), and no article comes before "and", "in" or "was": both are left alone."""
    def repair(match: re.Match[str]) -> str:
        article, word = match.group(1), match.group(2)
        if word.lower() in _NOT_AFTER_AN_ARTICLE or (
                article[0].isupper() and not _SENTENCE_START.search(text, 0, match.start())):
            return match.group()
        wanted = "an" if _an_before(word) else "a"
        if article[0].isupper():
            wanted = wanted.capitalize()
        return f"{wanted} {word}"

    return _ARTICLE.sub(repair, text)


def third_person(text: str) -> str:
    """The authors' "we" as "the authors": a summary speaks about the study, not for it."""
    for pattern, replacement in _FIRST_PERSON:
        text = pattern.sub(replacement, text)
    return text


@lru_cache(maxsize=4096)
def plain(text: str) -> str:
    """Plain words, third person and matching articles."""
    def replace(match: re.Match[str]) -> str:
        found = match.group(0)
        swap = _SWAPS[found.lower()]
        return swap[0].upper() + swap[1:] if found[0].isupper() else swap

    text = _PATTERN.sub(replace, rewrite(third_person(text)))
    text = fix_articles(text)
    return text[0].upper() + text[1:] if text else text


_DEFINED = re.compile(r"((?:[A-Za-z][\w'-]*\s+){1,7}?)\(([A-Z][A-Za-z0-9-]*[A-Z0-9]s?)\)")


def abbreviations(text: str) -> dict[str, str]:
    """Abbreviations the abstract defines ("intensive care unit (ICU)") with their long form.

    The long form is the shortest run of words before the bracket whose first word starts
    with the abbreviation's first letter and that has no more words than it has letters.
    """
    found: dict[str, str] = {}
    for match in _DEFINED.finditer(text):
        abbreviation = match.group(2)
        letters = re.sub(r"[^A-Za-z]", "", abbreviation.rstrip("s")) or abbreviation
        words = match.group(1).split()
        for size in range(1, min(len(words), len(letters)) + 1):
            candidate = words[-size:]
            if candidate[0][0].lower() == letters[0].lower() and size >= len(letters) - 1:
                found.setdefault(abbreviation, " ".join(candidate))
                break
    return found


def expand(text: str, defined: dict[str, str]) -> str:
    """Each defined abbreviation written out: a lay reader does not keep a list of them."""
    if not defined:
        return text
    pattern = re.compile(r"\b(" + "|".join(re.escape(k) for k in sorted(defined, key=len,
                                                                        reverse=True)) + r")\b")
    return pattern.sub(lambda m: defined[m.group(1)], text)


# Swaps that are right only for some conditions: "relapse" is a flare-up in multiple sclerosis,
# a return of the disease in cancer or addiction.
_BY_CONDITION: dict[str, dict[str, str]] = {
    "multiple sclerosis": {
        "annualised relapse rate": "yearly rate of flare-ups",
        "annualized relapse rate": "yearly rate of flare-ups",
        "relapse rate": "rate of flare-ups",
        "relapse activity": "flare-ups",
        "relapses": "flare-ups",
        "relapse": "flare-up",
    },
}


def condition_swaps(abstract_text: str) -> dict[str, str]:
    """The swaps for the conditions the abstract is about."""
    text = abstract_text.lower()
    swaps: dict[str, str] = {}
    for condition, table in _BY_CONDITION.items():
        if condition in text:
            swaps.update(table)
    return swaps


def swap(text: str, swaps: dict[str, str]) -> str:
    """Apply condition-keyed swaps, longest first."""
    if not swaps:
        return text
    pattern = re.compile(r"\b(" + "|".join(re.escape(k) for k in sorted(swaps, key=len,
                                                                        reverse=True)) + r")\b",
                         re.I)

    def replace(match: re.Match[str]) -> str:
        new = swaps[match.group(0).lower()]
        return new[0].upper() + new[1:] if match.group(0)[0].isupper() else new

    return pattern.sub(replace, text)
