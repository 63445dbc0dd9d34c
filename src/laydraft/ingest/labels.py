"""Section labels of structured abstracts and the standard category each belongs to.

The categories follow the National Library of Medicine's structured-abstract scheme (the
``NlmCategory`` attribute PubMed puts on ``AbstractText``), so a label found in pasted text gets
the category PubMed would give it. NLM files administrative labels (funding, trial
registration, disclosures) under BACKGROUND; we do the same so both sources agree.

A combined label takes the category of its last recognised word: "Background and aims" is an
objective, "Methods and results" is results, "Design, setting, and participants" is methods.
"""

from __future__ import annotations

import re

from ..models import SectionCategory

CATEGORY_WORDS: dict[str, SectionCategory] = {
    **dict.fromkeys(
        ["background", "backgrounds", "introduction", "context", "rationale", "funding",
         "registration", "disclosure", "disclosures", "contact", "information",
         "interests", "conflict", "conflicts", "sponsorship"],
        "background",
    ),
    **dict.fromkeys(
        ["objective", "objectives", "aim", "aims", "purpose", "purposes", "hypothesis",
         "hypotheses", "goal", "goals", "importance", "question", "questions"],
        "objective",
    ),
    **dict.fromkeys(
        ["method", "methods", "methodology", "design", "designs", "setting", "settings",
         "participants", "participant", "patients", "patient", "subjects", "subject",
         "material", "materials", "intervention", "interventions", "measure", "measures",
         "measurement", "measurements", "analysis", "analyses", "statistics", "protocol",
         "tools", "observations", "procedure", "procedures", "population", "populations",
         "sample", "samples", "search", "criteria", "implementation", "exposure", "exposures",
         "approach", "techniques", "cases", "sources", "eligibility", "collection"],
        "methods",
    ),
    **dict.fromkeys(
        ["results", "result", "findings", "finding", "outcomes"],
        "results",
    ),
    **dict.fromkeys(
        ["conclusions", "conclusion", "interpretation", "discussion", "implications",
         "significance", "limitations", "relevance", "perspective", "perspectives"],
        "conclusions",
    ),
}

# Glue words that may appear in a label but do not decide its category.
FILLER_WORDS = frozenset(
    {
        "and", "of", "the", "main", "key", "study", "primary", "secondary", "clinical", "trial",
        "number", "new", "existing", "comparison", "with", "experimental", "statistical",
        "financial", "supplementary", "authors", "author", "data", "selection", "or", "outcome",
        "for", "in", "scientific", "practical", "summary", "case", "report", "brief",
        "availability", "competing", "unlabelled", "unstructured", "abstract", "research",
        "principal"
    }
)

# NLM assignments the last-word rule would get wrong.
EXACT_LABELS: dict[str, SectionCategory] = {
    "patient summary": "results",
    "comparison with existing methods": "conclusions",
    "comparison with existing method": "conclusions",
    "main outcome measures": "methods",
    "main outcomes and measures": "methods",
    "summary": "other",
}


def label_words(label: str) -> list[str]:
    """Lower-case words of a label; "RESULT(S)" counts as "results", "Authors'" as "authors"."""
    text = re.sub(r"s?\(s\)", "s", label, flags=re.IGNORECASE)
    text = text.replace("&", " and ")
    return re.findall(r"[a-z]+", text.lower())


def category_for(label: str) -> SectionCategory:
    """The standard category of a section label; "other" when nothing in it is recognised."""
    words = label_words(label)
    exact = EXACT_LABELS.get(" ".join(words))
    if exact:
        return exact
    category: SectionCategory = "other"
    for word in words:
        category = CATEGORY_WORDS.get(word, category)
    return category


def is_known_label(label: str) -> bool:
    """True when every word is a label word and one of them names a category."""
    words = label_words(label)
    if not words or len(words) > 8:
        return False
    vocabulary = CATEGORY_WORDS.keys() | FILLER_WORDS
    return all(w in vocabulary for w in words) and any(w in CATEGORY_WORDS for w in words)


def nlm_category(label: str, nlm: str | None) -> SectionCategory:
    """Category from PubMed's ``NlmCategory`` when it names one, else from the label."""
    value = (nlm or "").strip().lower()
    if value in ("background", "objective", "methods", "results", "conclusions"):
        return value  # type: ignore[return-value]
    return category_for(label)
