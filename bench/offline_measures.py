"""The measures of issue 15's evaluation of the offline drafter, one function per measure.

Each measure reads one draft (and its abstract) and is tested on hand-made examples in
``tests/eval/test_offline_eval.py``; ``bench/eval_offline.py`` runs them over the shared pairs.
The rules are written so that a drafter can only pass them by writing better drafts:

**Template sentences.** A draft sentence is *template* (not derived from the abstract) when
any of three rules says so; the union is taken because each rule alone can be gamed:

1. *novel*: at least half of its content words (words of 3+ letters outside a list of
   function words, compared by Porter stem, the stemmer ROUGE uses) do not occur in the
   abstract. A sentence copied from the abstract with plain-word swaps keeps most of its
   stems; "This may interest people living with multiple sclerosis" keeps none.
2. *recurring*: the sentence, lower-cased with every number masked, occurs in at least 3% of
   the drafts evaluated (and in at least 3). Catches fixed wording that happens to share words
   with an abstract ("This summary is based on the abstract alone.").
3. *recurring frame*: the sentence's frame, where every word that occurs in its own abstract
   (by stem) and every number is masked, has at least three unmasked words and occurs in at
   least 3% of the drafts (and in at least 3). Catches a fixed frame filled with words of the
   abstract ("This study of {condition} may interest {audience}."), which rules 1 and 2 miss
   when the filler is long or differs from draft to draft. A sentence made of the abstract's
   own words masks to nothing, so it cannot recur by this rule.

**Grade**: the Flesch-Kincaid grade of ``laydraft.checks.readability.readability``, the one the
readability check reports, over the four sections joined; "without template" is the grade of
the draft's non-template sentences only (a draft with none is left out of that median).

**Template share**: words in template sentences / words in the draft, per draft; the figure
is the mean over drafts.

**Headlines**: a headline *starts with a conjunction* when its first word is one of
``CONJUNCTIONS``. It *carries an unexplained abbreviation* when a token of 2+ letters is all
capitals ("PML") or mixes capitals with a digit or a second capital ("IL-6", "HbA1c",
"ClinicalTrials") and is not explained in the headline itself (a bracket, "called X",
"X, a ...": ``laydraft.text.glossary.explained`` and ``explanations.explained_nearby``).
Roman numerals, the team's common abbreviations (``jargon.json`` "common") and its everyday
ones (``everyday_words.txt``, e.g. "HIV") are not counted: a lay reader knows them.

**Primary result figure** of an abstract: in its results part (from a "Results" or "Main
results" label on, else the whole text: the Cochrane abstracts start there), the first sentence
with an effect estimate gives its first one: the first number within 80 characters after an
estimate's label (RR, OR, HR, MD, SMD, "risk ratio", "mean difference"...; a ratio label makes
it a ratio) or a number right before its confidence interval ("11.34 metres per minute (95%
CI ..."); if no sentence has one, the first sentence with a result cue
("reduced", "higher", "improved", "no difference"...) gives its first percentage that is not a
confidence level (95%) or a heterogeneity I². An abstract with neither has no primary figure
and is left out of the denominator (the count left out is printed). A draft *contains* it when
a number in its headline or *What was found* stands for it under laydraft's rounding rule
(``laydraft.text.rounding.window``, the window tracing uses: "0.7" for 0.73 is, "0.8" is
not), read as the value itself, or for a ratio estimate as the relative change it implies
(RR 0.73 as "27% fewer", HR 1.5 as "50% higher" or "1.5 times"), or for a percentage as a
share within tracing's margins ("one in four" for 26%, "nearly half" for 45%).

**Verbless sentences**: a sentence has a verb when one of its words is an auxiliary or modal,
a verb form in lemminflect's English lexicon (British -ise spellings read as -ize) that cannot
be a noun, adjective or adverb, or such an ambiguous form ("visits", "results") in verb position:
not after a determiner, possessive, preposition, quantifier, number or a word that is only a
noun or adjective when it can be a noun ("hospital visits"; "pain relief varied" has a verb),
and not before "of" ("the results of"); after a
subject pronoun ("they increase") it is a verb. A lexicon
heuristic, not a parser (no tagger model can be fetched offline): it misses fragments whose
noun could be a verb ("Side effects.") and so undercounts; it never counts a sentence with an
auxiliary or an unambiguous verb form.

**False counts**: a draft states a count of people or of studies where a number is followed by
a counted noun (``laydraft.text.numbers``: "1997 people", "12 trials", "38 studies with 7843
children"); it is a false count unless the abstract states the same count of the same thing
(a number followed by a participant noun, or by a study noun for studies; rounding as
tracing allows). So a year ("in 1997" -> "1997 people"), a correlation ("0.72" -> "72
people"), a figure of another kind or one absent from the abstract, and a total the abstract
never states (a sum of subgroups) are false counts. A draft's "N studies with M people" (the
two counts within 40 characters in one sentence) is also false unless one sentence of the
abstract states both counts (in any order): "2 trials with 3258 children" is false when the abstract
has "23 trials (3258 children)" and "two trials (849 children)".
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from laydraft.checks.readability import readability
from laydraft.models import LaySummary
from laydraft.text.explanations import explained_nearby
from laydraft.text.glossary import explained, glossary
from laydraft.text.normalise import for_reading
from laydraft.text.numbers import NumberMention, extract_numbers
from laydraft.text.rounding import window
from laydraft.text.sentences import split_sentences

# --- shared tokenising --------------------------------------------------------------------

_WORD = re.compile(r"[A-Za-z][A-Za-z'’-]*")
_CONTENT = re.compile(r"[a-z]{3,}")
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
_FUNCTION_WORDS_TEXT = """
a an the and or but nor so yet for of in on at to from by with without within into onto
upon about above below over under after before during between among than as if then
this that these those there here it its they them their theirs we us our you your he she
his her him i me my who whom whose which what when where why how all any both each either
neither some such no not only own same other another more most less least few fewer many
much very also just too can could may might must shall should will would is are was were
be been being am has have had having do does did done not via per versus vs et al e.g i.e
"""
FUNCTION_WORDS = frozenset(_FUNCTION_WORDS_TEXT.split())


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """A word's Porter stem, as ROUGE compares words."""
    return str(_stemmer().stem(word.lower()))


