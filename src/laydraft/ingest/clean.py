"""Normalise pasted text: drop HTML, fix Unicode and whitespace, rejoin lines a PDF broke.

Everything here keeps the symbols an abstract's meaning depends on (±, ≥, ≤, µ, β, –, ×):
we normalise to NFC, never NFKC, because NFKC would turn the micro sign into a Greek mu
and superscripts into plain digits.
"""

from __future__ import annotations

import html
import re
import unicodedata
from functools import lru_cache

from ..text.frequency import zipf_en

_HTML_HINT = re.compile(
    r"</?(?:p|br|div|span|b|i|em|strong|sup|sub|h[1-6]|li|ul|ol|table|tr|td|a|abstract|sec|"
    r"section|title|font|html|body)\b[^<>]*>",
    re.IGNORECASE,
)
_HTML_DROP = re.compile(r"<(script|style)\b.*?</\1\s*>|<!--.*?-->", re.IGNORECASE | re.DOTALL)
_HTML_BREAK = re.compile(r"<br\s*/?>", re.IGNORECASE)
_HTML_BLOCK_END = re.compile(
    r"</(?:p|div|h[1-6]|li|tr|title|sec|section)\s*>|<(?:p|div|h[1-6]|li|tr)\b[^<>]*>",
    re.IGNORECASE,
)
# Only real tags: a name right after "<". Keeps "p<0.05" and "<|im_start|>" as text.
_HTML_TAG = re.compile(r"</?[A-Za-z][\w:.-]*(?:\s[^<>]*)?/?>")
_LIGATURES = str.maketrans({"ﬀ": "ff", "ﬁ": "fi", "ﬂ": "fl", "ﬃ": "ffi", "ﬄ": "ffl"})
_INVISIBLE = re.compile("[\u00ad\u200b\u200c\u200d\u2060\ufeff]")
_ODD_SPACE = re.compile("[\t\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def strip_html(text: str) -> str:
    """Remove tags and decode entities; block-level tags become paragraph breaks."""
    if _HTML_HINT.search(text):
        text = _HTML_DROP.sub("", text)
        text = _HTML_BREAK.sub("\n", text)
        text = _HTML_BLOCK_END.sub("\n\n", text)
        text = _HTML_TAG.sub("", text)
    return html.unescape(text) if "&" in text else text


def clean_text(text: str) -> str:
    """Tidy text for reading: HTML gone, NFC, one kind of space, no trailing blanks per line."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u2028", "\n")
    text = strip_html(text)
    text = unicodedata.normalize("NFC", text).translate(_LIGATURES)
    text = _INVISIBLE.sub("", text)
    text = _CONTROL.sub("", _ODD_SPACE.sub(" ", text))
    lines = [re.sub(r" {2,}", " ", line).strip() for line in text.split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def squash(text: str) -> str:
    """One line, single spaces: for titles and for text from XML elements."""
    return " ".join(clean_text(text).split())


@lru_cache(maxsize=4096)
def _zipf(word: str) -> float:
    return zipf_en(word)


def _keep_hyphen(before: str, after: str) -> bool:
    """Whether "before-" + "after" at a line break is a real compound (placebo-controlled)."""
    joined = _zipf((before + after).lower())
    parts = min(_zipf(before.lower()), _zipf(after.lower()))
    if joined == 0.0 and _zipf(after.lower()) > 0.0:
        return True
    return joined < parts


def _glue(previous: str, line: str) -> tuple[str, str]:
    """(previous line as kept, separator) for joining two lines a PDF broke apart."""
    if previous.endswith(("–", "—", "/")):
        return previous, ""
    tail = re.search(r"([A-Za-z]+)-$", previous)
    head = re.match(r"([a-z]+)", line)
    if tail and head:
        if _keep_hyphen(tail.group(1), head.group(1)):
            return previous, ""
        return previous[:-1], ""
    if previous.endswith("-") and not previous.endswith(" -"):
        return previous, ""
    return previous, " "


def join_lines(lines: list[str]) -> str:
    """One paragraph from lines as PDF copying broke them: "treat-" + "ment" = "treatment"."""
    parts: list[str] = []
    for line in lines:
        if parts:
            parts[-2], parts[-1] = _glue(parts[-2], line)
        parts.extend([line, ""])
    return "".join(parts[:-1]) if parts else ""
