"""Forms of one word: plural, -ed/-ing, British and American spelling, a plain prefix.

A lay reader who knows "summarized" knows "summarised"; one who was told what a "lesion" is
knows "lesions". wordfreq counts each spelling and inflection apart, so a British or plural
form of a common word looks rare, and the jargon check would flag it (or flag both forms of
one term). ``variants`` lists the forms worth looking up; ``term_key`` is the one key all
forms of a term share, so a term is reported once whatever its form. Rules, not a lexicon:
the words that matter here are rare technical ones no lemmatiser's dictionary holds, and the
few suffixes of English plurals and spellings are regular.
"""

from __future__ import annotations

import re
from functools import lru_cache

_AMERICAN = (
    (re.compile(r"is(e|ed|es|ing|ation|ations|er|ers)$"), r"iz\1"),
    (re.compile(r"ys(e|ed|es|ing)$"), r"yz\1"),
    (re.compile(r"our(s|ed|ing|able)?$"), r"or\1"),
    (re.compile(r"tre(s)?$"), r"ter\1"),
    (re.compile(r"(?<=[a-z])ae(?=[a-z])"), "e"),
    (re.compile(r"(?<=[a-z])oe(?=[a-z])"), "e"),
    (re.compile(r"^ae"), "e"),
    (re.compile(r"^oe"), "e"),
    (re.compile(r"(?<=[aeiou])ll(ed|ing|er)$"), r"l\1"),
)
# Prefixes a reader sees through when what follows is a common word ("imprecise",
# "underreported", "subgroups"); "post-", "peri-", "intra-" are left out on purpose: what
# follows them is usually technical ("postoperative" asks the reader to know "operative").
PREFIXES = ("un", "in", "im", "non", "re", "pre", "co", "sub", "under", "over", "mis", "self",
            "anti")


def _singular(word: str) -> str:
    if len(word) > 6 and word.endswith("ies"):  # not "caries" -> "cary"
        return word[:-3] + "y"
    if len(word) > 4 and re.search(r"(?:ss|x|ch|sh|z)es$", word):
        return word[:-2]
    if len(word) > 3 and word.endswith("s") and not re.search(r"(?:ss|us|is|ys)$", word):
        return word[:-1]
    return word


def _stems(word: str) -> set[str]:
    """The word without one inflectional or adverb suffix, each way it may have been added."""
    stems = {word, _singular(word)}
    for suffix, replacements in (("ing", ("", "e")), ("ed", ("", "e")), ("d", ("",)),
                                 ("ly", ("",)), ("ally", ("al",)), ("ful", ("",)),
                                 ("ness", ("",)), ("iness", ("y",)), ("ily", ("y",))):
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            stems.update(word[:-len(suffix)] + r for r in replacements)
    return stems


def american(word: str) -> str:
    """The American spelling of a British one ("anaemia" -> "anemia"), else the word."""
    for pattern, replacement in _AMERICAN:
        word = pattern.sub(replacement, word)
    return word


@lru_cache(maxsize=65536)
def variants(word: str) -> frozenset[str]:
    """Lower-case forms of ``word`` a reader treats as the same word: itself, its American
    spelling, and each without one inflectional suffix; hyphens dropped ("co-ordinated")."""
    low = word.lower()
    forms = {low, low.replace("-", "")}
    for form in list(forms):
        forms.add(american(form))
    return frozenset(stem for form in forms for stem in _stems(form))


def without_prefix(word: str) -> list[str]:
    """What follows a plain prefix ("imprecise" -> ["precise"]), for words of 4+ letters."""
    low = word.lower().replace("-", "")
    return [low[len(p):] for p in PREFIXES if low.startswith(p) and len(low) - len(p) >= 4]


@lru_cache(maxsize=65536)
def term_key(term: str) -> str:
    """One key for every form of a term: "Lesions", "lesion" -> "lesion"; "NSAIDs" -> "NSAID".

    Abbreviations keep their case (so "MS" and "ms" differ) and lose only a plural "s".
    """
    if len(term) > 1 and term[:-1].isupper():
        return term[:-1] if term.endswith("s") and len(term) > 2 else term
    words = term.lower().split()
    words[-1] = _singular(american(words[-1].replace("-", "")))
    return " ".join(words)
