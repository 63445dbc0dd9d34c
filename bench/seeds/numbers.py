"""Seeded number defects, and paraphrases the numbers check must accept.

Families (check ``numbers``):

- ``altered-number`` (finding): a digit figure of a human summary or offline draft altered as
  a careless edit would (a percentage moved by 10 to 25 points, any other number one digit
  changed); the error must point at the altered figure itself (strict detection);
- ``invented-number`` (finding): a sentence from the templates below, with a figure the
  abstract does not give in any form, put into a summary;
- one ``silence`` family per paraphrase a faithful summary may use, each built from a figure
  of the abstract: ``in-ten`` ("9 in 10" for 92%), ``more-than`` ("more than 1,000" for
  1,203), ``complement`` ("8% did not" for 92%), ``unicode-hyphen`` (U+2010 / U+2011 in a
  figure copied from the abstract: "12‑week", "Fifty‐one trials"), ``list-marker`` (a "1."
  opening a list), ``n-of-m`` ("10 out of 30" for "10/30"), ``half-unit`` ("a year and a
  half" for 18 months) and ``halved`` (30% to 15%); for the last two, too rare in the data,
  the abstract gets one sentence of the templates with the figures.

The wording is this module's own; the text around it is the data's.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable, Iterator
from pathlib import Path

from bench import evalset
from bench.evalset import Seed, Text

from laydraft.models import Abstract
from laydraft.text.normalise import for_reading
from laydraft.text.numbers import NumberMention, extract_numbers
from laydraft.text.source_figures import INTERVAL_AFTER

PER_FAMILY = 160
CHECK = "numbers"
_BOUNDARY = re.compile(r"(?<=[.!?])\s+(?=[A-Z])")
_WORDS = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen"]
_UNICODE_HYPHENS = ("\u2010", "\u2011")
_TENS = ["twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]

INVENTED = (
    "About {p}% of the people taking part said they felt better.",
    "Side effects were reported by {p}% of participants.",
    "The studies followed people for {n} months on average.",
    "In total, {c} people took part in the trials.",
    "Around {p} per cent of children needed a second course.",
    "The largest trial recruited {c} adults.",
    "People stayed in hospital for {n} days less.",
)
IN_TEN = ("{k} in 10 of the people in these studies had this outcome.",
          "This happened to about {k} out of 10 people.")
MORE_THAN = ("More than {x} people took part in the studies we found.",
             "The trials included more than {x} participants in all.")
COMPLEMENT = ("Put the other way, {q}% of people did not.",
              "In other words, {q}% did not have this result.")
LIST_MARKER = "The main points are these.\n1. "
N_OF_M = ("In one trial, {a} out of {b} people had this outcome.",)
HALF_UNIT = (("Follow-up lasted {m} months.", "People were followed for about {words}."),
             ("The studies ran for {m} months.", "The studies ran for {words}."))
HALVED = (("The rate was {p}% with usual care and {h}% with the new treatment.",
           "The new treatment halved the rate."),)


def _hosts(data_dir: Path, rng: random.Random) -> list[Text]:
    pool = [*evalset.human_texts(data_dir), *evalset.offline_texts(data_dir)]
    rng.shuffle(pool)
    return pool


def _section(text: Text, rng: random.Random) -> str:
    if text.source == "human":
        return "what_was_found"
    return rng.choice(["what_was_found", "why_it_matters", "limitations"])


def _insert(text: Text, section: str, addition: str, rng: random.Random) -> tuple[Text, int]:
    """``text`` with ``addition`` put into ``section`` at a sentence boundary; its start."""
    body = str(getattr(text.summary, section))
    cuts = [0] + [m.end() for m in _BOUNDARY.finditer(body)] + [len(body)]
    at = rng.choice(cuts)
    before, after = body[:at], body[at:]
    lead = "" if not before or before.endswith((" ", "\n")) else " "
    tail = "" if not after or after.startswith((" ", "\n")) else " "
    summary = text.summary.model_copy(update={section: before + lead + addition + tail + after})
    return text.model_copy(update={"summary": summary}), len(before) + len(lead)


def _seed(family: str, expect: str, text: Text, section: str, start: int, end: int) -> Seed:
    return Seed(family=family, check=CHECK, expect=expect,  # type: ignore[arg-type]
                text_id=text.text_id, abstract=text.abstract, summary=text.summary,
                section=section, start=start, end=end)


def _figures(abstract: Abstract) -> list[NumberMention]:
    return [m for m in extract_numbers(abstract.text) if m.quantity]


def _percents(abstract: Abstract) -> list[float]:
    """Percentages the abstract gives as levels (not intervals or p values)."""
    text = for_reading(abstract.text)
    return [m.value for m in _figures(abstract) if m.unit == "percent" and m.kind == "percent"
            and not INTERVAL_AFTER.match(text, m.end)
            and "CI" not in text[max(0, m.start - 12):m.start]]


def _absent(abstract: Abstract, *values: float) -> bool:
    """None of ``values`` is written in the abstract, nor near any number in it (10%)."""
    written = [v for m in extract_numbers(abstract.text) for v in m.values]
    digits = set(re.findall(r"\d+", abstract.text.replace(",", "")))
    return all(str(int(v)) not in digits and not any(abs(w - v) <= 0.1 * v for w in written)
               for v in values)


def _words(n: int) -> str:
    if n < 20:
        return _WORDS[n]
    tens, unit = divmod(n, 10)
    return _TENS[tens - 2] + (f"\u2010{_WORDS[unit]}" if unit else "")


# --- families ------------------------------------------------------------------------------

def _altered(text: Text, rng: random.Random) -> Iterator[Seed]:
    section = _section(text, rng)
    body = str(getattr(text.summary, section))
    mentions = [m for m in extract_numbers(body) if not m.spelled
                and m.kind not in ("year", "date") and re.search(r"\d", m.text)]
    if not mentions:
        return
    mention = rng.choice(mentions)
    number = rng.choice(list(re.finditer(r"\d+(?:\.\d+)?", mention.text)))
    start, end = mention.start + number.start(), mention.start + number.end()
    old = number.group()
    if mention.unit == "percent":
        value, shift = float(old), rng.randint(10, 25)
        new_value = value + shift if value + shift <= 100 else max(0.0, value - shift)
        places = len(old.split(".")[1]) if "." in old else 0
        new = f"{new_value:.{places}f}"
    else:
        pos = rng.choice([i for i, c in enumerate(old) if c.isdigit()])
        new = old[:pos] + rng.choice(
            [d for d in "0123456789" if d != old[pos] and not (d == "0" and pos == 0)]
        ) + old[pos + 1:]
    summary = text.summary.model_copy(update={section: body[:start] + new + body[end:]})
    seeded = text.model_copy(update={"summary": summary})
    yield _seed("altered-number", "finding", seeded, section, start, start + len(new))


def _invented(text: Text, rng: random.Random) -> Iterator[Seed]:
    values = {"p": rng.randint(11, 89), "n": rng.randint(7, 40), "c": rng.randint(1100, 9800)}
    template = rng.choice(INVENTED)
    used = [values[name] for name in re.findall(r"\{(\w)\}", template)]
    if not _absent(text.abstract, *used):
        return
    sentence = template.format(p=values["p"], n=values["n"], c=f"{values['c']:,}")
    section = _section(text, rng)
    seeded, at = _insert(text, section, sentence, rng)
    figure = next(m for m in extract_numbers(sentence) if m.quantity)
    yield _seed("invented-number", "finding", seeded, section, at + figure.start,
                at + figure.end)


def _silent(text: Text, rng: random.Random, family: str, sentence: str,
            figure: str) -> Iterator[Seed]:
    section = _section(text, rng)
    seeded, at = _insert(text, section, sentence, rng)
    offset = sentence.index(figure)
    yield _seed(family, "silence", seeded, section, at + offset, at + offset + len(figure))


def _in_ten(text: Text, rng: random.Random) -> Iterator[Seed]:
    shares = [p for p in _percents(text.abstract)
              if 15 <= p <= 95 and abs(p / 10 - round(p / 10)) <= 0.3]
    if shares:
        k = round(rng.choice(shares) / 10)
        sentence = rng.choice(IN_TEN).format(k=k)
        figure = f"{k} in 10" if " in 10" in sentence else f"{k} out of 10"
        yield from _silent(text, rng, "in-ten", sentence, figure)


def _more_than(text: Text, rng: random.Random) -> Iterator[Seed]:
    counts = [m.value for m in _figures(text.abstract)
              if m.counts == "person" and m.kind == "count" and 150 <= m.value < 100_000
              and m.qualifier is None]
    if not counts:
        return
    count = int(rng.choice(counts))
    unit = 10 ** (len(str(count)) - 1)
    floor = count // unit * unit
    if count > 1.3 * floor:
        unit //= 10
        floor = count // unit * unit
    if floor == count:
        return
    x = f"{floor:,}"
    yield from _silent(text, rng, "more-than", rng.choice(MORE_THAN).format(x=x), x)


def _complement(text: Text, rng: random.Random) -> Iterator[Seed]:
    shares = [p for p in _percents(text.abstract) if 75 <= p < 100 and p == int(p)]
    if shares:
        q = 100 - int(rng.choice(shares))
        yield from _silent(text, rng, "complement", rng.choice(COMPLEMENT).format(q=q), f"{q}%")


def _unicode_hyphen(text: Text, rng: random.Random) -> Iterator[Seed]:
    source = for_reading(text.abstract.text)
    durations = re.findall(r"(?<![\d.,])(\d{1,2})[- ](week|month|year)s?\b", source)
    studies = [m for m in _figures(text.abstract)
               if m.counts == "study" and 21 <= m.value <= 99 and m.value % 10]
    if studies and rng.random() < 0.5:
        n = int(rng.choice(studies).value)
        words = _words(n)
        if rng.random() < 0.5:
            words = words.replace("\u2010", "\u2011")
        words = words[0].upper() + words[1:]
        yield from _silent(text, rng, "unicode-hyphen",
                           f"{words} trials met our criteria.", words)
    elif durations:
        n, unit = rng.choice(durations)
        figure = n + rng.choice(_UNICODE_HYPHENS) + unit
        yield from _silent(text, rng, "unicode-hyphen",
                           f"The {figure} results were similar.", figure)


def _list_marker(text: Text, rng: random.Random) -> Iterator[Seed]:
    section = _section(text, rng)
    body = str(getattr(text.summary, section))
    if not re.match(r"[A-Z]", body):
        return
    summary = text.summary.model_copy(update={section: LIST_MARKER + body})
    seeded = text.model_copy(update={"summary": summary})
    at = LIST_MARKER.index("1.")
    yield _seed("list-marker", "silence", seeded, section, at, at + 1)


def _n_of_m(text: Text, rng: random.Random) -> Iterator[Seed]:
    source = for_reading(text.abstract.text)
    found = re.findall(r"(?<![\d.,/])(\d{1,3})\s*(?:/|of)\s*(\d{1,3})(?!\d|[.,/]\d)", source)
    pairs = [(int(a), int(b)) for a, b in found if 0 < int(a) < int(b)]
    if pairs:
        a, b = rng.choice(pairs)
        sentence = N_OF_M[0].format(a=a, b=b)
        yield from _silent(text, rng, "n-of-m", sentence, f"{a} out of {b}")


def _half_unit(text: Text, rng: random.Random) -> Iterator[Seed]:
    years = rng.randint(1, 4)
    source_template, summary_template = rng.choice(HALF_UNIT)
    words = "a year and a half" if years == 1 else f"{_WORDS[years]} and a half years"
    abstract = text.abstract.model_copy(update={
        "text": text.abstract.text + " " + source_template.format(m=12 * years + 6)})
    sentence = summary_template.format(words=words)
    host = text.model_copy(update={"abstract": abstract})
    yield from _silent(host, rng, "half-unit", sentence, words)


def _halved(text: Text, rng: random.Random) -> Iterator[Seed]:
    p = rng.randint(8, 60)
    source_template, sentence = HALVED[0]
    abstract = text.abstract.model_copy(update={
        "text": text.abstract.text + " " + source_template.format(p=2 * p, h=p)})
    host = text.model_copy(update={"abstract": abstract})
    yield from _silent(host, rng, "halved", sentence, "halved")


FAMILIES: dict[str, Callable[[Text, random.Random], Iterator[Seed]]] = {
    "altered-number": _altered, "invented-number": _invented, "in-ten": _in_ten,
    "more-than": _more_than, "complement": _complement, "unicode-hyphen": _unicode_hyphen,
    "list-marker": _list_marker, "n-of-m": _n_of_m, "half-unit": _half_unit,
    "halved": _halved,
}


def seeds(data_dir: Path, rng: random.Random) -> Iterator[Seed]:
    """Up to ``PER_FAMILY`` seeds of each family, from hosts in a shuffled order."""
    hosts = _hosts(data_dir, rng)
    for make in FAMILIES.values():
        made = 0
        for text in hosts:
            for seed in make(text, rng):
                yield seed
                made += 1
            if made >= PER_FAMILY:
                break
