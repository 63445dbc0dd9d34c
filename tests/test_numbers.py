"""Number extraction and tracing: every paraphrase the numbers check must accept or reject."""

from __future__ import annotations

import pytest

from laydraft.text.numbers import extract_numbers
from laydraft.text.tracing import NumberIndex

SOURCE = (
    "We enrolled 212 adults with relapsing multiple sclerosis at 14 centres. After 24 months, "
    "92.3% of the treated group had no relapse, compared with 71.0% of the placebo group. "
    "The relapse rate ratio was 0.41 (95% CI 0.30 to 0.56). Sensitivity was 0.74. "
    "In all, 7,843 scans were read. Fatigue improved in 25% of patients and 131 of 212 "
    "reported better sleep. Half-life was 6 days. Mean age was 38.6 years; 48 of 96 "
    "women stopped early. The risk of falls was 20% with the drug and 40% with placebo. "
    "Hazard ratio 2.1. A total of 1.2 million doses were given over 26 weeks."
)


def values(text: str) -> list[tuple[float, ...]]:
    return [m.values for m in extract_numbers(text)]


@pytest.mark.parametrize(("text", "expected", "kind"), [
    ("212 adults", (212.0,), "count"),
    ("1,024 people", (1024.0,), "count"),
    ("0.41", (0.41,), "decimal"),
    ("92.3%", (92.3,), "percent"),
    ("40 per cent", (40.0,), "percent"),
    ("40-60 years", (40.0, 60.0), "range"),
    ("from 2 to 14 years", (2.0, 14.0), "range"),
    ("131/212", (131.0, 212.0), "fraction"),
    ("ninety-four people", (94.0,), "count"),
    ("one hundred and twenty people", (120.0,), "count"),
    ("half of them", (0.5,), "fraction"),
    ("a third of people", (1 / 3,), "fraction"),
    ("two thirds", (2 / 3,), "fraction"),
    ("one in five", (0.2,), "ratio"),
    ("7 out of 10 people", (0.7,), "ratio"),
    ("twice as likely", (2.0,), "multiplier"),
    ("three times more", (3.0,), "multiplier"),
    ("a 4-fold rise", (4.0,), "multiplier"),
    ("a dozen trials", (12.0,), "count"),
    ("1.2 million doses", (1_200_000.0,), "count"),
    ("in 2015", (2015.0,), "year"),
    ("up to 23 July 2018", (23.0, 2018.0), "date"),
])
def test_extracts_value_and_kind(text: str, expected: tuple[float, ...], kind: str) -> None:
    (mention,) = extract_numbers(text)
    assert mention.values == pytest.approx(expected)
    assert mention.kind == kind
    assert text[mention.start:mention.end] == mention.text


@pytest.mark.parametrize("text", [
    "COVID-19 and FEV1 and IL-6", "a third trial", "the half-life of the drug",
])
def test_ignores_numbers_inside_names_and_ordinals(text: str) -> None:
    assert extract_numbers(text) == []


def test_month_names_are_case_sensitive() -> None:
    (mention,) = extract_numbers("12 may be enough")
    assert mention.kind == "count"


def test_small_number_words_are_not_quantities_unless_they_carry_a_unit() -> None:
    one, two, years, times = extract_numbers("one study had two groups for two years, three times")
    assert not one.quantity and not two.quantity
    assert years.quantity and years.unit == "year"
    assert times.quantity and times.kind == "multiplier"


def test_qualifier_and_counted_noun() -> None:
    (mention,) = extract_numbers("about 210 patients")
    assert mention.qualifier == "approx"
    assert mention.counts == "person"
    assert extract_numbers("more than 7,000 scans")[0].qualifier == "more"
    assert extract_numbers("nearly 8,000 scans")[0].qualifier == "less"


@pytest.fixture(scope="module")
def index() -> NumberIndex:
    return NumberIndex(SOURCE)


def traced(index: NumberIndex, text: str) -> bool:
    mentions = [m for m in extract_numbers(text) if m.quantity]
    assert mentions, text
    return all(index.trace(m) is not None for m in mentions)


