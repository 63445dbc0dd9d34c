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
    monkeypatch.setattr(frequency, "_frequencies", None)
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


def test_plain_words_read_from_the_list_give_wordfreqs_own_figures() -> None:
    from wordfreq import get_frequency_dict, zipf_frequency

    listed = [w for w in list(get_frequency_dict("en"))[::50] if w.isascii() and w.isalpha()
              and w.islower()]
    unknown = ["remyelinationx", "qqqz", "a" * 30]
    assert len(listed) > 1000
    assert [frequency.zipf_en(w) for w in listed + unknown] == \
        [zipf_frequency(w, "en") for w in listed + unknown]


@pytest.mark.parametrize("word", ["People", "don't", "naïve", "covid-19", "T-cells", "1990s",
                                  "self-rated", "œdema"])
def test_other_words_go_through_wordfreq(word: str) -> None:
    from wordfreq import zipf_frequency

    assert frequency.zipf_en(word) == zipf_frequency(word, "en")
