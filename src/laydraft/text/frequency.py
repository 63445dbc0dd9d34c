"""How common an English word is (wordfreq's Zipf scale), with its word list loaded once.

wordfreq reads its English list (about 40 MB of Python objects once unpacked) on the first
lookup and memoises it without a lock: batch workers that check drafts in several threads at
once would each unpack their own copy (a peak of 300 MB, and the CPU of six loads). The first
lookup here loads it under a lock, so every other thread waits for that one copy.
"""

from __future__ import annotations

import threading

_loading = threading.Lock()
_loaded = False


def zipf_en(word: str) -> float:
    """The word's Zipf frequency in English: 0 unknown, 3 rare, 7 among the commonest."""
    from wordfreq import zipf_frequency

    if not _loaded:
        _load()
    return float(zipf_frequency(word, "en"))


def _load() -> None:
    global _loaded
    with _loading:
        if not _loaded:
            from wordfreq import get_frequency_dict

            get_frequency_dict("en", "best")
            _loaded = True
