"""One spelling for characters that look alike: dashes, hyphens, minus signs and spaces.

Drafts come from models and reviewers' editors, which write U+2010 hyphens, non-breaking
hyphens, odd minus signs and narrow no-break spaces; the readers of this layer (numbers,
words, sentences) expect ASCII hyphens and spaces. Minus signs stay signs (U+2212), not
hyphens: "CI\u22120.95" is a figure, where "COVID-19" is a name. ``fold`` maps each variant one
character for one, so every offset into the folded text is an offset into the original
(findings point at the text the reviewer sees). ``normalise`` adds NFC for text entering the
system, where offsets do not matter yet.
"""

from __future__ import annotations

import re
import unicodedata

HYPHEN = "-"
EN_DASH = "\u2013"
EM_DASH = "\u2014"
MINUS = "\u2212"

_HYPHENS = "\u2010\u2011\u2043\ufe63\uff0d"  # hyphen, non-breaking, bullet, small, fullwidth
_MINUSES = "\u02d7\u2796"  # modifier letter minus, heavy minus
_EN_DASHES = "\u2012\ufe32"  # figure dash, small en dash (presentation form)
_EM_DASHES = "\u2015\u2e3a\u2e3b\ufe31\ufe58"  # horizontal bar, two/three-em dash...
_SPACES = "\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a" \
    "\u202f\u205f\u3000"

_FOLD = str.maketrans(
    {**dict.fromkeys(_HYPHENS, HYPHEN), **dict.fromkeys(_MINUSES, MINUS),
     **dict.fromkeys(_EN_DASHES, EN_DASH), **dict.fromkeys(_EM_DASHES, EM_DASH),
     **dict.fromkeys(_SPACES, " ")}
)
_VARIANT = re.compile("[" + "".join(map(chr, _FOLD)) + "]")


def fold(text: str) -> str:
    """Dash, hyphen, minus and space variants as ``-``, ``–``, ``—``, ``−`` and a space.

    Length and offsets are unchanged: one character in, one character out. Text holding no
    variant (every one is outside ASCII) is returned as it is: ``translate`` looks up every
    character, and most text has nothing to fold.
    """
    if text.isascii() or not _VARIANT.search(text):
        return text
    return text.translate(_FOLD)


def normalise(text: str) -> str:
    """NFC, then ``fold``: for text entering the system (offsets may change under NFC)."""
    return fold(unicodedata.normalize("NFC", text))


def for_reading(text: str) -> str:
    """``normalise`` when NFC keeps every offset (nearly always), else ``fold`` alone.

    What the checks read: offsets into the result are offsets into ``text``.
    """
    composed = unicodedata.normalize("NFC", text)
    return fold(composed if len(composed) == len(text) else text)
