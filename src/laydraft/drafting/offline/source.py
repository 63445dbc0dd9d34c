"""The abstract read as labelled sentences: background, methods, results or conclusions.

Structured abstracts name their parts (``RESULTS:``, ``Methods.`` on a line of its own); Cochrane
abstracts in the shared data carry only results and conclusions, unlabelled. Unlabelled
sentences are sorted by their wording, so every later module can ask for "the results" without
caring how the abstract was laid out.
"""

from __future__ import annotations

import re
from typing import Literal, NamedTuple

from ...models import Abstract
from ...text.sentences import split_sentences

Part = Literal["background", "methods", "results", "conclusions"]

_HEADING = re.compile(
    r"(?m)^[ \t]*([A-Z][A-Za-z /&,'()]{2,60}?)\s*(?:[:.]\s*\n|:\s+|\.\s*$)"
)
_PART_OF_LABEL: list[tuple[Part, re.Pattern[str]]] = [
    ("conclusions", re.compile(r"conclu|interpretation|implication|discussion|summary", re.I)),
    ("results", re.compile(r"result|finding|main outcome|outcome", re.I)),
    ("methods", re.compile(r"method|design|setting|patients|participants|measure|search|"
                           r"selection|data collection|analys|intervention|materials", re.I)),
    ("background", re.compile(r"background|introduction|objective|aim|purpose|context|"
                              r"rationale|importance", re.I)),
]
_CONCLUSION_CUES = re.compile(
    r"\b(?:conclu\w+|suggest\w*|in summary|overall,|these (?:findings|results|data)|"
    r"(?:there is|we found) (?:no|little|some|limited|insufficient|moderate|low|high)|"
    r"evidence (?:is|was|suggests|indicates|shows)|implications?|further (?:research|studies|trials)|"
    r"(?:research|studies|trials) (?:is|are) (?:needed|required|warranted)|remains? (?:unclear|"
    r"uncertain|unknown)|may be (?:an? )?(?:effective|useful|beneficial|considered))\b",
    re.I,
)
_METHODS_CUES = re.compile(
    r"\b(?:we (?:searched|aimed|sought|conducted|performed|used|analy[sz]ed|enrolled|recruited|"
    r"retrospectively|prospectively|reviewed)|this (?:study|trial) (?:aimed|was conducted)|"
    r"were (?:enrolled|recruited|randomi[sz]ed|searched)|defined as|estimated (?:with|using)|"
    r"inclusion criteria|was (?:performed|conducted|used) to)\b",
    re.I,
)
# A Cochrane subheading run into its first sentence ("Primary outcomes Three studies reported
# ...", "Steroids versus a dummy treatment Compared with ..."): a short phrase with no stop and
# no verb, then a capitalised word that opens sentences, then a word in lower case or a number.
_RUN_IN = re.compile(
    r"^(?P<head>[A-Z][^.,;:!?()\[\]]{2,90}?) (?=(?:(?:In|The|There|We|Our|One|Two|Three|Four|"
    r"Five|Six|Seven|Eight|Nine|Ten|Compared|Overall|Only|No|None|Most|All|Both|Data|Results|"
    r"Evidence|Pooled|This|These|Among|For|When|At|Of|Participants|Patients|People|Trials|"
    r"Studies|Meta-analysis|Analysis|Analyses) [a-z0-9]"
    r"|An? (?!(?:in|and|or|of|to|was|were|is|are|with|for|on|at|by|versus|vs)\b)[a-z]))")
# Words a capital letter names something after ("vitamin A", "influenza A", "type A").
_LETTER_NAMED = re.compile(r"\b(?:vitamin|influenza|hepatitis|type|group|phase|stage|grade|"
                           r"class|factor|protein|arm|category|level|plan|botulinum|toxin)$",
                           re.I)
_VERB_LIKE = re.compile(r"\b(?:is|are|was|were|be|been|had|has|have|did|does|do|may|might|"
                        r"can|could|would|should|will|showed?|found|reported|\w+ed)\b", re.I)
_ENDS_OPEN = re.compile(r"\b(?:of|in|at|to|for|with|and|or|the|a|an|by|on|than|versus|vs)$",
                        re.I)
_HEDGED = re.compile(r"\b(?:may|might|could|should|can|appears?|seems?|likely|unlikely)\b", re.I)
_OBJECTIVE = re.compile(r"^(?:to|we aimed|this study aimed|the aim|our (?:aim|objective))\b", re.I)


class Line(NamedTuple):
    """One sentence of the abstract, where it sits, and which part of the abstract it is in."""

    text: str
    part: Part
    position: int


def _part_of_label(label: str) -> Part | None:
    for part, pattern in _PART_OF_LABEL:
        if pattern.search(label):
            return part
    return None


def _part_of_sentence(text: str, position: float) -> Part:
    if _OBJECTIVE.match(text):
        return "background"
    if _METHODS_CUES.search(text):
        return "methods"
    if _CONCLUSION_CUES.search(text) and position > 0.4:
        return "conclusions"
    if position > 0.6 and not re.search(r"\d", text) and _HEDGED.search(text):
        return "conclusions"
    return "results"


def _labelled_blocks(text: str) -> list[tuple[Part | None, str]]:
    """The text cut at headings, each block with the part its heading names (None: no heading)."""
    blocks: list[tuple[Part | None, str]] = []
    last, part = 0, None
    for match in _HEADING.finditer(text):
        named = _part_of_label(match.group(1))
        if named is None and match.group(1).upper() != match.group(1):
            continue  # an ordinary sentence ending in a stop, not a heading
        blocks.append((part, text[last:match.start()]))
        last, part = match.end(), named
    blocks.append((part, text[last:]))
    return [(p, b) for p, b in blocks if b.strip()]


def without_run_in_heading(sentence: str) -> str:
    """The sentence without a subheading run into its start; any other sentence as it is."""
    match = _RUN_IN.match(sentence)
    if match is None:
        return sentence
    head = match.group("head")
    if not 2 <= len(head.split()) <= 12 or _VERB_LIKE.search(head) or _ENDS_OPEN.search(head) \
            or _LETTER_NAMED.search(head):
        return sentence
    return sentence[match.end():]


def read_abstract(abstract: Abstract) -> list[Line]:
    """Every sentence of the abstract with its part, in order."""
    blocks: list[tuple[Part | None, str]]
    if abstract.sections:
        blocks = [(_part_of_label(s.label) or _category_part(s.category), s.text)
                  for s in abstract.sections]
    else:
        blocks = _labelled_blocks(abstract.text)
    sentences = [(part, without_run_in_heading(s.text.strip())) for part, block in blocks
                 for s in split_sentences(block) if s.text.strip()]
    total = max(1, len(sentences) - 1)
    return [Line(text, part or _part_of_sentence(text, i / total), i)
            for i, (part, text) in enumerate(sentences)]


_PART_OF_CATEGORY: dict[str, Part] = {
    "background": "background", "objective": "background", "methods": "methods",
    "results": "results", "conclusions": "conclusions",
}


def _category_part(category: str) -> Part | None:
    return _PART_OF_CATEGORY.get(category)
