"""Each check with passing and failing summaries, and ``run_checks`` as a whole."""

from __future__ import annotations

import socket

import pytest

from laydraft.checks import ReadingLevel, readability, run_checks
from laydraft.checks.advice import check_advice
from laydraft.checks.claims import check_claims
from laydraft.checks.completeness import make_completeness_check
from laydraft.checks.jargon import check_jargon
from laydraft.checks.numbers import check_numbers
from laydraft.checks.readability import make_readability_check
from laydraft.models import Abstract, Finding, LaySummary, Severity, WordLimits

TRIAL = Abstract(text=(
    "In this randomised placebo-controlled trial, 180 adults with relapsing multiple sclerosis "
    "were treated for 48 weeks. Relapses fell by 36% with the drug. 12 people stopped early."
))
COHORT = Abstract(text=(
    "In this retrospective single-centre cohort study we reviewed the medical records of 64 "
    "patients. Vitamin D levels were associated with fewer relapses over 2 years."
))
MICE = Abstract(text=(
    "We treated 40 mice with a demyelinating injury. The compound restored myelin and "
    "improved walking in treated mice compared with controls."
))

GOOD_FOUND = (
    "The researchers looked at 180 adults with multiple sclerosis. One group got the new "
    "medicine and the other got a dummy pill with no drug in it. Over 48 weeks, flare-ups "
    "fell by about a third in the people who took the medicine."
)
GOOD_WHY = (
    "People with multiple sclerosis want fewer flare-ups. This study adds to what is known "
    "about one medicine. Talk with your doctor or care team about what it means for you."
)
GOOD_LIMITS = (
    "The study lasted less than a year, so we do not know about long-term effects. "
    "Most people in it were adults in their thirties and forties."
)


def summary(**fields: str) -> LaySummary:
    base = {
        "headline": "A new medicine cut flare-ups in a trial",
        "what_was_found": GOOD_FOUND,
        "why_it_matters": GOOD_WHY,
        "limitations": GOOD_LIMITS,
    }
    base.update(fields)
    return LaySummary.model_construct(**base)


def of(findings: list[Finding], severity: Severity) -> list[Finding]:
    return [f for f in findings if f.severity is severity]


# --- run_checks ------------------------------------------------------------------------------

def test_good_summary_has_no_errors_or_warnings_and_reports_the_grade() -> None:
    findings = run_checks(TRIAL, summary())
    assert [f for f in findings if f.severity is not Severity.info] == []
    assert any(f.check == "readability" and "grade" in f.message for f in findings)


def test_errors_come_first() -> None:
    findings = run_checks(TRIAL, summary(what_was_found=GOOD_FOUND + " 57 people had relapses."))
    order = [f.severity for f in findings]
    assert order[0] is Severity.error
    assert order == sorted(order, key=lambda s: ["error", "warning", "info"].index(s.value))


def test_spans_point_into_their_section() -> None:
    text = GOOD_FOUND + " Relapses fell by 63%."
    (finding,) = of(check_numbers(TRIAL, summary(what_was_found=text)), Severity.error)
    assert finding.section == "what_was_found"
    assert text[finding.start:finding.end] == "63%"


# --- numbers -----------------------------------------------------------------------------------

@pytest.mark.parametrize("sentence", [
    "Relapses fell by 36%.", "Relapses fell by more than a third.", "180 adults took part.",
    "The study ran for 48 weeks.", "It ran for about 11 months.", "Twelve people stopped early.",
    "One study found this.", "Two groups were compared.",
])
def test_numbers_traceable(sentence: str) -> None:
    assert check_numbers(TRIAL, summary(what_was_found=sentence)) == []


@pytest.mark.parametrize("sentence", [
    "Relapses fell by 46%.", "Relapses fell by half.", "280 adults took part.",
    "The study ran for two years.", "Fifteen people stopped early.", "Ninety-four people.",
])
def test_numbers_untraceable_are_errors(sentence: str) -> None:
    (finding,) = check_numbers(TRIAL, summary(what_was_found=sentence))
    assert finding.severity is Severity.error
    assert finding.suggestion


def test_dates_not_in_the_abstract_are_warnings() -> None:
    (finding,) = check_numbers(TRIAL, summary(what_was_found="Evidence is current to May 2015."))
    assert finding.severity is Severity.warning


def test_numbers_may_come_from_the_title() -> None:
    abstract = Abstract(text=TRIAL.text, title="A 3-year extension study")
    assert check_numbers(abstract, summary(what_was_found="It ran for 3 years.")) == []


# --- readability -------------------------------------------------------------------------------

