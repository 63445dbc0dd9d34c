"""The claims and advice checks on the false alarms and misses named in issue 14, each as a case.

Sentences here are written for the tests (in the shape of the cases found on real summaries);
the designs come from small made-up abstracts.
"""

from __future__ import annotations

import pytest

from laydraft.checks import run_checks
from laydraft.checks.advice import check_advice
from laydraft.checks.claims import check_claims
from laydraft.models import Abstract, Finding, LaySummary, Severity
from laydraft.text.context import explanation_spans, imperative, negated, noun_use

COHORT = Abstract(text=(
    "In this retrospective cohort study we reviewed the medical records of 412 adults. "
    "Higher vitamin D levels were associated with fewer relapses over 2 years."
))
REVIEW = Abstract(text=(
    "We included 12 randomised trials with 1,450 participants. Botulinum toxin reduced "
    "muscle spasm compared with placebo (moderate-certainty evidence)."
))
DIAGNOSTIC = Abstract(text=(
    "This cross-sectional study assessed the diagnostic accuracy of HPV testing in 1000 "
    "women. Sensitivity was 90% and specificity was 88% for precancerous changes."
))
LAB = Abstract(text=(
    "Fibroblasts were cultured in vitro and exposed to hypoxia. Treatment with the compound "
    "reduced cell death compared with untreated cells."
))
MICE = Abstract(text="We treated 40 mice with a demyelinating injury. The compound restored myelin.")


def summary(text: str) -> LaySummary:
    return LaySummary.model_construct(headline="", what_was_found=text, why_it_matters="",
                                      limitations="")


def flagged(findings: list[Finding], text: str) -> list[tuple[str, str]]:
    return [(f.code, text[f.start:f.end]) for f in findings if f.start is not None]


def claims(abstract: Abstract, text: str) -> list[tuple[str, str]]:
    return flagged(check_claims(abstract, summary(text)), text)


def advice(text: str) -> list[tuple[str, str]]:
    return flagged(check_advice(REVIEW, summary(text)), text)


# --- claims: false alarms named in the issue ----------------------------------------------------

@pytest.mark.parametrize("text", [
    "No study measured death from any cause.",  # "cause" as a noun
    "Larger studies are needed to clarify the causes of the differences.",
    "This kind of study cannot show cause and effect.",
])
def test_cause_as_a_noun_is_not_a_claim(text: str) -> None:
    assert claims(COHORT, text) == []


def test_will_in_diagnostic_accuracy_sentences_is_not_a_claim() -> None:
    text = ("For every 1000 women screened, around 20 will have precancerous changes. The test "
            "will correctly identify 18 of these women, and 99 women will be told they have a "
            "lesion. These tests do lead to more referrals.")
    assert claims(DIAGNOSTIC, text) == []


def test_a_name_with_stop_is_not_a_claim() -> None:
    assert claims(COHORT, "STOP-BANG scores of 7 or 8 were highly specific.") == []


@pytest.mark.parametrize("abstract", [LAB, MICE])
def test_cause_and_effect_in_lab_experiments_is_accurate(abstract: Abstract) -> None:
    text = ("In cells grown in the laboratory and in mice, blocking the receptor led to less "
            "damage, and the compound prevented cell death and caused repair.")
    assert claims(abstract, text) == []


def test_cause_and_effect_is_fine_in_a_randomised_trial_review() -> None:
    assert claims(REVIEW, "Botulinum toxin injections led to less muscle spasm.") == []


def test_the_drafters_glossary_text_is_not_a_claim() -> None:
    text = ("Inflammatory (causing swelling and irritation) markers were higher. Pain was "
            "neuropathic (caused by damaged nerves) in most people.")
    assert claims(COHORT, text) == []
    assert explanation_spans(text)  # both brackets are the glossary's own words
    # the same words outside a glossary bracket are a claim
    assert claims(COHORT, "Low vitamin D was causing swelling.") == [
        ("claims.causal_observational", "causing")]


@pytest.mark.parametrize("text", [
    "Low vitamin D may lead to more relapses.",  # hedged
    "Low vitamin D appeared to prevent relapses.",
    "This suggests that low vitamin D is causing relapses.",
    "We found low-quality evidence that vitamin D prevents relapses.",
    "It is unclear whether vitamin D prevents relapses.",  # open question
    "It does not prove that vitamin D prevents relapses.",  # negated
    "Measures to prevent relapses were not reported.",  # an aim
    "Further research is needed on vitamin D for preventing relapses.",  # a topic
    "The treatment was safe, causing no serious side effects.",  # observed absence
    "The device proved to be easier to use.",  # "turned out to be"
    "These factors may prove useful in planning care.",
])
def test_hedged_negated_and_descriptive_wording_is_not_a_claim(text: str) -> None:
    assert claims(COHORT, text) == []


def test_what_a_test_or_method_detects_is_not_a_causal_claim() -> None:
    text = "The use of the new staining resulted in more diagnoses than the old method."
    assert claims(COHORT, text) == []


# --- claims: what must be found -----------------------------------------------------------------

def test_which_proves_the_toxin_works_is_found_in_any_design() -> None:
    text = "Muscle spasm eased with the injections, which proves the toxin works."
    assert claims(REVIEW, text) == [("claims.certainty", "proves")]


@pytest.mark.parametrize(("text", "words"), [
    ("This proves that the cream works.", "proves"),
    ("The cream is a cure for eczema.", "is a cure for"),
    ("The cream cures eczema.", "cures"),
    ("The cream will cure eczema.", "will cure"),
    ("The cream has been proven to help.", "been proven"),
    ("The cream definitely helps.", "definitely"),
    ("The cream is guaranteed to help.", "guaranteed"),
])
def test_certainty_words_are_found_in_every_design(text: str, words: str) -> None:
    for abstract in (REVIEW, COHORT, DIAGNOSTIC):
        assert claims(abstract, text) == [("claims.certainty", words)]


