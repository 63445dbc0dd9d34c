"""How common an English word is (wordfreq's Zipf scale), with its word list loaded once.

wordfreq reads its English list (about 40 MB of Python objects once unpacked) on the first
lookup and memoises it without a lock: batch workers that check drafts in several threads at
once would each unpack their own copy (a peak of 300 MB, and the CPU of six loads). The first
lookup here loads it under a lock, so every other thread waits for that one copy.

A word of plain lower-case letters a-z is its own single token in wordfreq's English
tokenizer, so its frequency is read straight from the list with wordfreq's own arithmetic
(one token, rounded to three significant digits, then to hundredths of a Zipf unit): the
same figure ``zipf_frequency`` gives, at a tenth of its cost on a first look-up (its Unicode
tokenizer is most of the jargon check's time). Any other word goes through wordfreq.
"""

from __future__ import annotations

import math
import re
import threading

_loading = threading.Lock()
_frequencies: dict[str, float] | None = None
_PLAIN = re.compile(r"[a-z]+")
_MINIMUM = 1e-9  # wordfreq's floor for zipf_frequency's default minimum of 0


def zipf_en(word: str) -> float:
    """The word's Zipf frequency in English: 0 unknown, 3 rare, 7 among the commonest."""
    frequencies = _frequencies if _frequencies is not None else _load()
    if _PLAIN.fullmatch(word):
        return _zipf(frequencies.get(word, _MINIMUM))
    from wordfreq import zipf_frequency

    return float(zipf_frequency(word, "en"))


def _zipf(frequency: float) -> float:
    """wordfreq's ``_word_frequency`` and ``zipf_frequency`` for a one-token word."""
    frequency = max(1.0 / (1.0 / frequency), _MINIMUM)
    frequency = round(frequency, math.floor(-math.log(frequency, 10)) + 3)
    return round(math.log(frequency, 10) + 9, 2)


def _load() -> dict[str, float]:
    global _frequencies
    with _loading:
        if _frequencies is None:
            from wordfreq import get_frequency_dict

            _frequencies = get_frequency_dict("en", "best")
        return _frequencies
