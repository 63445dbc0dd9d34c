"""Spot text in an abstract that talks to the model instead of describing a study.

An abstract is data. Text in it that gives orders to a language model ("ignore previous
instructions"), plays a chat role ("system:", ``<|im_start|>``) or opens a prompt block is kept
as it is, so nothing is silently dropped, and reported so a reviewer looks at the draft with care.
"""

from __future__ import annotations

import re

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
        r"\b(?:do\s+not|don't)\s+(?:summari[sz]e|mention|report|flag)\b",
        r"\bwrite\s+(?:the|this|your)\s+(?:lay\s+)?summary\s+(?:as|so|to\s+say)\b",
        r"\bjailbreak\b|\bdo\s+anything\s+now\b",
    )
)


def suspicious_phrases(text: str) -> list[str]:
    """Phrases in ``text`` that address a language model, each once, in order of appearance."""
    spans: list[tuple[int, int]] = []
    for pattern in _PATTERNS:
        spans.extend(match.span() for match in pattern.finditer(text))
    phrases: list[str] = []
    covered_to = -1
    for start, end in sorted(spans, key=lambda span: (span[0], -span[1])):
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
