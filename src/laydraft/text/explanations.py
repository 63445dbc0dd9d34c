"""Whether a text explains a term somewhere a reader will find it: the same or next sentence.

``glossary.explained`` looks right next to a term (the offline drafter puts its brackets
there). People write explanations further away: after the whole multi-word term ("tympanic
membrane (ear drum)", "osteonecrosis of the jaw (where the jaw bone ...)"), later in the
sentence ("..., which means ...", "(ie they ...)"), in the next sentence ("This means ...",
"Dyspnoea is ..."), or by naming what kind of thing the term is ("the hormone prolactin",
"an opioid such as codeine"). A bracket only counts when it reads as words: figures
("(n = 30)", "(95% CI ...)"), evidence grades and a bare abbreviation explain nothing.
"""

from __future__ import annotations

import re

from .sentences import sentence_spans

MAX_WORDS_BEFORE_BRACKET = 4

# Words that may stand between a term and its bracket ("tympanic membrane (ear drum)",
# "osteonecrosis of the jaw (...)"); a comparison or a verb ends the term ("X versus Y (...)").
_BETWEEN = (r"(?!(?:versus|vs|than|compared|with|without|or|and|to|for|by|was|were|is|are"
            r"|had|has|did|worked|works|showed|found)\b)[^\W\d_][\w'-]*")
_WORDS_THEN_BRACKET = re.compile(
    r"^(?:[\s,]+" + _BETWEEN + r"){0," + str(MAX_WORDS_BEFORE_BRACKET) + r"}\s*\(([^()]+)\)")
# "randomised controlled trials, where patients ...", "an adjuvant that is supposed to ..."
_RELATIVE_AFTER = re.compile(
    r"^(?:[\s,]+" + _BETWEEN + r"){0,3},?\s+(?:where|that is|which is|that are|which are"
    r"|which refers|that refers)\b", re.I)
_NOT_AN_EXPLANATION = re.compile(
    r"^\s*[\d<>=±+−-]|[%=<>±]|\bCI\b|\bevidence\b|\bp\s*[<=]|\bn\s*=|\bet al\b|\bversus\b"
    r"|^\s*(?:alone|or|and|e\.?g\.?|for example|including|mainly|mostly|especially"
    r"|both|either|all|only|except|compared|vs)\b",
    re.I)
_ABBREVIATION_ONLY = re.compile(r"^\s*[A-Z][A-Za-z0-9-]*[A-Z0-9]s?\s*$")
_NAMES_ONLY = re.compile(r"^\s*[A-Z][\w-]*(?:(?:\s+|,\s*|\s+and\s+)[A-Z][\w-]*)*\s*$")
_LATER_IN_SENTENCE = re.compile(
    r"\b(?:which|that|this) (?:means|is when|is where|is what|is the|describes|refers to)\b"
    r"|\bmeaning\b|\bi\.?e\.?(?=[\s,])|\bin other words\b|\bthat is,|\balso (?:called|known as)\b"
    r"|\bwhere (?:the|a|an|you|people|someone)\b",
    re.I)
_NEXT_SENTENCE = re.compile(
    r"^(?:this|that|it|these|they)(?: \w+)? (?:means?|refers? to|describes?|(?:is|are) when"
    r"|(?:is|are) where|(?:is|are) (?:an?|the) (?:type|kind|form|way|measure|condition"
    r"|disease|medicine|drug|test|group)s?)\b",
    re.I)
LATER_WINDOW = 80  # characters after the term in which "which means ..." still explains it
_KINDS = (r"drugs?|medicines?|medications?|hormones?|vitamins?|minerals?|antibiotics?"
          r"|painkillers?|supplements?|opioids?|steroids?|vaccines?|proteins?|chemicals?"
          r"|enzymes?|bacteri(?:um|a)|virus(?:es)?|genes?|herbs?|plants?|treatments?"
          r"|tablets?|injections?|creams?|scales?|questionnaires?|tests?|scores?|scans?")
_KIND_BEFORE = re.compile(
    r"\b(?:(?:the|a|an|another|called|named) (?:\w+ )?(?:" + _KINDS + r")|(?:" + _KINDS
    + r"),? (?:such as|like|including|called|named|known as)|called|named|known as)\s*$", re.I)
# "four different psychostimulants: dexamphetamine, bupropion ...": a list after its kind.
_LIST_OF_A_KIND = re.compile(
    r"\b[^\W\d_]{4,}s:\s+(?:[\w-]+(?: [\w-]+)?(?: \([^()]*\))?(?:,\s+|\s+(?:and|or)\s+))*$")
# After the term that opens the next sentence: "X is ...", "Xs are ...".
_DEFINED_NEXT = re.compile(r"s? (?:is|are|means|refers to|describes)\b", re.I)
_KIND_AFTER = re.compile(r"^(?:\s+(?:" + _KINDS + r")\b)", re.I)


def explanatory_bracket(content: str) -> bool:
    """The words in a bracket read as an explanation, not figures, a grade or an abbreviation."""
    return (any(ch.isalpha() for ch in content) and not _NOT_AN_EXPLANATION.search(content)
            and not _ABBREVIATION_ONLY.match(content) and not _NAMES_ONLY.match(content))


def _sentence(text: str, position: int) -> tuple[int, int, int]:
    """(start, end, index) of the sentence holding ``position``."""
    spans = sentence_spans(text)
    for index, (start, end) in enumerate(spans):
        if start <= position < end:
            return start, end, index
    return 0, len(text), -1


def explained_nearby(text: str, start: int, end: int, *, kind_cues: bool = True) -> bool:
    """An explanation of text[start:end] in the same sentence after it, or in the next one.

    ``kind_cues``: naming the kind of thing ("the drug X") counts; right for words, not for
    abbreviations, which a reader still cannot expand.
    """
    s_start, s_end, index = _sentence(text, start)
    after = text[end:s_end]
    bracket = _WORDS_THEN_BRACKET.match(after)
    if bracket and explanatory_bracket(bracket.group(1)):
        return True
    if _LATER_IN_SENTENCE.search(after[:LATER_WINDOW]):
        return True
    if _RELATIVE_AFTER.match(after):
        return True
    before = text[s_start:start]
    if kind_cues and (_KIND_BEFORE.search(before) or _LIST_OF_A_KIND.search(before)
                      or _KIND_AFTER.match(after)):
        return True
    spans = sentence_spans(text)
    if 0 <= index < len(spans) - 1:
        n_start, n_end = spans[index + 1]
        following = text[n_start:n_end]
        term = text[start:end]
        if _NEXT_SENTENCE.match(following) or (
                following[:len(term)].lower() == term.lower()
                and _DEFINED_NEXT.match(following, len(term))):
            return True
    return False