@pytest.mark.parametrize("text", [
    "212 adults",                    # as written
    "about 92% had no relapse",      # rounding
    "92% had no relapse",
    "a rate ratio of 0.4",           # 0.41 rounded
    "74% of cases were found",       # proportion as a percentage
    "59% fewer relapses",            # rate ratio 0.41 as a relative change
    "one in four patients",          # 25%
    "a quarter of patients",
    "half of the 96 women",          # 48 of 96
    "131 of 212",
    "62% reported better sleep",     # 131 of 212 as a percentage
    "two years",                     # 24 months
    "six months",                    # 26 weeks
    "about 7,800 scans",             # 7,843
    "nearly 8,000 scans",
    "more than 7,000 scans",
    "8,000 scans",
    "about 39 years old",            # 38.6
    "twice the risk",                # 20% vs 40% / hazard ratio 2.1
    "20 percentage points",          # 40% - 20%
    "1.2 million doses",
    "1,200,000 doses",
    "fourteen centres",
    "14 centres",
])
def test_traces_faithful_paraphrases(index: NumberIndex, text: str) -> None:
    assert traced(index, text)


@pytest.mark.parametrize("text", [
    "213 adults",                  # digit changed
    "82% had no relapse",          # percentage shifted
    "about 85% had no relapse",
    "a rate ratio of 0.5",
    "one in three patients",
    "three years",
    "9,843 scans",
    "more than 9,000 scans",
    "ninety-four patients",
    "five times the risk",
    "17 centres",
    "131 of 213",
    "0.47",
])
def test_rejects_altered_numbers(index: NumberIndex, text: str) -> None:
    assert not traced(index, text)


def test_counts_of_people_are_not_matched_to_counts_of_studies() -> None:
    index = NumberIndex("We included 12 trials with 300 patients, treated for 18 months.")
    assert traced(index, "12 studies") and traced(index, "300 people")
    assert not traced(index, "12 patients")
    assert not traced(index, "18 patients")  # a duration, not a count of people


def test_small_whole_numbers_do_not_round_from_decimals() -> None:
    assert not traced(NumberIndex("The mean difference was 2.6 points."), "3 points")
    assert traced(NumberIndex("The mean difference was 2.6 points."), "about 3 points")


def test_any_substring_copied_from_the_source_is_traceable(index: NumberIndex) -> None:
    words = SOURCE.split(" ")
    for size in (3, 6, 10):
        for start in range(len(words) - size):
            piece = " ".join(words[start:start + size])
            bad = [m.text for m in extract_numbers(piece) if index.trace(m) is None]
            assert not bad, (piece, bad)


def test_spelled_numbers_found_verbatim_are_traceable() -> None:
    index = NumberIndex("Twenty-five people took part.")
    assert traced(index, "twenty-five people")


# --- what a number counts, and what is not a number ---------------------------------------

@pytest.mark.parametrize(("text", "unit", "counts"), [
    ("14 studies conducted in adults", None, "study"),     # the head noun, not a later one
    ("10 RCTs of high-risk children", None, "study"),
    ("1742 trial participants", None, "person"),
    ("20 of which included participants", None, None),     # the phrase ends at "which"
    ("48 of the women", None, "person"),
    ("a 7-point drop", None, "point"),
    ("2 more points on the scale", None, "point"),
    ("30 minutes", "minute", None),
    ("on day 28 of treatment", "day", None),               # a label before: 28 days in
    ("type 2 diabetes", None, "type"),
    ("grade 3 toxicity", None, "grade"),
])
def test_reads_what_a_number_counts(text: str, unit: str | None, counts: str | None) -> None:
    (mention,) = extract_numbers(text)
    assert (mention.unit, mention.counts) == (unit, counts)


@pytest.mark.parametrize("text", [
    "treated with 5-FU or 5-fluorouracil", "6-mercaptopurine", "a double-blind trial",
    "1) We found", "Results are mixed. 4. There is no evidence",
])
def test_names_list_markers_and_adjectives_are_not_numbers(text: str) -> None:
    assert extract_numbers(text) == []