@lru_cache(maxsize=1)
def _stemmer():  # type: ignore[no-untyped-def]
    from nltk.stem import porter  # rouge-score's dependency; no data download needed

    return porter.PorterStemmer("ORIGINAL_ALGORITHM")


def content_stems(text: str) -> list[str]:
    """The stems of a text's content words, in order (numbers and function words left out)."""
    words = _CONTENT.findall(for_reading(text).lower().replace("’", "'"))
    return [stem(w) for w in words if w not in FUNCTION_WORDS]


def word_stems(text: str) -> set[str]:
    """Every word of a text as a stem, function words included (for masking frames)."""
    return {stem(w) for w in _WORD.findall(for_reading(text).lower())}


def sentences_of(summary: LaySummary) -> list[tuple[str, str]]:
    """(section, sentence) for every sentence of the four sections, in order."""
    return [(name, s.text) for name, text in summary.sections().items()
            for s in split_sentences(text) if s.text.strip()]


def whole(summary: LaySummary) -> str:
    """The draft as the readability check reads it: the sections joined."""
    return " ".join(t.strip() for t in summary.sections().values() if t.strip())


def grade(text: str) -> float:
    """Flesch-Kincaid grade, exactly as laydraft's readability check computes it."""
    return readability(text).grade


def count_words(text: str) -> int:
    return len(_WORD.findall(text)) + len(_NUMBER.findall(text))


# --- template sentences -------------------------------------------------------------------

NOVEL_SHARE = 0.5
RECURRING_SHARE = 0.03
RECURRING_MIN = 3
FRAME_MIN_WORDS = 3


@dataclass(frozen=True)
class Source:
    """What an abstract offers a derived sentence: its content stems and stem bigrams, read
    from the abstract as written and as laydraft's plain-word list rewrites it (so "side
    effects" for "adverse events" counts as derived; a plain word credits only words that
    replace words of this abstract)."""

    stems: frozenset[str]
    bigrams: frozenset[tuple[str, str]]
    words: frozenset[str]  # every word's stem, function words included (for frames)


@lru_cache(maxsize=2048)
def source(abstract: str) -> Source:
    from laydraft.text.plain_words import plain_wording

    versions = (abstract, plain_wording(abstract, set()))
    sequences = [content_stems(v) for v in versions]
    return Source(
        stems=frozenset(s for seq in sequences for s in seq),
        bigrams=frozenset(b for seq in sequences for b in zip(seq, seq[1:], strict=False)),
        words=frozenset(w for v in versions for w in word_stems(v)),
    )


