"""English word frequencies: wordfreq's list is loaded once, however many threads ask at once."""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest

from laydraft.text import frequency


def test_threads_asking_at_once_load_the_word_list_once(monkeypatch: pytest.MonkeyPatch) -> None:
    import wordfreq

    loads: list[tuple[Any, ...]] = []
    real = wordfreq.get_frequency_list

    def counted(*args: Any) -> Any:
        loads.append(args[:2])
        time.sleep(0.05)  # a slow load: without the lock the other threads would start their own
        return real(*args)

    monkeypatch.setattr(wordfreq, "get_frequency_list", counted)
    wordfreq.get_frequency_dict.cache_clear()  # as in a fresh process
    monkeypatch.setattr(frequency, "_loaded", False)
    results: list[float] = []
    threads = [threading.Thread(target=lambda: results.append(frequency.zipf_en("people")))
               for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert loads == [("en", "best")]
    assert len(results) == 6 and all(r > 5 for r in results)


def test_rare_and_unknown_words() -> None:
    assert frequency.zipf_en("the") > frequency.zipf_en("remyelination")
    assert frequency.zipf_en("qzxvbnm") == 0.0
