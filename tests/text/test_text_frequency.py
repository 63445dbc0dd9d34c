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


def test_the_shipped_common_words_are_what_the_installed_wordfreq_says() -> None:
    """``common_words.txt`` is written from wordfreq (``python -m laydraft.text.frequency``):
    after a wordfreq upgrade this fails until the list is written again."""
    from importlib.resources import files

    shipped = files("laydraft.text").joinpath("common_words.txt").read_text(encoding="utf-8")
    assert shipped == frequency.common_words_table()


@pytest.mark.parametrize("word", [
    "the", "people", "treatment", "remyelination", "qqqz", "don't", "self-rated", "follow-up",
    "odds ratio", "long-term care", "spokeswoman-khalid", "naïve", "β-amyloid", "rev-erbα",
    "Straße", "covid-19", "T-cell", "in vivo", "über-cool",
])
def test_common_words_get_wordfreqs_figure_and_rarer_ones_zero(word: str) -> None:
    from wordfreq import zipf_frequency

    exact = zipf_frequency(word, "en")
    assert frequency.common_zipf(word) == (exact if exact >= frequency.COMMON_FLOOR else 0.0)


def test_checking_drafts_never_loads_the_whole_word_list() -> None:
    """The checks ask only whether words are common: the shipped list answers, and the 40 MB
    list stays on disk (a fresh interpreter, as a batch starts)."""
    import subprocess
    import sys

    probe = (
        "from laydraft.checks import run_checks\n"
        "from laydraft.models import Abstract, LaySummary\n"
        "import laydraft.text.frequency as f\n"
        "a = Abstract(text='In vivo, β-amyloid and Rev-erbα fell in self-rated naïve mice; '"
        "'the odds ratio was 0.8 (95% CI 0.6 to 0.9) over 12 weeks in 1,200 people.')\n"
        "s = LaySummary(headline='Odds ratio of β-amyloid in naïve mice over 12 weeks',\n"
        "    what_was_found='In vivo, self-rated long-term remyelination changed a little in '"
        "'1,200 people; the odds ratio was 0.8 for Rev-erbα over 12 weeks in this study.',\n"
        "    why_it_matters='Researchers want to know how the brain repairs itself in mice '"
        "'and whether this could help people later on.',\n"
        "    limitations='This was a study in mice, so the results may not apply to people.')\n"
        "run_checks(a, s)\n"
        "print(f._frequencies is None)\n"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                          check=True)
    assert done.stdout.strip() == "True"
