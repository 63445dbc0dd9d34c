"""Sentences cut to ones that stand alone: no statistics in brackets, no dangling clauses.

An abstract sentence is cleaned (section labels, statistics and asides in brackets go; the
effect estimate of a main result may stay as "(risk ratio 0.73)"), then cut at semicolons and
at contrasts only where each side has its own subject and verb. A piece that cannot stand alone
("Although no reference was made ...", "But probably reduces ...", "Two months, and six
months,") is dropped rather than shown. Lists are never cut: a list is a sentence's commas,
and commas are never a cut point.
"""

from __future__ import annotations

import re

from ...models import count_words

_LABEL = re.compile(r"^(?:[A-Z][A-Za-z' ]{2,40}|[A-Z &']{3,40})[:]\s+")
_BRACKET = re.compile(r"\s*[\(\[][^()\[\]]*[\)\]]")
ESTIMATE = re.compile(
    r"\b(RR|OR|HR|MD|SMD|WMD|RD|aOR|aHR|(?i:risk ratio|odds ratio|hazard ratio|rate ratio|"
    r"relative risk|risk difference|(?:weighted |standardi[sz]ed )?mean difference|"
    r"(?:improvement )?rate difference))\b\]?(?:\s*[\(\[][A-Za-z]+[\)\]])?\s*(?:of\s+)?[=:,]?\s*"
    r"([-−]?\d+(?:\.\d+)?%?)",
)
ESTIMATE_NAMES = {"rr": "risk ratio", "or": "odds ratio", "hr": "hazard ratio",
                   "md": "mean difference", "smd": "standardised mean difference",
                   "wmd": "mean difference", "rd": "risk difference", "aor": "odds ratio",
                   "ahr": "hazard ratio"}
_LOOSE_LABEL = re.compile(
    r"\b(RR|OR|HR|IRR|MD|SMD|WMD|RD|aOR|aHR|(?i:risk ratio|odds ratio|hazard ratio|rate ratio|"
    r"relative risk|risk difference|(?:weighted |standardi[sz]ed )?mean difference))\b")
_LOOSE_NUMBER = re.compile(r"(?<![\w.\-−/])([-−]?\d+(?:\.\d+)?%?)(?!\s*%?\s*(?:CI|confidence)\b)(?![\d.])")
_LOOSE_GAP = 80
_PERCENT_ONLY = re.compile(r"^\s*\(\s*\d+(?:\.\d+)?\s*%\s*\)$")
_OPENER = re.compile(
    r"^(?:(?:in conclusion|in summary|overall|thus|therefore|hence|however|moreover|"
    r"furthermore|additionally|in addition|similarly|importantly|notably|finally|"
    r"taken together|consequently|nevertheless|nonetheless|in this (?:study|review|trial|"
    r"cohort|analysis)|in (?:this|our) [\w -]{3,30}?),\s*|(?:and|but|so(?! far)|yet|also)\s+,?\s*)",
    re.I,
)
_SUBORDINATE = re.compile(
    r"^(?:although|though|whereas|whilst|while|because|since|as|which|who|whose|whom|where|"
    r"that|if|showing|suggesting|indicating|demonstrating|meaning|leading|resulting|despite|"
    r"unless|when|in (?:whom|which)|do|does|did|don't|mostly|"
    r"whether|and|or|but|nor|with|without|including|such as|for|to|by|compared|respectively|"
    r"especially|particularly|possibly|probably|only|mainly|versus|vs)\b",
    re.I,
)
_LEADING_CLAUSE = re.compile(r"^(?:although|though|while|whereas|despite|because)\b[^,]{3,}?,\s+",
                             re.I)
_CUT = re.compile(r";\s+|,\s*(?:however|but),\s*|,\s+(?:but|whereas|while|although|though)\s+|"
                  r"\.\s+(?=[A-Z])")
