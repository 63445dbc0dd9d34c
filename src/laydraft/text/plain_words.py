"""The team's glossary of research wording and its plain-language replacement.

Used by the offline drafter. Each entry is (pattern, replacement); patterns are matched
case-insensitively on word boundaries, longest first. Replacements never introduce numbers,
so the offline drafter's numbers stay traceable to the abstract.
"""

from __future__ import annotations

import re

PLAIN_WORDS: dict[str, str] = {
    "statistically significant": "clear",
    "statistically significantly": "clearly",
    "significantly": "clearly",
    "was associated with": "was linked to",
    "were associated with": "were linked to",
    "is associated with": "is linked to",
    "are associated with": "are linked to",
    "associated with": "linked to",
    "association": "link",
    "associations": "links",
    "participants": "people",
    "subjects": "people",
    "individuals": "people",
    "administered": "given",
    "adverse events": "side effects",
    "adverse effects": "side effects",
    "adverse event": "side effect",
    "adverse effect": "side effect",
    "mortality": "death rate",
    "morbidity": "illness",
    "incidence": "rate of new cases",
    "prevalence": "how common it was",
    "cohort": "group",
    "baseline": "the start of the study",
    "utilisation": "use",
    "utilization": "use",
    "utilise": "use",
    "utilize": "use",
    "approximately": "about",
    "subsequent": "later",
    "prior to": "before",
    "in order to": "to",
    "demonstrated": "showed",
    "demonstrate": "show",
    "evaluated": "looked at",
    "evaluate": "look at",
    "assessed": "measured",
    "assess": "measure",
    "investigated": "studied",
    "investigate": "study",
    "randomised": "randomly assigned",
    "randomized": "randomly assigned",
    "placebo": "dummy treatment (placebo)",
    "intervention": "treatment",
    "interventions": "treatments",
    "therapeutic": "treatment",
    "pharmacological": "drug",
    "outcomes": "results",
    "exacerbations": "flare-ups",
    "exacerbation": "flare-up",
    "relapse": "relapse (flare-up)",
    "annualised relapse rate": "yearly relapse rate",
    "annualized relapse rate": "yearly relapse rate",
    "disease-modifying therapy": "long-term MS medicine",
    "disease-modifying therapies": "long-term MS medicines",
    "high-efficacy therapies": "stronger MS medicines",
    "self-reported": "self-rated",
    "heterogeneity": "differences between studies",
    "confidence interval": "range of likely values",
    "magnetic resonance imaging": "MRI brain scans",
    "cerebrospinal fluid": "spinal fluid",
    "neurodegeneration": "nerve damage",
    "symptomatic": "with symptoms",
    "asymptomatic": "without symptoms",
    "comorbidities": "other health conditions",
    "comorbidity": "other health condition",
    "paediatric": "children's",
    "pediatric": "children's",
    "commenced": "started",
    "terminated": "stopped",
    "sufficient": "enough",
    "additional": "more",
    "numerous": "many",
    "obtain": "get",
    "requires": "needs",
    "however": "but",
    "perioperative": "around the time of surgery",
    "postoperative": "after surgery",
    "preoperative": "before surgery",
    "intravenous": "into a vein",
    "intravenously": "into a vein",
    "consumption": "use",
    "moderate-quality evidence": "fairly good evidence",
    "moderate quality evidence": "fairly good evidence",
    "low-quality evidence": "weak evidence",
    "low quality evidence": "weak evidence",
    "very low-quality evidence": "very weak evidence",
    "very low quality evidence": "very weak evidence",
    "high-quality evidence": "strong evidence",
    "high quality evidence": "strong evidence",
    "randomised controlled trials": "fair tests of treatments",
    "randomized controlled trials": "fair tests of treatments",
    "randomised controlled trial": "fair test of a treatment",
    "randomized controlled trial": "fair test of a treatment",
    "risk of bias": "chance of flawed results",
    "respectively": "in that order",
    "experienced": "had",
    "sufficiently": "enough",
    "considerable": "large",
    "substantial": "large",
    "substantially": "greatly",
    "characteristics": "features",
    "frequently": "often",
    "identified": "found",
    "indicated": "showed",
    "indicates": "shows",
    "potential": "possible",
    "concerning": "about",
    "regarding": "about",
    "population": "group",
    "medication": "medicine",
    "medications": "medicines",
    "physicians": "doctors",
    "clinicians": "doctors",
    "hospitalisation": "hospital stay",
    "hospitalization": "hospital stay",
    "treatment arm": "treatment group",
    "duration": "length",
    "therefore": "so",
    "moreover": "also",
    "furthermore": "also",
}

_PATTERN = re.compile(
    r"\b(" + "|".join(re.escape(k) for k in sorted(PLAIN_WORDS, key=len, reverse=True)) + r")\b",
    re.IGNORECASE,
)


def plain_wording(text: str, explained: set[str] | None = None) -> str:
    """Replace research wording with the team's plain equivalents.

    Replacements that explain a term in brackets ("relapse (flare-up)") are used only once:
    pass the same ``explained`` set for every sentence of one text.
    """
    seen = explained if explained is not None else set()

    def replace(match: re.Match[str]) -> str:
        found = match.group(0)
        plain = PLAIN_WORDS[found.lower()]
        if "(" in plain:
            if found.lower() in seen:
                plain = re.sub(r"\s*\(.*?\)", "", plain)
            seen.add(found.lower())
        return plain[0].upper() + plain[1:] if found[0].isupper() else plain

    return _PATTERN.sub(replace, text)
