"""Research phrasing rewritten as plain statements that claim exactly as much.

The word swaps in ``wording`` change one word for another. Some of the heaviest wording of an
abstract is a phrase whose plain form needs a different shape: "there was no statistically
significant difference in pain" says that any difference seen could be chance, so it becomes
"there was no difference beyond chance in pain", and "the difference was not significant"
becomes "the difference could be down to chance"; neither becomes "clear" or "clearly"
(statistical significance is not certainty). Each rule here is a pattern and its replacement, tried in
order; a rule only fires where its whole phrase matches, so a sentence it does not fit keeps
its wording. The rules never add or drop a number.
"""

from __future__ import annotations

import re
from collections.abc import Callable

_BEYOND_CHANCE = "beyond chance"
_NOUNS = (r"differences?|effects?|benefits?|changes?|improvements?|reductions?|increases?|"
          r"decreases?|associations?|links?|heterogeneity")

_GRADING_WORDS = {"very low": "very uncertain", "low": "uncertain",
                  "moderate": "fairly certain", "high": "certain"}
_TALKING_THERAPY = re.compile(r"(?:physical|occupational|speech|language|behaviou?ral|cognitive|"
                              r"family|group|music|art|light|talking|manual|play|couples?|"
                              r"interpersonal|exposure|psycho\w*|massage|systemic)\s+$", re.I)
_EFFECTIVE = {"is": "works", "are": "work", "was": "worked", "were": "worked"}
_NOT_EFFECTIVE = {"is": "does not work", "are": "do not work", "was": "did not work",
                  "were": "did not work"}


def _grading(match: re.Match[str]) -> str:
    return f"the evidence is {_GRADING_WORDS[match.group(1).lower()]}"


def _therapy(match: re.Match[str]) -> str:
    """ "oxygen therapy" is "oxygen treatment"; "physical therapy" is a name and stays."""
    before = match.string[max(0, match.start() - 30):match.start()]
    if _TALKING_THERAPY.search(before):
        return match.group(0)
    return "treatments" if match.group(0).lower().endswith("ies") else "treatment"


def _effective(match: re.Match[str]) -> str:
    verb, negated, more = match.group(1).lower(), match.group(2), match.group(3)
    words = (_NOT_EFFECTIVE if negated else _EFFECTIVE)[verb]
    return words + (" better than" if more else "")


Replacement = str | Callable[[re.Match[str]], str]