_VERB = re.compile(
    r"\b(?:is|are|was|were|be|been|has|have|had|do|does|did|may|might|can|could|will|would|"
    r"should|must|seems?|appears?|remains?|[a-z]{3,}ed|found|showed|shown|made|led|gave|"
    r"brought|thought|began|became|came|chose|drew|grew|knew|meant|sought|taught|told|"
    r"wrote|went|won|ran|put|set|cut|paid|spent|left|got|did|done|given|taken|known|seen|"
    r"took|saw|met|lost|fell|kept|felt|held|reduces?|increases?|improves?|lowers?|raises?|"
    r"helps?|works?|needs?|suggests?|shows?|makes?|causes?|affects?|leads?|gets?|takes?|"
    r"lasts?|differs?|depends?|tends?|provides?|supports?|exists?|occurs?|happens?)\b",
    re.I,
)
# A first word that makes a fragment: a modal or auxiliary ("May reduce ..."), or a verb in -ed
# followed by its object or a preposition ("Reduced the risk ...", "Increased by 10%"). An
# -ed word used as an adjective starts a sentence ("Delayed antibiotics resulted in ...",
# "Pooled results showed ...", "Fixed-effect analysis showed ...").
_BAD_FIRST = re.compile(
    r"^(?:(?:probably|may|might|was|were|is|are|had|has|did|not|also)\b|"
    r"[a-z]+ed\b(?!-)(?=\s+(?:the|a|an|their|its|this|these|those|by|to|in|with|from|for|on|"
    r"at|as|more|less|significantly|no|not|and|or|than)\b|\s*[,.;:]|\s*$))",
    re.I,
)
_BARE_STATS = re.compile(r",?\s*\b[Pp]\s*[=<>≤≥]\s*0?\.\d+|,?\s*95\s*%\s*CI[^,;.]*?\d+(?:\.\d+)?"
                         r"\s*(?:to|-|–)\s*-?\d+(?:\.\d+)?")
MAX_WORDS = 18
SHORT = 10  # a piece longer than this is cut further where both sides stand alone
_AND_CUT = re.compile(r",?\s+(?:and|but)\s+(?=(?:the|this|these|those|there|it|they|both|each|"
                      r"no|all|most|some|many|few|one|two|three|four|five|six|[A-Z])\b)")
_TAIL = re.compile(r",\s+(?:which|with|including|compared|particularly|especially|although|"
                   r"though|as|because|suggesting|indicating|meaning|whereas|while|despite|"
                   r"irrespective|regardless|except|apart|mainly|mostly|possibly|probably|"
                   r"such as|for example|e\.g\.|i\.e\.|in|at|on|among|after|"
                   r"before|during|from|over|up|to|when|where|than)\b")
_LEAD = re.compile(r"^(?:in|among|for|after|at|during|of|across|within|compared (?:with|to)|"
                   r"from|over|by|on|with|when|following|based on)\b[^,]{3,80}?,\s+", re.I)
_LONG_LEAD = re.compile(_LEAD.pattern.replace("{3,80}", "{3,160}"), re.I)  # main estimate only
_AFTER_ESTIMATE = re.compile(r"(\((?:[a-z ]+) -?\d[\d.]*%?\))\s*(?:,|and|or|but|with|in|at|"
                             r"as|among|for|compared|than|when|while|which)\b.*$")
_PREPOSITION = re.compile(r"^(?:in|among|for|after|at|during|of|across|within|from|over|by|on|"
                          r"with|following|compared)\b", re.I)  # a phrase, not a clause


_NOT_A_VERB_AFTER = re.compile(r"\b(?:the|a|an|this|these|those|their|its|his|her|no|to|of|"
                               r"with|more|less|most|some|any|all)\s+$", re.I)


def has_verb(text: str) -> bool:
    """A verb form not used as an adjective or infinitive ("the limited number", "to support")."""
    return any(not _NOT_A_VERB_AFTER.search(text[max(0, m.start() - 12):m.start()])
               for m in _VERB.finditer(text))


_CONCEDING = re.compile(r"^(?:although|though|while|whilst|whereas)\s+", re.I)
_OPEN_ASIDE = re.compile(r"\b(?:and|but|or|which|that),\s[^,]*$", re.I)
_DANGLING_END = re.compile(
    r"(?:\b(?:and|or|but|also|with|of|the|a|an|to|for|than|as|by|in|on|at|from)|"
    r"\b(?:showed|shows|found|suggests?|suggested|indicated?|indicates|reported|concluded) "
    r"that(?: [\w-]+){0,2})[.!?]?$", re.I)


def stands_alone(piece: str) -> bool:
    """A piece a reader can read as a sentence: a subject, a verb, no dangling start or end."""
    words = count_words(piece)
    if words < 4 or not has_verb(piece):
        return False
    if _SUBORDINATE.match(piece) or _BAD_FIRST.match(piece):
        return False
    if _PREPOSITION.match(piece) and "," in piece and not has_verb(piece.split(",", 1)[1]):
        return False  # "Following X delivered to Y, their parents or both."
    if piece[0].islower() or re.search(r"[,;:]\s*\.?$", piece.rstrip(".")):
        return False
    if _OPEN_ASIDE.search(piece):
        return False  # "... tolerated and, in patients with lung cancer." (the aside never closes)
    if _DANGLING_END.search(piece):
        return False  # "... these findings and, also." / "Three trials showed that oral PS."
    return piece.count("(") == piece.count(")")