def test_other_shapes() -> None:
    (decade,) = extract_numbers("trials from the 1970s")
    assert decade.kind == "year"
    (daily,) = extract_numbers("taken twice daily")
    assert (daily.kind, daily.counts, daily.value) == ("count", "frequency", 2)
    (every,) = extract_numbers("about one in every 10 of patients")
    assert every.kind == "ratio" and every.value == pytest.approx(0.1)
    (compound,) = extract_numbers("Fifty-seven out of 100 people")
    assert compound.kind == "ratio" and compound.value == pytest.approx(0.57)
    hours, minutes = extract_numbers("approximately one hour and twenty minutes shorter")
    assert minutes.qualifier == "approx" and minutes.unit == "minute"
    assert [m.change for m in extract_numbers("27% fewer falls; 27% of patients")] == [True, False]


# --- tracing with context ---------------------------------------------------------------------

CONTEXT_SOURCE = (
    "We included fourteen studies (1,203 women). Adverse events occurred in 85/202 with "
    "aspirin. Redness persisted in 10% of patients. Labour was one hour and 22 minutes "
    "shorter. Pain fell by 18.1 points at day 28. Falls were reduced (RR 0.73). The dose was "
    "340 mg. Participants were aged 50 years. In all, 3,661 people were screened, and 7 "
    "trials reported adverse events. The NNTB was 8."
)


@pytest.fixture(scope="module")
def context_index() -> NumberIndex:
    return NumberIndex(CONTEXT_SOURCE)


def traced_in(index: NumberIndex, text: str) -> bool:
    mentions = [m for m in extract_numbers(text) if m.quantity]
    assert mentions, text
    return all(index.trace(m, text) is not None for m in mentions)


@pytest.mark.parametrize("text", [
    "14 studies conducted in adults",
    "85 out of 202 people on aspirin",
    "about one in every 10 patients",
    "approximately one hour and twenty minutes shorter",
    "pain fell by 18 points",
    "after 28 days",
    "27% fewer falls",
    "falls were reduced by 27%",
    "about 3,700 people",
    "7 reported adverse events",     # a bare count near the same words
    "1 in 8 people benefited",       # number needed to treat
])
def test_traces_paraphrases_in_context(context_index: NumberIndex, text: str) -> None:
    assert traced_in(context_index, text)


@pytest.mark.parametrize("text", [
    "27% of patients",               # 1 - RR is a change, not a level
    "49 years old",                  # same unit: no 5% margin
    "3,660 people",                  # unhedged, one trailing zero is not rounding
    "300 mg",                        # doses round only at the digits written
    "three times a day",             # a frequency the source does not give
    "three times the risk",          # no multiplier of 3, whatever 3s there are
    "the Copper 7 device",           # a bare 7 that shares no context with "7 trials"
    "type 2 diabetes",
])
def test_rejects_coincidences_in_context(context_index: NumberIndex, text: str) -> None:
    assert not traced_in(context_index, text)


# --- issue 14: paraphrases a faithful summary uses, and false alarms ----------------------

def _untraced(abstract: str, summary: str) -> list[str]:
    """The figures of ``summary`` the numbers check flags against ``abstract``."""
    from laydraft.checks.numbers import check_numbers
    from laydraft.models import Abstract, LaySummary
    from laydraft.text.normalise import fold

    only = LaySummary.model_construct(
        headline="", what_was_found=summary, why_it_matters="", limitations="")
    findings = check_numbers(Abstract(text=abstract), only)
    return [fold(summary)[f.start or 0:f.end or 0] for f in findings]