# (pattern, replacement), applied in order, case-insensitive where the pattern says so.
RULES: list[tuple[re.Pattern[str], Replacement]] = [
    # significance: kept as "beyond chance", never turned into certainty
    (re.compile(r"\b(no|any|not a|not any) (?:observed )?(?:statistically )?significant(?:ly)? "
                r"(?:((?:\w+ ){0,1}?)(" + _NOUNS + r"))\b", re.I),
     rf"\1 \2\3 {_BEYOND_CHANCE}"),
    (re.compile(r"\b(?:was|were) not (?:statistically )?significantly different (?:from|to)\b",
                re.I), f"did not differ {_BEYOND_CHANCE} from"),
    (re.compile(r"\b(?:is|are) not (?:statistically )?significantly different (?:from|to)\b",
                re.I), f"does not differ {_BEYOND_CHANCE} from"),
    (re.compile(r"\b(?:was|were|is|are) not (?:statistically )?significant(?=\s*[.,;:]|$)", re.I),
     "could be down to chance"),
    (re.compile(r"\b(?:did|does|do) not (?:statistically )?significantly (differ|change)\b", re.I),
     rf"did not \1 {_BEYOND_CHANCE}"),
    # how sure the evidence is, in words (issue 15: "the evidence is uncertain")
    (re.compile(r"\b(?:the )?(?:overall )?(?:quality|certainty) of (?:the )?evidence (?:was|is) "
                r"(?:(?:rated|judged|graded|considered)(?: to be| as)? )?(very low|low|moderate|high)"
                r"\b", re.I), _grading),
    (re.compile(r"\bvery low[- ](?:quality|certainty) evidence\b", re.I), "very uncertain evidence"),
    (re.compile(r"\blow[- ](?:quality|certainty) evidence\b", re.I), "uncertain evidence"),
    (re.compile(r"\bmoderate[- ](?:quality|certainty) evidence\b", re.I),
     "fairly certain evidence"),
    (re.compile(r"\bhigh[- ](?:quality|certainty) evidence\b", re.I), "certain evidence"),
    (re.compile(r"\b(?:there is|there was) (?:insufficient|inadequate) evidence\b", re.I),
     "there is not enough evidence"),
    (re.compile(r"\binsufficient (evidence|data|information)\b", re.I), r"not enough \1"),
    # what a review looked at
    (re.compile(r"\b(the|all|these|both|other) included (studies|trials|reviews|RCTs)\b", re.I),
     r"\1 \2"),
    (re.compile(r"\bincluded in (?:the|this|our) (?:review|meta-analys[ie]s|analysis)\b", re.I),
     "in the review"),
    (re.compile(r"\b(the authors|this review|the review) included\b", re.I),
     r"\1 looked at"),
    (re.compile(r"\bmeta-analysis\b", re.I), "pooled analysis"),
    (re.compile(r"\bmeta-analyses\b", re.I), "pooled analyses"),
    (re.compile(r"\bin terms of\b", re.I), "for"),
    (re.compile(r"\b(?:a|the) (?:majority|bulk) of (?=(?:the|these|those|them|their|its|this)\b)",
                re.I), "most of "),
    (re.compile(r"\b(?:a|the) (?:majority|bulk) of\b", re.I), "most"),
    (re.compile(r"\ba (?:large |small )?number of\b", re.I), "some"),
    (re.compile(r"\bwith regard to\b|\bwith respect to\b|\bin relation to\b", re.I), "about"),
    (re.compile(r"\bthe use of\b", re.I), "using"),
    (re.compile(r"\bin clinical practice\b", re.I), "in everyday care"),
    (re.compile(r"\bclinically (?:important|relevant|meaningful|significant)\b", re.I),
     "important to patients"),
    (re.compile(r"\b(treatment|control|placebo|study|intervention) arms?\b", re.I),
     r"\1 groups"),
    (re.compile(r"\bsmoking cessation\b", re.I), "quitting smoking"),
    (re.compile(r"\b(was|were|been|be) (?:conducted|performed|undertaken)\b", re.I), r"\1 done"),
    (re.compile(r"\b(was|were|been|be) observed\b", re.I), r"\1 seen"),
    (re.compile(r"\bwhether or not\b", re.I), "whether"),
    (re.compile(r"\bmortality rate\b", re.I), "death rate"),  # not "death rate rate"
    (re.compile(r"\bmortality rates\b", re.I), "death rates"),
    (re.compile(r",\s*however,\s*", re.I), " "),  # "The share, however, remains" (not ", but,")
    # "postoperative pain" is "pain after surgery", never "after surgery pain"
    (re.compile(r"\bpostoperative (nausea and vomiting|mortality and morbidity|[a-z]+)\b", re.I),
     r"\1 after surgery"),
    (re.compile(r"\bpreoperative (nausea and vomiting|mortality and morbidity|[a-z]+)\b", re.I),
     r"\1 before surgery"),
    (re.compile(r"\bperioperative (nausea and vomiting|mortality and morbidity|[a-z]+)\b", re.I),
     r"\1 around the time of surgery"),
    # "randomised trials of X" cannot become "trials that put people into groups by chance of X"
    (re.compile(r"\brandomi[sz]ed (?:controlled )?(trials?) (?=(?:of|on|in|comparing|that|"
                r"assessing|evaluating|with|to|for|are|is|were|was)\b)", re.I), r"\1 "),
    (re.compile(r"\banalgesic (effects?|efficacy|benefits?|properties|drugs?|medicines?|"
                r"medications?)\b", re.I), r"pain-relieving \1"),
    (re.compile(r"\bclinical (trials?)\b", re.I), r"\1"),
    (re.compile(r"\b(?:currently )?available (evidence|data|studies|trials|research)\b", re.I),
     r"\1"),
    (re.compile(r"\b(is|are|was|were) (not )?(?:(more) )?effective(?(3) than)\b"
                r"(?(3)|(?=\s*(?:[.,;:)]|$|\s(?:in|for|at|when|as|against|compared|to|and|or|but|"
                r"with|among|after|during|over)\b)))", re.I),  # not "are effective supplements"
     _effective),
    (re.compile(r"\btherap(?:y|ies)\b", re.I), _therapy),
    (re.compile(r"\bidentified(?! as)\b", re.I), "found"),
    (re.compile(r"\bprimary (end ?points?|analys[ie]s)\b", re.I), r"main \1"),
    (re.compile(r"\binterpreted with caution\b", re.I), "read with care"),
    (re.compile(r"\badministration of\b", re.I), "giving"),
    (re.compile(r"\bfollowing (?=(?:the|a|an|treatment|surgery|delivery|birth|\d)\b)", re.I),
     "after "),
    (re.compile(r"\b(was|were|been|be) provided\b", re.I), r"\1 given"),
]

