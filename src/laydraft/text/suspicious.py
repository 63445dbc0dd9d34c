"""Spot text in an abstract that talks to the model instead of describing a study.

An abstract is data. Text in it that gives orders to a language model ("ignore previous
instructions"), plays a chat role ("system:", ``<|im_start|>``) or opens a prompt block is kept
as it is, so nothing is silently dropped, and reported so a reviewer looks at the draft with care.
"""

from __future__ import annotations

import re

from ..models import Abstract, AbstractSection
from .sentences import split_sentences

_PATTERNS: tuple[re.Pattern[str], ...] = tuple(
    re.compile(p, re.IGNORECASE | re.MULTILINE)
    for p in (
        r"\b(?:ignore|disregard|forget|override)\s+(?:all\s+|any\s+|the\s+|your\s+)*"
        r"(?:previous|prior|above|earlier|preceding|former|system)\s+"
        r"(?:instructions?|prompts?|messages?|rules|directions|context)",
        r"\bforget\s+(?:everything|all)\s+(?:you|above|before)\b[^.\n]{0,40}",
        r"\byou\s+are\s+(?:now\s+|no\s+longer\s+)?(?:an?\s+|the\s+|my\s+)?"
        r"(?:ai|assistant|chatbot|language\s+model|llm|chatgpt|gpt|claude|helpful|"
        r"going\s+to|required\s+to|to\s+(?:write|say|output|respond|ignore))\b",
        r"\byou\s+are\s+now\b",
        r"\bas\s+an\s+ai\s+(?:language\s+)?model\b",
        r"^\s*(?:system|assistant|user|developer|human|ai)\s*:",
        r"<\|[a-z_]+\|>|\[/?INST\]|<</?SYS>>|<\|?(?:im_start|im_end|endoftext)\|?>",
        r"^\s*#{2,}\s*(?:instruction|instructions|system|response|prompt)\b:?",
        r"\b(?:new|updated|hidden|secret)\s+instructions?\b",
        r"\bsystem\s+prompt\b",
        r"\b(?:respond|reply|answer)\s+only\s+with\b",
        # an order, not a description: "Do not mention ..." opens its sentence or follows
        # "please", where "most trials do not report ..." has a subject
        r"(?:(?<![^\n])|(?<=[.:;!?]\s)|(?<=[.:;!?])|(?<=please\s))\s*"
        r"(?:do\s+not|don't)\s+(?:summari[sz]e|mention|report|flag)\b",
        r"\bwrite\s+(?:the|this|your)\s+(?:lay\s+)?summary\s+(?:as|so|to\s+say)\b",
        r"\bjailbreak\b|\bdo\s+anything\s+now\b",
    )
)


# For each pattern, words one of which it cannot match without (None: always run it). Most
# abstracts hold none of them, and a case-blind scan of a whole abstract costs far more than
# looking for a word in it: the patterns run only where they could match.
_NEEDS: tuple[tuple[str, ...] | re.Pattern[str] | None, ...] = (
    ("ignore", "disregard", "forget", "override"), ("forget",), ("you",), ("you",),
    ("model",), None, None, None, ("instruction",), ("prompt",), ("only",),
    re.compile(r"do(?:\s+not|n't)"), ("summary",), ("jailbreak", "anything"),
)
# The letters outside A-Z that re.IGNORECASE matches to a letter inside it.
_CASE_TWINS = str.maketrans({"\u0130": "i", "\u0131": "i", "\u017f": "s", "\u212a": "k"})


def _spans(text: str) -> list[tuple[int, int]]:
    lowered = (text if text.isascii() else text.translate(_CASE_TWINS)).lower()
    spans: list[tuple[int, int]] = []
    for pattern, needs in zip(_PATTERNS, _NEEDS, strict=True):
        if needs is None or (needs.search(lowered) is not None
                             if isinstance(needs, re.Pattern)
                             else any(word in lowered for word in needs)):
            spans.extend(match.span() for match in pattern.finditer(text))
    return sorted(spans, key=lambda span: (span[0], -span[1]))


def suspicious_phrases(text: str) -> list[str]:
    """Phrases in ``text`` that address a language model, each once, in order of appearance."""
    phrases: list[str] = []
    covered_to = -1
    for start, end in _spans(text):
        phrase = " ".join(text[start:end].split())
        if start >= covered_to and phrase.lower() not in (p.lower() for p in phrases):
            phrases.append(phrase)
        covered_to = max(covered_to, end)
    return phrases


def injection_flags(text: str) -> list[str]:
    """Human-readable notes for ``Abstract.flags``, one per phrase."""
    return [
        f"prompt-injection: text addresses the model: '{phrase}'"
        for phrase in suspicious_phrases(text)
    ]


def addresses_model(text: str) -> bool:
    """True when ``text`` holds any phrase that talks to a language model."""
    return any(pattern.search(text) for pattern in _PATTERNS)


def flagged_sentence_spans(text: str) -> list[tuple[int, int]]:
    """Character spans of the whole sentences of ``text`` that hold a phrase addressing the model.

    The phrases are found in the full text (so a "system:" at a line start is seen), then widened
    to their sentences: a check can name the sentence and a drafter can leave all of it out.
    """
    spans = _spans(text)
    if not spans:
        return []
    return [(s.start, s.end) for s in split_sentences(text)
            if any(start < s.end and s.start < end for start, end in spans)]


def flagged_sentences(text: str) -> list[str]:
    """The sentences of ``text`` that address the model, in order."""
    return [text[start:end] for start, end in flagged_sentence_spans(text)]


_NOTHING_LEFT = "The abstract holds no text to summarise."


def _without_spans(text: str, spans: list[tuple[int, int]]) -> str:
    for start, end in reversed(spans):
        text = text[:start].rstrip(" \t") + (" " if start and end < len(text) else "") \
            + text[end:].lstrip(" \t")
    return text.strip()


def without_flagged_sentences(abstract: Abstract) -> Abstract:
    """A copy of ``abstract`` with every sentence that addresses the model taken out.

    Drafters summarise this copy, so an injected order is never copied into a summary; the
    stored abstract keeps the text as it came, and the ``injection`` check names what was left
    out. Returns ``abstract`` itself when nothing is flagged.
    """
    text_spans = flagged_sentence_spans(abstract.text)
    section_spans = [flagged_sentence_spans(s.text) for s in abstract.sections]
    if not text_spans and not any(section_spans):
        return abstract
    sections: list[AbstractSection] = []
    for section, spans in zip(abstract.sections, section_spans, strict=True):
        kept = _without_spans(section.text, spans)
        if kept:
            sections.append(section.model_copy(update={"text": kept}))
    text = _without_spans(abstract.text, text_spans)
    return abstract.model_copy(update={"text": text or _NOTHING_LEFT, "sections": sections})