def test_readability_model_and_formulas() -> None:
    easy = readability("The cat sat on the mat. It was a warm day. We were glad.")
    hard = readability(
        "Immunomodulatory pharmacotherapeutic interventions demonstrated statistically "
        "significant reductions in annualised relapse rates among participants."
    )
    assert isinstance(easy, ReadingLevel)
    assert easy.grade < 4 < 14 < hard.grade
    assert hard.smog > easy.smog and hard.coleman_liau > easy.coleman_liau
    assert easy.sentences == 3 and easy.words == 14
    assert hard.long_word_share > 0.5 > easy.long_word_share


def test_readability_works_without_network() -> None:
    with pytest.raises(Exception):  # noqa: B017 - pytest-socket's error type is private
        socket.socket(socket.AF_INET, socket.SOCK_STREAM).connect(("example.org", 80))
    assert readability("Short words help people read.").grade < 8


def test_readability_empty_text() -> None:
    assert readability("").words == 0


def test_readability_warns_per_section_above_target() -> None:
    hard = ("Immunomodulatory pharmacotherapeutic interventions demonstrated statistically "
            "significant reductions in annualised relapse rates among participants.")
    findings = make_readability_check(8)(TRIAL, summary(why_it_matters=hard))
    warnings = of(findings, Severity.warning)
    assert [f.section for f in warnings] == ["why_it_matters"]
    assert len(of(findings, Severity.info)) == 1
    lenient = make_readability_check(readability(hard).grade + 1)
    assert lenient(TRIAL, summary(why_it_matters=hard))[1:] == []


def test_readability_gives_a_one_sentence_section_a_margin_before_warning() -> None:
    # 16 plain words at grade 8.4: a formula's noise on one sentence, not a hard section.
    plain = "This summary is based on the abstract alone; the full paper may add details that matter."
    # 12 words at grade 13+: hard however short.
    hard = "Immunomodulatory interventions demonstrated statistically significant relapse reductions."
    assert 8 < readability(plain).grade < 11 < readability(hard).grade
    assert readability(plain).words < 20 and readability(hard).words < 20
    check = make_readability_check(8)
    assert of(check(TRIAL, summary(why_it_matters=plain)), Severity.warning) == []
    warned = of(check(TRIAL, summary(why_it_matters=hard)), Severity.warning)
    assert [f.section for f in warned] == ["why_it_matters"]
    longer = " ".join([plain] * 2)  # the same grade over 32 words is a section's average
    assert [f.section for f in of(check(TRIAL, summary(why_it_matters=longer)),
                                  Severity.warning)] == ["why_it_matters"]


# --- jargon --------------------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "term"), [
    ("The risk of PML was low.", "PML"),
    ("Scores on the EDSS improved.", "EDSS"),
    ("Patients took tacrolimus daily.", "tacrolimus"),
    ("There was less demyelination.", "demyelination"),
    ("The drug reduced spasticity in legs.", "spasticity"),
])
def test_jargon_unexplained(text: str, term: str) -> None:
    (finding,) = check_jargon(TRIAL, summary(what_was_found=text, why_it_matters="Plain words.",
                                             limitations="Plain words."))
    assert finding.severity is Severity.warning
    assert text[finding.start:finding.end] == term


@pytest.mark.parametrize("text", [
    "The risk of PML (a rare, serious brain infection) was low.",
    "Scores on the EDSS, a disability scale, improved.",
    "Doctors took a brain scan (MRI) of everyone.",
    "It reduced spasticity, which means stiff muscles.",
    "A rare brain infection called PML was seen once.",
    "There was less demyelination - damage to the coating of nerves.",
])
def test_jargon_explained_is_fine(text: str) -> None:
    findings = check_jargon(TRIAL, summary(what_was_found=text, why_it_matters="Plain words.",
                                           limitations="Plain words."))
    assert findings == []


def test_jargon_suggestion_uses_the_curated_explanation_and_flags_once() -> None:
    text = "PML was rare. PML was serious."
    (finding,) = check_jargon(TRIAL, summary(what_was_found=text, why_it_matters="PML again.",
                                             limitations="Plain words."))
    assert finding.suggestion and "brain infection" in finding.suggestion


def test_common_abbreviations_and_names_are_fine() -> None:
    text = "The study ran in the UK and the USA. Finland took part."
    assert check_jargon(TRIAL, summary(what_was_found=text, why_it_matters="Plain words.",
                                       limitations="Plain words.")) == []


# --- claims --------------------------------------------------------------------------------------

@pytest.mark.parametrize("word", ["causes", "prevents", "proves", "cures", "will cause", "leads to",
                                  "guarantees"])
def test_causal_wording_in_observational_study_is_a_warning(word: str) -> None:
    text = f"Low vitamin D {word} more relapses."
    (finding,) = check_claims(COHORT, summary(headline=text))
    assert finding.severity is Severity.warning
    assert text[finding.start:finding.end] == word