# Single words: research wording and its plain word, with the same part of speech and form.
WORDS: dict[str, str] = {
    "adolescents": "teenagers",
    "adolescent": "teenage",
    "neonates": "newborn babies",
    "infants": "babies",
    "elderly": "older",
    "efficacy": "benefit",
    "effectiveness": "benefit",
    "beneficial": "helpful",
    "detrimental": "harmful",
    "inconclusive": "unclear",
    "conclusive": "clear",
    "insufficient": "not enough",
    "inadequate": "poor",
    "inadequately": "poorly",
    "adequately": "well",
    "required": "needed",
    "require": "need",
    "determine": "find out",
    "currently": "now",
    "subsequently": "later",
    "initially": "at first",
    "discontinued": "stopped",
    "discontinuation": "stopping",
    "superior": "better",
    "comparable": "similar",
    "limitations": "limits",
    "limitation": "limit",
    "heterogeneous": "mixed",
    "receiving": "getting",
    "received": "got",
    "undergoing": "having",
    "underwent": "had",
    "occurred": "happened",
    "occurring": "happening",
    "analgesics": "painkillers",
    "analgesic": "painkiller",
    "analgesia": "pain relief",
    "pharmacotherapy": "drug treatment",
    "non-pharmacological": "non-drug",
    "gastrointestinal": "gut",
    "supplementation": "supplements",
    "prophylaxis": "prevention",
    "prophylactic": "preventive",
    "regimen": "plan",
    "regimens": "plans",
    "nevertheless": "still",
    "nonetheless": "still",
    "whereas": "while",
    "optimal": "best",
    "facilitate": "help",
    "assist": "help",
    "hospitalisations": "hospital stays",
    "hospitalizations": "hospital stays",
    "all-cause mortality": "death from any cause",
    "modest": "small",
    "demonstrates": "shows",
    "demonstrating": "showing",
    "evaluating": "looking at",
    "evaluates": "looks at",
    "investigating": "studying",
    "examined": "looked at",
    "examining": "looking at",
    "versus": "against",
    "methodological quality": "quality",
    "participant": "person",
    "additional": "extra",
    "corticosteroids": "steroids",
    "corticosteroid": "steroid",
    "generally": "mostly",
    "proportion": "share",
    "proportions": "shares",
    "experiencing": "having",
}


def _keeping_case(replacement: Replacement) -> Callable[[re.Match[str]], str]:
    def replace(match: re.Match[str]) -> str:
        new = replacement(match) if callable(replacement) else match.expand(replacement)
        at_start = not match.string[:match.start()].strip() or \
            match.string[:match.start()].rstrip().endswith((".", "!", "?"))
        if at_start and match.group(0)[:1].isupper() and new[:1].islower():
            return new[0].upper() + new[1:]
        return new

    return replace


_COMPILED = [(pattern, _keeping_case(replacement)) for pattern, replacement in RULES]


def rewrite(text: str) -> str:
    """Apply the phrase rules in order, a capital kept at the start of a sentence; the word
    swaps are ``wording``'s job."""
    for pattern, replace in _COMPILED:
        text = pattern.sub(replace, text)
    return text