def novel(sentence: str, abstract: Source) -> bool:
    """At least half of the sentence's content words do not occur in the abstract."""
    stems = content_stems(sentence)
    if not stems:
        return False
    absent = sum(1 for s in stems if s not in abstract.stems)
    return absent / len(stems) >= NOVEL_SHARE


def copied(sentence: str, abstract: Source) -> bool:
    """Every word of the sentence, function words included, occurs in the abstract, and every
    pair of neighbouring content words of it (two or more) is a pair of neighbouring content
    words of the abstract: a sentence taken from it, which recurs only because abstracts
    repeat themselves ("Side effects were not reported."); "This is just a single study."
    is not copied from an abstract that says "a single study" but not "just"."""
    stems = content_stems(sentence)
    return (len(stems) >= 2 and word_stems(sentence) <= abstract.words
            and all(b in abstract.bigrams for b in zip(stems, stems[1:], strict=False)))


def masked(sentence: str) -> str:
    """The sentence lower-cased, numbers masked, white space and end punctuation evened out."""
    text = _NUMBER.sub("#", for_reading(sentence).lower())
    return " ".join(text.split()).rstrip(" .!?")


def frame(sentence: str, abstract_words: frozenset[str]) -> str | None:
    """The sentence's words that are not in the abstract, with masks where the others were;
    None when fewer than ``FRAME_MIN_WORDS`` words are left unmasked."""
    tokens = re.findall(r"[a-z][a-z'’-]*|\d+(?:[.,]\d+)*", for_reading(sentence).lower())
    out: list[str] = []
    literal = 0
    for token in tokens:
        if token[0].isdigit() or stem(token) in abstract_words:
            if not out or out[-1] != "_":
                out.append("_")
        else:
            out.append(token)
            literal += 1
    return " ".join(out) if literal >= FRAME_MIN_WORDS else None


def recurring_threshold(drafts: int) -> int:
    """How many drafts a wording must occur in to count as recurring."""
    return max(RECURRING_MIN, math.ceil(RECURRING_SHARE * drafts))


@dataclass
class TemplateIndex:
    """Which masked sentences and frames recur across a set of drafts."""

    sentences: Counter[str] = field(default_factory=Counter)
    frames: Counter[str] = field(default_factory=Counter)
    drafts: int = 0

    def add(self, sentences: Iterable[str], abstract: str) -> None:
        """Count one draft's sentences (each wording once per draft)."""
        self.drafts += 1
        sentences = list(sentences)
        words = source(abstract).words
        self.sentences.update({masked(s) for s in sentences})
        self.frames.update({f for s in sentences if (f := frame(s, words))})

    def recurring(self, sentence: str, abstract: str) -> bool:
        """Rule 2 (unless the sentence is copied from its abstract) or rule 3."""
        threshold = recurring_threshold(self.drafts)
        here = source(abstract)
        if self.sentences[masked(sentence)] >= threshold and not copied(sentence, here):
            return True
        f = frame(sentence, here.words)
        return f is not None and self.frames[f] >= threshold


def is_template(sentence: str, abstract: str, index: TemplateIndex) -> bool:
    """Rule 1, 2 or 3 of the module docstring."""
    return novel(sentence, source(abstract)) or index.recurring(sentence, abstract)


# --- headlines ----------------------------------------------------------------------------

_CONJUNCTIONS_TEXT = "but and whereas while although however yet or so because though"
CONJUNCTIONS = frozenset(_CONJUNCTIONS_TEXT.split())
_FIRST_WORD = re.compile(r"^[\s\"'‘“(\[]*([A-Za-z]+)")
_ABBREV_TOKEN = re.compile(r"(?<![\w-])[A-Za-z0-9][A-Za-z0-9-]*[A-Za-z0-9](?![\w-])")


def starts_with_conjunction(headline: str) -> bool:
    match = _FIRST_WORD.match(headline)
    return bool(match) and match.group(1).lower() in CONJUNCTIONS  # type: ignore[union-attr]


def _abbreviation_like(token: str) -> bool:
    """All capitals ("PML", "IL-6") and a term for laydraft's glossary (so not an ordinary
    word in capitals, a Roman numeral or a common abbreviation), or capitals mixed with a
    digit ("B12") or with small letters around a second capital ("HbA1c", "mRNA",
    "ClinicalTrials"), but not a hyphenated name ("Dix-Hallpike")."""
    letters = [c for c in token if c.isalpha()]
    capitals = sum(1 for c in letters if c.isupper())
    digits = any(c.isdigit() for c in token)
    if capitals == len(letters) and len(letters) >= 2:
        return glossary().lookup(token)[0]  # not "RESULTS", "II", or the common list
    if all(part[:1].isupper() and part[1:].islower() for part in token.split("-")):
        return False  # a name: "Mini-Cog", "Dix-Hallpike"
    return capitals >= 2 or (capitals >= 1 and digits)