@pytest.mark.parametrize("text", [
    "The benefit has not been proven.", "There is no cure for eczema.",
    "More trials are needed to definitely understand the effect.",
    "Cure rates were similar in both groups.", "Certainly, eczema is a common problem.",
    "Infections that were definitely catheter-related fell.",
    "The old belief that pregnancy is a cure for the disease may be wrong.",
])
def test_certainty_lookalikes_are_not_claims(text: str) -> None:
    assert claims(REVIEW, text) == []


@pytest.mark.parametrize(("words", "sentence"), [
    ("caused", "Night shifts caused more heart problems."),
    ("led to", "Smoking led to lower birth weight."),
    ("resulted in", "Fresh transfers resulted in higher live-birth rates."),
    ("protects against", "Coffee protects against diabetes."),
    ("was shown to cause", None),
])
def test_causal_wording_in_an_observational_study_is_found(words: str, sentence: str | None) -> None:
    text = sentence or "Low vitamin D was shown to cause relapses."
    (found,) = claims(COHORT, text)
    assert found[0] == "claims.causal_observational" and found[1] in words


def test_observational_claims_carry_the_design_and_a_suggestion() -> None:
    (finding,) = check_claims(COHORT, summary("Night shifts caused more heart problems."))
    assert finding.severity is Severity.warning and "cohort" in finding.message
    assert finding.suggestion and "linked" in finding.suggestion


def test_findings_are_found_through_unicode_hyphens() -> None:
    text = "Vitamin\u2011D treatment definitely helps."  # non-breaking hyphen
    findings = run_checks(REVIEW, summary(text))
    assert [(f.code, text[f.start:f.end]) for f in findings if f.check == "claims"] == [
        ("claims.certainty", "definitely")]


# --- advice: false alarms named in the issue ----------------------------------------------------

@pytest.mark.parametrize("text", [
    "The early scan made no change to the chance of being alive after one year.",
    "Some people will stop taking codeine because of the side effects.",
    "Side effects caused some people to stop taking their medicines.",
    "The studies do not take into account the days of pain after the operation.",
    "It is important that patients understand their inhaler, so they should ask their doctor "
    "or nurse for help.",
    "People who are worried should ask their doctor about these results.",
    "Talk with your doctor or care team about what this means for you.",
    "This is just a single study. It is not a reason to change your treatment.",
    "This does not mean anyone should stop taking their treatment.",
    "It is not possible to say whether people with COPD should use oxygen during exercise.",
    "In a cross-over design people have one treatment and then switch to the second.",
    "Time in hospital and a change to open surgery were similar in both groups.",
    "Future studies should take stronger measures to avoid bias.",
    "Patients and doctors should take into account the side effects.",
    "More people were able to stop taking steroids.",
])
def test_descriptions_nouns_and_care_team_pointers_are_not_advice(text: str) -> None:
    assert advice(text) == []


# --- advice: what must be found -----------------------------------------------------------------

@pytest.mark.parametrize(("text", "words"), [
    ("You should stop taking your painkillers.", "stop taking"),
    ("Stop taking your tablets if you feel tired.", "Stop taking"),
    ("If you feel tired, stop taking your tablets.", "stop taking"),
    ("People with asthma should switch to the new inhaler.", "switch to"),
    ("So, change to the cheaper brand.", "change to"),
    ("Increase your dose in winter.", "Increase your dose"),
    ("Skip your evening dose of insulin if you feel dizzy.", "Skip your evening dose"),
])
def test_advice_to_change_treatment_is_an_error(text: str, words: str) -> None:
    (finding,) = check_advice(REVIEW, summary(text))
    assert finding.severity is Severity.error and finding.code == "advice.change_treatment"
    assert text[finding.start:finding.end] == words


@pytest.mark.parametrize("text", [
    "Ask your doctor for the new drug.", "Ask for an MRI scan every year.",
    "Do not take this with alcohol.", "Keep taking your tablets.",
    "Patients should avoid exercise while they wait.", "Please insist on a blood test.",
])
def test_other_directives_are_warnings(text: str) -> None:
    (finding,) = check_advice(REVIEW, summary(text))
    assert finding.severity is Severity.warning and finding.code == "advice.directive"


# --- the context helpers ------------------------------------------------------------------------

def test_context_helpers_read_the_clause() -> None:
    text = "Death from any cause fell. It is unclear whether it causes harm."
    assert noun_use(text, text.index("cause"), text.index("cause") + 5)
    start = text.index("causes")
    assert negated(text, start, start + 6)
    assert imperative("So, stop it.", 4) and not imperative("People stop it.", 7)


def test_causal_wording_the_background_states_as_known_is_not_this_studys_claim() -> None:
    abstract = Abstract(text=(
        "BACKGROUND: Washing hands with soap removes germs and reduces the risk of diarrhoea.\n"
        "METHODS: We conducted a cross-sectional survey of 300 households.\n"
        "RESULTS: Most households had soap."))
    known = "Washing hands with soap removes germs and reduces the risk of diarrhoea."
    assert claims(abstract, known) == []
    assert claims(abstract, "Having soap at home reduces the risk of diarrhoea.") == [
        ("claims.causal_observational", "reduces the risk")]


@pytest.mark.parametrize(("text", "words"), [
    ("We recommend that people with asthma switch to the new inhaler.", "switch to"),
    ("It is best to stop taking your tablets before surgery.", "stop taking"),
])
def test_recommendations_to_readers_are_advice(text: str, words: str) -> None:
    assert advice(text) == [("advice.change_treatment", words)]