def test_causal_wording_is_fine_in_a_trial_and_when_negated() -> None:
    assert check_claims(TRIAL, summary(headline="The medicine prevents flare-ups")) == []
    negated = summary(limitations="This kind of study cannot show cause and effect, and "
                                  "it does not prove that vitamin D prevents relapses.")
    assert check_claims(COHORT, negated) == []


def test_animal_results_told_as_human_results_are_an_error() -> None:
    text = "The compound repaired nerve damage and helped patients walk."
    findings = check_claims(MICE, summary(headline="A compound helps patients walk",
                                          what_was_found=text, why_it_matters="Hope for people.",
                                          limitations="It was short."))
    errors = of(findings, Severity.error)
    assert len(errors) == 1 and errors[0].section == "headline"


def test_animal_results_said_to_be_in_mice_are_fine() -> None:
    text = "In mice, the compound repaired nerve damage. It is not yet known in people."
    findings = check_claims(MICE, summary(headline="A compound helped mice walk again",
                                          what_was_found=text, why_it_matters="Early work.",
                                          limitations="Only in animals."))
    assert of(findings, Severity.error) == []


# --- advice --------------------------------------------------------------------------------------

@pytest.mark.parametrize("text", [
    "You should switch to the new drug.", "Stop taking your tablets if you feel tired.",
    "Ask for an MRI scan every year.", "Start taking vitamin D now.",
    "Increase your dose in winter.", "Ask your doctor for the new drug.",
    "Do not take this with alcohol.",
])
def test_advice_is_flagged(text: str) -> None:
    (finding,) = check_advice(TRIAL, summary(why_it_matters=text))
    changes_treatment = text.startswith(("You should switch", "Stop", "Start", "Increase"))
    assert finding.severity is (Severity.error if changes_treatment else Severity.warning)


@pytest.mark.parametrize("text", [
    "Talk with your doctor or care team about what this means for you.",
    "Ask your care team about whether this applies to you.",
    "This does not mean anyone should stop taking their treatment.",
    "Some people in the study stopped early.",
])
def test_pointing_to_the_care_team_is_fine(text: str) -> None:
    assert check_advice(TRIAL, summary(why_it_matters=text)) == []


# --- completeness --------------------------------------------------------------------------------

def test_word_ranges_and_empty_sections() -> None:
    check = make_completeness_check(WordLimits())
    findings = check(TRIAL, summary(what_was_found="Too short.", why_it_matters=""))
    assert {(f.section, f.severity) for f in findings} == {
        ("what_was_found", Severity.warning), ("why_it_matters", Severity.error)}


def test_headline_question_and_length() -> None:
    check = make_completeness_check(WordLimits())
    findings = check(TRIAL, summary(headline="Does the new medicine cut flare-ups in MS?"))
    assert [f.message for f in findings] == ["The headline asks a question."]
    long_headline = " ".join(["word"] * 30)
    assert any(f.section == "headline" for f in check(TRIAL, summary(headline=long_headline)))


def test_design_limits_must_be_explained() -> None:
    check = make_completeness_check(WordLimits())
    findings = check(COHORT, summary())
    missing = {f.message.rsplit(" ", 1)[-1].rstrip(".") for f in findings}
    assert missing == {"retrospective", "observational", "small", "centre"}
    explained = summary(limitations=(
        "The researchers looked back at past records from one clinic, and the study was small. "
        "It shows a link but cannot show cause and effect."))
    assert check(COHORT, explained) == []


def test_animal_limit() -> None:
    check = make_completeness_check(WordLimits())
    assert len(check(MICE, summary())) == 1  # animal (counts of animals are not participants)
    assert check(MICE, summary(limitations="This was a small study in mice, so the results "
                                           "may not be the same when the medicine is tried "
                                           "in people.")) == []


def test_words_inside_a_bracketed_explanation_are_not_jargon() -> None:
    from laydraft.checks.jargon import check_jargon

    text = ("People with fatigue (extreme tiredness) and dyspnoea (shortness of breath) "
            "took part in the study.")
    summary = LaySummary.model_construct(headline="A headline", what_was_found=text,
                                         why_it_matters="It matters.", limitations="Few.")
    flagged = {text[f.start:f.end] for f in check_jargon(Abstract(text="x"), summary)
               if f.section == "what_was_found" and f.start is not None}
    assert flagged == set()
    bare = summary.model_copy(update={"what_was_found": "People with dyspnoea took part."})
    assert [f.message for f in check_jargon(Abstract(text="x"), bare)
            if f.section == "what_was_found"] == ["'dyspnoea' may be unfamiliar and is not explained."]