def loose_estimate(text: str) -> tuple[str, str] | None:
    """The first effect estimate as (plain name, number), the number within 80 characters of
    its label ("relative risk (RR) for pneumothorax was 0.69"); confidence levels are skipped."""
    match = ESTIMATE.search(text)
    if match:
        return ESTIMATE_NAMES.get(match.group(1).lower(), match.group(1).lower()), match.group(2)
    for label in _LOOSE_LABEL.finditer(text):
        number = _LOOSE_NUMBER.search(text, label.end(), label.end() + _LOOSE_GAP)
        if number and not re.search(r"\b[nN]\s*=\s*$", text[label.end():number.start()]):
            return (ESTIMATE_NAMES.get(label.group(1).lower(), label.group(1).lower()),
                    number.group(1))
    return None


def _estimate(bracket: str) -> str:
    found = loose_estimate(bracket)
    if found is None:
        return ""
    return f" \x01{found[0]} {found[1]}\x02"


def _top_level_bracket(text: str, position: int) -> tuple[int, int] | None:
    """The outermost bracket around ``position``, as (start, end)."""
    depth, start = 0, -1
    for index, char in enumerate(text):
        if char in "([":
            if depth == 0:
                start = index
            depth += 1
        elif char in ")]" and depth:
            depth -= 1
            if depth == 0 and start <= position < index:
                return start, index + 1
    return None


def _with_estimate(text: str) -> str:
    """The first effect estimate's bracket replaced by a marked "(risk ratio 0.73)"."""
    match = ESTIMATE.search(text) or _LOOSE_LABEL.search(text)
    if not match:
        return text
    span = _top_level_bracket(text, match.start())
    if span is None:
        return text
    estimate = _estimate(text[span[0]:span[1]])
    return text[:span[0]] + estimate + text[span[1]:]


def clean(sentence: str, keep_estimate: bool = False) -> str:
    """The sentence without its label, bracketed asides and statistics; with ``keep_estimate``
    the first effect estimate stays in plain words and bare percentages stay."""
    text = _LABEL.sub("", sentence.strip())
    if keep_estimate:
        text = _with_estimate(text)

    def bracket(match: re.Match[str]) -> str:
        inner = match.group(0)
        if keep_estimate and _PERCENT_ONLY.match(inner):
            return inner
        return ""

    for _ in range(3):  # nested brackets: inner ones first
        text = _BRACKET.sub(bracket, text)
    text = _BARE_STATS.sub("", text)
    text = text.replace("\x01", "(").replace("\x02", ")")
    text = re.sub(r"[()\[\]]", "", text) if text.count("(") != text.count(")") else text
    text = re.sub(r"\s+([,.;:])", r"\1", text)
    text = re.sub(r",\s*,", ",", text)
    text = re.sub(r"\s{2,}", " ", text).strip()
    return text


def with_figure(sentence: str, longest: int) -> list[str]:
    """The pieces of a main-result sentence, the one with its effect estimate first.

    When no piece keeps the estimate, the clause that holds it, up to the estimate, if that
    stands alone ("There was no difference in survival, with a hazard ratio of 0.96."): the
    main result is worth a longer sentence more than any other.
    """
    text = clean(sentence, keep_estimate=True)
    estimate = loose_estimate(text)
    found = pieces(sentence, True, longest)
    if estimate is None:
        return found[:2]
    number = re.compile(r"(?<![\w.])" + re.escape(estimate[1]) + r"(?![\d])")
    holding = [p for p in found if number.search(p)]
    if holding:
        return [_plain_label(holding[0])] + [p for p in found if p not in holding][:1]
    at = number.search(text)
    if at is None:
        return found[:2]
    end = at.end() + (1 if text[at.end():at.end() + 1] == ")" else 0)
    clause_start = max([0] + [m.end() for m in _CUT.finditer(text, 0, at.start())])
    for start in dict.fromkeys((clause_start, 0)):  # the clause, else the sentence up to it
        head = _main_clause(_plain_label(_tidy(text[start:end])))
        if stands_alone(head) and count_words(head) <= longest + 12:
            return [head, *[p for p in found if p != head][:1]]
    return found[:2]