def unexplained_abbreviations(headline: str) -> list[str]:
    """The abbreviations a lay reader meets unexplained in the headline (docstring rule)."""
    terms = glossary()
    found: list[str] = []
    for match in _ABBREV_TOKEN.finditer(headline):
        token = match.group()
        if not _abbreviation_like(token):
            continue
        head = re.sub(r"-?\d+[A-Za-z0-9]*$", "", token) or token
        if (token in terms.common or head in terms.common
                or terms.is_everyday(token) or terms.is_everyday(head)):
            continue
        if explained(headline, match.start(), match.end()) or explained_nearby(
                headline, match.start(), match.end(), kind_cues=False):
            continue
        found.append(token)
    return found


# --- the primary result figure ------------------------------------------------------------

_RESULTS_LABEL = re.compile(r"(?m)^\s*(?:MAIN RESULTS|Main results|RESULTS|Results)\s*[:.]")
_ESTIMATE = re.compile(
    r"\b(?:(?-i:a?RR|a?OR|a?HR|IRR|RD|MD|SMD|WMD)|risk ratio|odds ratio|hazard ratio|rate ratio|"
    r"relative risk|risk difference|(?:standardi[sz]ed |weighted )?mean difference)\b",
    re.I,
)
_LABEL_GAP = 80  # characters between an estimate's label and its number ("MD of ... -8.67")
# a number right before its confidence interval: "11.34 metres per minute (95% CI ..."
_BEFORE_CI = re.compile(
    r"(?:\s*[A-Za-zµ/%.]+){0,4}\s*[(\[,;]\s*(?:95\s*%\s*)?(?:CI|confidence interval)\b", re.I)
_CI_LEVEL = re.compile(r"\s*%?\s*(?:CI|confidence)\b", re.I)
_RATIO_ESTIMATE = re.compile(r"ratio|relative risk|^a?(?:RR|OR|HR|IRR)\b", re.I)
_RESULT_CUES = re.compile(
    r"\b(?:reduc\w*|increas\w*|decreas\w*|lower\w*|higher|improv\w*|fewer|more|less|"
    r"greater|better|worse|differ\w*|effect\w*|associated|linked|rose|fell|declin\w*|"
    r"compared|versus|vs)\b",
    re.I,
)
_NOT_AN_EFFECT = re.compile(r"(?:\bI\s*2|I²|\bI-squared)\s*[=:]?\s*$", re.I)


@dataclass(frozen=True)
class PrimaryFigure:
    """The abstract's primary result figure and what kind of figure it is."""

    value: float
    kind: str  # "ratio", "difference" or "percent"
    sentence: str


def results_part(abstract: str) -> str:
    match = _RESULTS_LABEL.search(abstract)
    return abstract[match.start():] if match else abstract


def _estimates(sentence: str) -> list[PrimaryFigure]:
    """The sentence's effect estimates, in order: the first number after an estimate's label,
    and any number right before a confidence interval."""
    readable = for_reading(sentence)
    mentions = [m for m in extract_numbers(sentence) if m.kind in ("count", "decimal", "percent")
                and not _CI_LEVEL.match(readable, m.end)]
    found: dict[int, PrimaryFigure] = {}
    for match in _ESTIMATE.finditer(readable):
        after = [m for m in mentions if 0 <= m.start - match.end() <= _LABEL_GAP]
        if after and after[0].start not in found:
            kind = "ratio" if _RATIO_ESTIMATE.search(match.group()) else "difference"
            found[after[0].start] = PrimaryFigure(after[0].value, kind, sentence)
    for m in mentions:
        if m.start not in found and _BEFORE_CI.match(readable, m.end):
            kind = "percent" if m.unit == "percent" else "difference"
            found[m.start] = PrimaryFigure(m.value, kind, sentence)
    return [found[start] for start in sorted(found)]


