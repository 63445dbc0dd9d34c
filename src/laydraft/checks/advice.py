"""Wording that tells readers what to do with their treatment.

Summaries inform; decisions belong to readers and their care team. Codes (stable; messages may
change, codes do not):

- ``advice.change_treatment`` (error): telling readers to stop, start, switch, change, skip or
  re-dose a treatment ("You should stop taking your painkillers", "Switch to the new drug",
  "Increase your dose"): a reader who follows it can come to harm.
- ``advice.directive`` (warning): other instructions about care ("Ask for an MRI scan",
  "Do not take this with alcohol", "Keep taking your tablets", "patients should avoid
  exercise", "you should try ...").

Only wording addressed to readers counts: an imperative that opens its clause (after "So",
"Please" or a fronted "If ...,"), "you/people/patients ... should/must/need to", "we recommend
that you/people ...", or "it is best to ...". Described
behaviour is not advice ("some people stop taking it because of side effects", "were able to
stop taking steroids", "the studies do not take into account"), nor are nouns ("made no change
to", "a switch to"), nor negated or open wording ("this does not mean anyone should stop",
"unclear whether people should use"). Pointing readers to their care team ("talk with your
doctor", "patients should ask their doctor for help") is what the style asks for.
"""

from __future__ import annotations

import re

from ..models import Abstract, Finding, LaySummary, Severity
from ..text.context import clause_before, imperative
from ..text.normalise import fold

NAME = "advice"
CHANGE = "advice.change_treatment"
DIRECTIVE = "advice.directive"

_CARER = (r"(?:(?:your|their|his|her|a|the)\s+)?(?:doctor|nurse|neurologist|pharmacist|midwife|"
          r"care\s+team|health\s*care\s+(?:team|provider|professional)|GP|specialist|dentist)"
          r"(?:\s+or\s+(?:(?:your|their|a|the)\s+)?(?:doctor|nurse|pharmacist|midwife|"
          r"care\s+team|GP|specialist))?")
_TREATMENT = (r"(?:dose|doses|dosage|medication|medications|medicine|medicines|tablets?|pills?|"
              r"treatment|drugs?|inhaler|insulin|injections?)")
_IDIOM = r"(?!\s+(?:into\s+account|part|care|place|time|note|a\s+look|steps|action|a\s+break)\b)"
_PHRASES: list[tuple[str, re.Pattern[str]]] = [
    (CHANGE, re.compile(
        rf"""\b(?:
            (?:stop|start|begin|quit|restart|resume)\s+(?:taking|using|on|with|your|the)\b
          | (?:switch|change)\s+(?:to|your|from|over)\b
          | (?:increase|decrease|reduce|lower|raise|double|halve|cut|skip|adjust)\s+
            (?:your|the|a|their)\s+(?:\w+\s+)?{_TREATMENT}\b
          | come\s+off\b
          | take{_IDIOM}\s+(?:your|a|an|the|this|these|extra|more|less|it|them|\d)\b
        )""", re.I | re.X)),
    (DIRECTIVE, re.compile(
        rf"""\b(?:
            (?:keep|continue|carry\s+on)\s+(?:taking|using|with|on|your)\b
          | (?:do\s+not|don't|never)\s+(?:take|use|stop|start|skip|change){_IDIOM}\b
          | avoid\b
          | (?:try|consider)\s+(?:taking|using|switching|asking|stopping|starting)\b
          | ask\s+(?:{_CARER}\s+)?for\b(?!\s+(?:help|advice|information|more\s+information|
            support|guidance|an?\s+explanation)\b)
          | insist\s+on\b
          | use{_IDIOM}\s+(?:your|a|an|the|this|these|it)\b
          | (?:get|have|buy|demand)\s+(?:a|an|the|your)\s+(?:\w+\s+)?(?:scan|test|vaccine|
            vaccination|operation|surgery|prescription|treatment|screening)\b
        )""", re.I | re.X)),
]
_ADDRESSEE = re.compile(
    r"\b(?:you|people|patients|everyone|anyone|women|men|mothers|parents|carers|adults|"
    r"children|those|individuals|readers|sufferers|smokers)\b[^.;:]{0,80}?"
    r"\b(?:should|must|need\s+to|needs\s+to|ought\s+to|have\s+to|has\s+to|had\s+better)"
    r"(?:\s+(?:now|also|always|then|all|really|still|probably|definitely|immediately))*\s+$",
    re.I,
)
_RECOMMEND = re.compile(
    r"(?:\b(?:we\s+)?(?:recommend|advise|suggest|urge)s?\s+(?:that\s+)?(?:you|people|patients|"
    r"women|men|parents|anyone|everyone|readers)\b[^.;:]{0,60}?(?:\s+should)?"
    r"|\bit\s+(?:is|would\s+be)\s+(?:best|wise|wiser|better|advisable|safest|sensible)\s+"
    r"(?:for\s+(?:you|people|patients)\s+)?to)\s+$",
    re.I,
)
_YOU_SHOULD = re.compile(
    r"\byou\s+(?:should|must|need\s+to|ought\s+to|have\s+to)\s+(?!talk|speak|discuss|ask|"
    r"tell|check|consult|see|contact|read|know|remember|be\s+aware)(\w+)",
    re.I,
)
_NEGATED = re.compile(
    r"\b(?:not|no\s+one|nobody|never|without|whether|unclear|unknown|uncertain|nor)\b|n't\b",
    re.I,
)


def _addressed(text: str, start: int) -> bool:
    """The words at ``start`` tell the reader (or people like them) what to do."""
    if imperative(text, start):
        return True
    before = clause_before(text, start)
    addressed = _ADDRESSEE.search(before) or _RECOMMEND.search(before)
    return bool(addressed) and not _NEGATED.search(before)


def _advice(text: str) -> list[tuple[str, int, int]]:
    """(code, start, end) of each piece of advice in ``text``, one per place."""
    found: list[tuple[str, int, int]] = []
    for code, pattern in _PHRASES:
        for match in pattern.finditer(text):
            negative = match.group().lower().startswith(("do not", "don't", "never"))
            if _addressed(text, match.start()) or (negative and imperative(text, match.start())):
                found.append((code, match.start(), match.end()))
    for match in _YOU_SHOULD.finditer(text):
        if not _NEGATED.search(clause_before(text, match.start())):
            found.append((DIRECTIVE, match.start(), match.end()))
    kept: list[tuple[str, int, int]] = []
    for code, start, end in sorted(found, key=lambda f: (f[0] != CHANGE, f[1])):
        if not any(s < end and start < e for _, s, e in kept):
            kept.append((code, start, end))
    return sorted(kept, key=lambda f: f[1])


def check_advice(abstract: Abstract, summary: LaySummary) -> list[Finding]:
    findings = []
    for section, text in summary.sections().items():
        text = fold(text)
        for code, start, end in _advice(text):
            phrase = text[start:end]
            change = code == CHANGE
            findings.append(Finding(
                check=NAME, code=code, severity=Severity.error if change else Severity.warning,
                section=section, start=start, end=end,
                message=f"'{phrase}' tells readers to change their treatment; a reader who "
                        "follows it without their care team can come to harm." if change else
                        f"'{phrase}' tells readers what to do about their care.",
                suggestion="Point readers to their care team instead, e.g. 'talk with your "
                           "doctor or care team about what this means for you'.",
            ))
    return findings