def _main_clause(head: str) -> str:
    """A long lead ("Based on 13 studies, ...") or a conceding "Although" taken off the clause
    that carries the main estimate, where what is left stands alone."""
    lead = _LONG_LEAD.match(head)
    if lead and stands_alone(_tidy(head[lead.end():])):
        head = _tidy(head[lead.end():])
    conceding = _CONCEDING.match(head)
    if conceding and stands_alone(_tidy(head[conceding.end():])):
        head = _tidy(head[conceding.end():])
    return head


def _plain_label(text: str) -> str:
    """An estimate's abbreviation written out: "an HR of 0.96" -> "a hazard ratio of 0.96"."""
    def name(match: re.Match[str]) -> str:
        return ESTIMATE_NAMES.get(match.group(2).lower(), match.group(2))

    text = re.sub(r"\b(an? )?(RR|OR|HR|MD|SMD|WMD|RD|aOR|aHR)\b(?= (?:of|was|were|=|\d|-))",
                  lambda m: ("a " if m.group(1) else "") + name(m), text)
    return text


def _tidy(piece: str) -> str:
    piece = piece.strip(" ,;:")
    for _ in range(2):
        piece = _OPENER.sub("", piece)
        piece = _LEADING_CLAUSE.sub("", piece)
    piece = piece.strip(" ,;:")
    if not piece:
        return ""
    piece = piece[0].upper() + piece[1:]
    return piece if piece.endswith((".", "!", "?")) else piece + "."


def pieces(sentence: str, keep_estimate: bool = False, longest: int = MAX_WORDS) -> list[str]:
    """The cleaned sentence as sentences that stand alone, longest first cut at semicolons and
    contrasts; pieces that cannot stand alone are dropped."""
    text = clean(sentence, keep_estimate)
    whole = _tidy(text)
    if whole and count_words(whole) <= longest and stands_alone(whole) and ";" not in whole:
        return [p for p in shorter(whole) if stands_alone(p)] or [whole]
    out = []
    for part in _CUT.split(text):
        for piece in _at_commas(part):
            for short in shorter(_tidy(piece)):
                if short and stands_alone(short) and count_words(short) <= longest + 6:
                    out.append(short)
    return out


def shorter(piece: str) -> list[str]:
    """A long piece as shorter sentences: cut at "and"/"but" where both sides stand alone, then
    trailing detail after a comma dropped where the head stands alone and keeps any estimate."""
    if count_words(piece) <= SHORT:
        return [piece]
    cut = _AFTER_ESTIMATE.sub(r"\1", piece.rstrip(".")) + "."
    if cut != piece and count_words(cut) >= 6 and stands_alone(cut):
        return shorter(cut)
    lead = _LEAD.match(piece)
    if lead:
        rest = _tidy(piece[lead.end():])
        if count_words(rest) >= 6 and stands_alone(rest):
            return shorter(rest)
    for match in _AND_CUT.finditer(piece):
        head = _tidy(piece[:match.start()])
        tail = _tidy(piece[match.end():])
        if stands_alone(head) and stands_alone(tail) and count_words(head) >= 5 and \
                count_words(tail) >= 5:
            return [*shorter(head), *shorter(tail)]
    for match in _TAIL.finditer(piece):
        head = _tidy(piece[:match.start()])
        dropped = piece[match.start():]
        if count_words(head) >= 6 and stands_alone(head) and \
                not (loose_estimate(dropped) and not loose_estimate(head)):
            return [head]
    return [piece]


# after a comma, a new sentence starts with a capital, a determiner or a pronoun; anything
# else ("physical, psychological and social") is the list or the clause going on
_CLAUSE_START = re.compile(r"(?:[A-Z]|(?:the|this|these|those|there|it|they|we|no|all|most|"
                           r"some|both|each|one|two|three|four|five)\b)")


def _at_commas(text: str) -> list[str]:
    """Cut at a comma only where both sides stand alone, so lists and asides stay whole."""
    segments = text.split(", ")
    out: list[str] = []
    current = segments[0]
    for index, segment in enumerate(segments[1:], start=1):
        rest = ", ".join(segments[index:])
        if _CLAUSE_START.match(segment) and not _SUBORDINATE.match(segment) and \
                not _VERB.match(segment) and \
                not _PREPOSITION.match(current) and \
                stands_alone(_tidy(segment)) and stands_alone(_tidy(current)) and \
                stands_alone(_tidy(rest)):
            out.append(current)
            current = segment
        else:
            current += ", " + segment
    out.append(current)
    return out