def primary_figure(abstract: str) -> PrimaryFigure | None:
    """The rule of the module docstring; None when the abstract has no such figure."""
    sentences = [s.text for s in split_sentences(results_part(abstract))]
    for sentence in sentences:
        estimates = _estimates(sentence)
        if estimates:
            return estimates[0]
    for sentence in sentences:
        if not _RESULT_CUES.search(sentence):
            continue
        for mention in extract_numbers(sentence):
            if mention.unit != "percent" or mention.kind not in ("percent", "count", "decimal"):
                continue
            after = sentence[mention.end:mention.end + 25].lower()
            if ("ci" in after.split()[:2] or "confidence" in after
                    or _NOT_AN_EFFECT.search(sentence[:mention.start])):
                continue
            return PrimaryFigure(value=mention.value, kind="percent", sentence=sentence)
    return None


def _forms(figure: PrimaryFigure, mention: NumberMention) -> list[float]:
    """The values ``mention`` may have to stand for the figure: a ratio as itself (a number
    that is not a percentage: "0.73", "1.5 times") or as the relative change it implies (a
    percentage: "27% fewer"); a percentage only as a percentage; a difference as itself."""
    p = figure.value
    percent = mention.unit in ("percent", "points")
    if figure.kind == "ratio":
        return [round(100 * abs(1 - p), 6)] if percent else [p]
    if figure.kind == "percent":
        return [p] if percent else []
    return [abs(p)]


def _stands_for(mention: NumberMention, figure: PrimaryFigure) -> bool:
    for value, decimals in zip(mention.values, mention.decimals, strict=False):
        if mention.kind in ("fraction", "ratio") and value <= 1:
            share = 100 * value  # "one in four", "nearly half": tracing's margins for shares
            margin = max(3.0, 0.15 * share) if mention.qualifier else max(2.0, 0.1 * share)
            if figure.kind == "percent" and abs(share - figure.value) <= margin:
                return True
            continue
        low, high = window(value, decimals, mention.qualifier)
        if any(low - 1e-9 <= f <= high + 1e-9 for f in _forms(figure, mention)):
            return True
    return False


def primary_present(summary: LaySummary, figure: PrimaryFigure) -> bool:
    """The headline or *What was found* holds a number that stands for the figure."""
    text = f"{summary.headline}\n{summary.what_was_found}"
    return any(_stands_for(m, figure) for m in extract_numbers(text) if m.kind != "year")


# --- verbs --------------------------------------------------------------------------------

_AUXILIARIES_TEXT = """
is are was were be been being am has have had having do does did can could may might must
shall should will would isn't aren't wasn't weren't hasn't haven't hadn't doesn't don't
didn't can't couldn't won't wouldn't shouldn't
"""
AUXILIARIES = frozenset(_AUXILIARIES_TEXT.split())
_NOUN_CONTEXT_TEXT = """
a an the its their our your his her my each every no any some
all both many much more most less fewer few several such of in on at to from by with without
for about into than per after before during between among over under
"""
_NOUN_CONTEXT = frozenset(_NOUN_CONTEXT_TEXT.split())


_NOMINAL = frozenset({"NOUN", "PROPN", "ADJ", "NUM"})
# lemminflect's lexicon has no pronouns (it reads "we" as a noun): after one, a verb form is a verb
_SUBJECTS_TEXT = "i you he she it we they this that these those there who which"
SUBJECTS = frozenset(_SUBJECTS_TEXT.split())


@lru_cache(maxsize=65536)
def _readings(word: str) -> frozenset[str]:
    from lemminflect import getAllLemmas

    readings = set(getAllLemmas(word))
    if not readings and re.search(r"is(?:e|ed|es|ing|ation)$", word):
        readings = set(getAllLemmas(re.sub(r"is(e|ed|es|ing|ation)$", r"iz\1", word)))
    return frozenset(readings)


def has_verb(sentence: str) -> bool:
    """The lexicon rule of the module docstring."""
    words = [w.lower().strip("'’-") for w in _WORD.findall(for_reading(sentence))]
    words = [w for w in words if w]
    for i, word in enumerate(words):
        if word in AUXILIARIES:
            return True
        readings = _readings(word)
        if "VERB" not in readings and "AUX" not in readings:
            continue
        if not readings - {"VERB", "AUX"}:
            return True
        before = words[i - 1] if i else ""
        after = words[i + 1] if i + 1 < len(words) else ""
        if before in SUBJECTS:
            return True
        if after == "of" or before in _NOUN_CONTEXT:
            continue
        previous = _readings(before) if before else frozenset()
        if "NOUN" in readings and previous and previous <= _NOMINAL:
            continue  # "hospital visits": a noun or adjective before it makes it a compound
        return True
    return False


# --- counts of people and studies ---------------------------------------------------------