@pytest.mark.parametrize(("abstract", "summary"), [
    ("Pain relief was reported by 92% of participants.", "9 in 10 people had pain relief."),
    ("Pain relief was reported by 92% of participants.", "9 out of 10 people had pain relief."),
    ("Pain relief was reported by 92% of participants.", "nine in ten people had pain relief."),
    ("Pain relief was reported by 86% of participants.",
     "More than 8 in 10 people had pain relief."),
    ("The trials included 1,203 participants.", "The trials included more than 1,000 people."),
    ("Follow-up lasted 18 months.", "Follow-up lasted about a year and a half."),
    ("Follow-up lasted 18 months.", "Follow-up lasted one and a half years."),
    ("Infection fell from 30% with placebo to 15% with the vaccine.",
     "The vaccine halved the rate of infection."),
    ("Survival at one year was 92% in both groups.", "In both groups 8% died within a year."),
    ("Ten of the 30 participants (33%) relapsed.", "10 out of 30 people relapsed."),
    ("Relapse occurred in 10/30 participants.", "10 out of 30 people relapsed."),
    ("Survival was similar at 1 and 2 years.", "Survival was similar at one and two years."),
    ("We included 51 trials with 4,210 adults.", "Fifty\u2010one trials were found."),
    ("We included 51 trials with 4,210 adults.", "Fifty\u2011one trials were found."),
    ("Mortality at 1 year did not differ.", "Deaths at 1\u2011year did not differ."),
    ("Mortality at 1 year did not differ.", "Deaths at 1\u2010year did not differ."),
    ("Azathioprine was compared with placebo in 212 adults.",
     "6\u2010mercaptopurine is a similar medicine."),
    ("Azathioprine was compared with placebo in 212 adults.",
     "The main results are these.\n1. Azathioprine may work."),
    ("Azathioprine was compared with placebo in 212 adults.",
     "The main results are. 1. Azathioprine may work. 2. It is safe."),
])
def test_issue14_paraphrases_pass(abstract: str, summary: str) -> None:
    assert _untraced(abstract, summary) == []


@pytest.mark.parametrize(("abstract", "summary", "flagged"), [
    ("Pain relief was reported by 92% of participants.", "7 in 10 people had pain relief.",
     "7 in 10"),
    ("Pain relief was reported by 86% of participants.",
     "More than 9 in 10 people had pain relief.", "9 in 10"),
    ("The trials included 1,203 participants.", "The trials included more than 2,000 people.",
     "2,000"),
    ("The trials included 1,603 participants.", "The trials included more than 1,000 people.",
     "1,000"),
    ("Follow-up lasted 18 months.", "Follow-up lasted about two and a half years.",
     "two and a half years"),
    ("Infection fell from 30% with placebo to 25% with the vaccine.",
     "The vaccine halved the rate of infection.", "halved"),
    ("Survival at one year was 92% in both groups.", "In both groups 18% died within a year.",
     "18%"),
    ("Ten of the 30 participants relapsed.", "12 out of 30 people relapsed.", "12 out of 30"),
    ("Survival was similar at 1 and 2 years.", "Survival was similar at three years.",
     "three years"),
    ("We included 51 trials with 4,210 adults.", "Fifty\u2010two trials were found.",
     "Fifty-two"),
])
def test_issue14_altered_figures_are_still_caught(
    abstract: str, summary: str, flagged: str
) -> None:
    assert flagged in _untraced(abstract, summary)


@pytest.mark.parametrize(("abstract", "summary"), [
    ("Five one-hour sessions were given to 91 adults.", "five one-hour sessions"),
    ("Two one-year studies compared PEP with drainage.", "Two one-year studies"),
    ("Bisphosphonates resulted in 58 fewer SREs per 1000 women.", "58 fewer events"),
    ("Response: 13/30 with T. suis ova and 5/20 with placebo.", "13/30 responded"),
])
def test_number_words_and_pairs_read_as_written(abstract: str, summary: str) -> None:
    assert _untraced(abstract, summary) == []


def test_a_digit_fraction_needs_its_share_in_the_source() -> None:
    abstract = "In all, 36 patients took part; 13 of the 30 on T. suis ova improved."
    assert _untraced(abstract, "13/36 improved") == ["13/36"]


def test_findings_carry_stable_codes() -> None:
    from laydraft.checks.numbers import check_numbers
    from laydraft.models import Abstract, LaySummary

    summary = LaySummary.model_construct(
        headline="", what_was_found="In 2011, 45% improved.", why_it_matters="",
        limitations="")
    findings = check_numbers(Abstract(text="We found that 12% improved."), summary)
    assert sorted(f.code for f in findings) == ["numbers.untraceable", "numbers.untraceable_date"]
