"""How common an English word is, on wordfreq's Zipf scale.

Two questions, two costs:

- ``common_zipf``: "is this word common?" (the jargon and injection checks ask it for every
  word they read). Only words at Zipf 3 or more matter to them, so it reads
  ``common_words.txt``: the 28,000-odd words of wordfreq's English list at that frequency
  or above, in wordfreq's own centibel buckets (about 4 MB once loaded, against about 40 MB
  for the whole list, which every batch process used to hold). A rarer word is 0.
- ``zipf_en``: the exact figure for any word, from the whole list, loaded once under a lock
  on first use (batch workers check drafts in several threads, and wordfreq memoises its list
  without one: each thread would unpack its own copy). Only ingestion asks it, to tell a
  compound broken at a line end from a hyphenated one.

A word of lower-case letters a-z (and an apostrophe) is its own single token in wordfreq's
English tokenizer, and a hyphenated word or a phrase is its parts: both are computed here with
wordfreq's own arithmetic (tokens combined as 1/f = 1/f1 + 1/f2, rounded to three significant
digits, then to hundredths of a Zipf unit), at a tenth of the cost of its Unicode tokenizer.
Other words are cut by that tokenizer (it needs no word list), and only a word with a digit
asks the whole list. ``python -m laydraft.text.frequency`` rewrites the shipped list
from the installed wordfreq; a test checks it matches.
"""

from __future__ import annotations

import math
import re
import threading
from functools import cache
from importlib.resources import files

COMMON_FLOOR = 3.0  # Zipf: once a million words; the shipped list holds the words at or above
_FLOOR_BUCKET = 600  # wordfreq's centibel bucket of Zipf 3 (frequency 10 ** -6)
_MINIMUM = 1e-9  # wordfreq's floor for zipf_frequency's default minimum of 0
_PLAIN = re.compile(r"[a-z]+(?:'[a-z]+)?")
_COMPOUND = re.compile(r"[a-z]+(?:[- ][a-z]+)+")
_loading = threading.Lock()
_frequencies: dict[str, float] | None = None


def common_zipf(word: str) -> float:
    """The word's Zipf frequency when it is ``COMMON_FLOOR`` or more, else 0.0."""
    if _PLAIN.fullmatch(word):
        return _zipf(_common().get(word, _MINIMUM))
    if _COMPOUND.fullmatch(word):
        return _combined(re.split(r"[- ]", word))
    from wordfreq.tokens import lossy_tokenize  # the tokenizer needs no word list

    tokens = lossy_tokenize(word, "en")
    if not tokens:
        return 0.0
    if any(ch.isdigit() for token in tokens for ch in token):  # wordfreq's digit rules
        exact = zipf_en(word)
        return exact if exact >= COMMON_FLOOR else 0.0
    return _combined(tokens)


def _combined(tokens: list[str]) -> float:
    """Tokens of one word or phrase, as wordfreq combines them (1/f = 1/f1 + 1/f2 ...)."""
    frequencies = [_common().get(token) for token in tokens]
    if None in frequencies:  # a token below the floor: the whole is rarer still
        return 0.0
    combined = _zipf(1.0 / sum(1.0 / f for f in frequencies if f is not None))
    return combined if combined >= COMMON_FLOOR else 0.0


def zipf_en(word: str) -> float:
    """The word's Zipf frequency in English: 0 unknown, 3 rare, 7 among the commonest."""
    frequencies = _frequencies if _frequencies is not None else _load()
    if _PLAIN.fullmatch(word):
        return _zipf(frequencies.get(word, _MINIMUM))
    from wordfreq import zipf_frequency

    return float(zipf_frequency(word, "en"))


def _zipf(frequency: float) -> float:
    """wordfreq's ``_word_frequency`` and ``zipf_frequency`` once the tokens' frequency is
    combined: at least the floor, three significant digits, hundredths of a Zipf unit."""
    frequency = max(1.0 / (1.0 / frequency), _MINIMUM)
    frequency = round(frequency, math.floor(-math.log(frequency, 10)) + 3)
    return round(math.log(frequency, 10) + 9, 2)


@cache
def _common() -> dict[str, float]:
    """The shipped list: one line a bucket, "centibels<TAB>word word ..."."""
    text = files("laydraft.text").joinpath("common_words.txt").read_text(encoding="utf-8")
    common: dict[str, float] = {}
    for line in text.splitlines():
        if line and not line.startswith("#"):
            bucket, words = line.split("\t", 1)
            frequency = 10 ** (-int(bucket) / 100)  # wordfreq's cB_to_freq
            common.update(dict.fromkeys(words.split(" "), frequency))
    return common


def _load() -> dict[str, float]:
    global _frequencies
    with _loading:
        if _frequencies is None:
            from wordfreq import get_frequency_dict

            _frequencies = get_frequency_dict("en", "best")
        return _frequencies


def common_words_table() -> str:
    """``common_words.txt`` as the installed wordfreq would write it: the tokens of each
    English bucket down to Zipf 3, but those with a digit (wordfreq prices digits apart)."""
    from wordfreq import get_frequency_list

    lines = ["# wordfreq's English words at Zipf 3 or more: centibel bucket, tab, words. "
             "Written by `python -m laydraft.text.frequency`."]
    for bucket, words in enumerate(get_frequency_list("en", "best")[:_FLOOR_BUCKET + 1]):
        kept = [word for word in words if not any(ch.isdigit() or ch.isspace() for ch in word)]
        if kept:
            lines.append(f"{bucket}\t{' '.join(kept)}")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    from pathlib import Path

    Path(__file__).with_name("common_words.txt").write_text(common_words_table(),
                                                             encoding="utf-8")