COUNTED = ("person", "study")


def stated_counts(text: str, *, spelled: bool = False) -> list[NumberMention]:
    """Numbers followed by a counted noun of people or studies; small number words ("two
    trials", "one study") only when ``spelled`` (alone they are too often ordinary words)."""
    return [m for m in extract_numbers(text)
            if m.counts in COUNTED and m.kind in ("count", "decimal") and (m.quantity or spelled)]


_PAIR_GAP = 40  # characters between "N studies" and "M people" read as one statement


def _stated(mention: NumberMention, pool: Iterable[float]) -> bool:
    low, high = window(mention.value, mention.decimals[0], mention.qualifier,
                       widen=mention.qualifier is not None)
    return any(low - 1e-9 <= v <= high + 1e-9 for v in pool)


def _pairs(text: str) -> list[tuple[NumberMention, NumberMention]]:
    """("N studies", "M people") said together: one right after the other in a sentence,
    "12 trials with 3000 adults", "12 trials (3000 adults)"."""
    pairs = []
    for sentence in split_sentences(text):
        counts = stated_counts(sentence.text, spelled=True)
        for first, second in zip(counts, counts[1:], strict=False):
            if (first.counts, second.counts) == ("study", "person") and \
                    second.start - first.end <= _PAIR_GAP:
                pairs.append((first, second))
    return pairs


def _stated_together(text: str) -> list[tuple[float, float]]:
    """(studies, people) for every count of studies and count of people in one sentence of
    the abstract, in either order and at any distance ("1831 participants ... in 12 trials")."""
    together = []
    for sentence in split_sentences(text):
        counts = stated_counts(sentence.text, spelled=True)
        together += [(s.value, p.value) for s in counts if s.counts == "study"
                     for p in counts if p.counts == "person"]
    return together


def false_counts(summary: LaySummary, abstract: str) -> list[str]:
    """The draft's counts of people or studies that the abstract does not state as such, and
    its "N studies with M people" that the abstract does not state together."""
    source: dict[str, list[float]] = {c: [] for c in COUNTED}
    for mention in stated_counts(abstract):
        assert mention.counts is not None
        source[mention.counts].extend(mention.values)
    together = _stated_together(abstract)
    wrong: list[str] = []
    for name, text in summary.sections().items():
        for mention in stated_counts(text):
            assert mention.counts is not None
            if not _stated(mention, source[mention.counts]):
                wrong.append(f"{name}: {text[mention.start:mention.end + 20].strip()}")
        for studies, people in _pairs(text):
            if not any(_stated(studies, [n]) and _stated(people, [m]) for n, m in together):
                wrong.append(f"{name}: {text[studies.start:people.end + 10].strip()}")
    return wrong


# --- one draft ----------------------------------------------------------------------------


@dataclass
class DraftMeasures:
    """Everything measured on one draft."""

    grade: float
    grade_plain: float | None  # without template sentences; None when nothing is left
    template_share: float
    template_sentences: list[str]
    conjunction_headline: bool
    abbreviations: list[str]
    primary: bool | None  # None: the abstract has no primary figure
    sentences: int
    verbless: list[str]
    false_counts: list[str]


def measure(summary: LaySummary, abstract: str, index: TemplateIndex) -> DraftMeasures:
    """All measures but ROUGE for one draft, given the template index of all drafts."""
    sentences = [s for _, s in sentences_of(summary)]
    template = [s for s in sentences if is_template(s, abstract, index)]
    plain = " ".join(s for s in sentences if s not in template)
    total = sum(count_words(s) for s in sentences)
    figure = primary_figure(abstract)
    return DraftMeasures(
        grade=grade(whole(summary)),
        grade_plain=grade(plain) if count_words(plain) else None,
        template_share=sum(count_words(s) for s in template) / total if total else 0.0,
        template_sentences=template,
        conjunction_headline=starts_with_conjunction(summary.headline),
        abbreviations=unexplained_abbreviations(summary.headline),
        primary=None if figure is None else primary_present(summary, figure),
        sentences=len(sentences),
        verbless=[s for s in sentences if not has_verb(s)],
        false_counts=false_counts(summary, abstract),
    )


def template_index(pairs: Sequence[tuple[LaySummary, str]]) -> TemplateIndex:
    """The recurring wordings of a set of (draft, abstract) pairs."""
    index = TemplateIndex()
    for summary, abstract in pairs:
        index.add((s for _, s in sentences_of(summary)), abstract)
    return index
