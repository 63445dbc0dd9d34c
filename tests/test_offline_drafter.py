"""The offline drafter's behaviour: the main finding leads, counts are counts, no fragments."""

from __future__ import annotations

import re

import pytest

from laydraft.config import Settings
from laydraft.drafting.offline import OfflineDrafter, clauses, participants, wording
from laydraft.drafting.offline.source import read_abstract
from laydraft.models import Abstract
from laydraft.text.design import detect_design

REVIEW = (
    "A total of 38 studies involving 7843 children were included. Following educational "
    "intervention, there was a significantly reduced risk of emergency department visits "
    "(RR 0.73, 95% CI 0.65 to 0.81, N = 3008) compared with control. But, the magnitude of this "
    "effect was not reported. The relevant mechanisms remain unclear. Asthma education for "
    "children can result in lower risk of future emergency department visits. Further studies "
    "should be conducted to find the best type of education (low-certainty evidence)."
)
TRIAL = (
    "BACKGROUND: Insomnia is common after stroke.\n"
    "METHODS: In 1997, we randomly assigned 120 adults to sleep coaching or usual care.\n"
    "RESULTS: Sleep coaching improved sleep quality scores (mean difference 2.1, 95% CI 1.0 to "
    "3.2). Scores correlated with mood (r = 0.72). Of the 120 adults, 45 patients had a "
    "second stroke, whereas PML-IRIS may signal risk.\n"
    "CONCLUSIONS: Sleep coaching improved sleep after stroke. Trial registration: "
    "ClinicalTrials.gov NCT02149199."
)


def _draft(text: str) -> tuple[str, str, str, str]:
    summary = OfflineDrafter(Settings()).summarise(Abstract(text=text))
    return summary.headline, summary.what_was_found, summary.why_it_matters, summary.limitations


def test_headline_is_never_a_hedge_a_registration_or_a_call_for_research() -> None:
    for text in (REVIEW, TRIAL):
        headline = _draft(text)[0]
        assert not re.search(r"further studies|remain unclear|not reported|NCT\d|registration",
                             headline, re.I), headline
        assert not re.match(r"(?:but|and|whereas|while|although|so)\b", headline, re.I)


def test_headline_states_the_main_finding() -> None:
    assert "education" in _draft(REVIEW)[0].lower()
    assert "sleep coaching improved sleep" in _draft(TRIAL)[0].lower()


def test_main_result_opens_what_was_found_with_its_figure() -> None:
    sentences = re.split(r"(?<=[.!?])\s+", _draft(REVIEW)[1])
    assert "0.73" in sentences[1]  # right after who took part


def test_review_counts_studies_and_people() -> None:
    found = _draft(REVIEW)[1]
    assert found.startswith("The review included 38 studies with 7843 children")


def test_no_count_from_a_year_a_correlation_or_a_subgroup() -> None:
    found = _draft(TRIAL)[1]
    assert "1997 people" not in found and "72 people" not in found
    assert "45 patients" not in found.split(".")[0]
    assert found.startswith("The study included 120 adults.")
    lines = read_abstract(Abstract(text="In 2010, people with asthma were asked. We studied "
                                        "them (r = 0.72 people)."))
    assert participants.who(lines, detect_design(Abstract(text="survey"))) is None


def test_no_fragments() -> None:
    for part in _draft(TRIAL) + _draft(REVIEW):
        for sentence in re.split(r"(?<=[.!?])\s+", part):
            assert not re.match(r"(?:but|whereas|although|while|and)\b", sentence, re.I), sentence
            assert clauses.has_verb(sentence), sentence
    assert clauses.pieces("Whereas PML-IRIS may signal risk.") == []
    assert clauses.pieces("Two months, and six months, (RR 0.44).") == []


def test_lists_stay_whole() -> None:
    text = "The drugs tested were aspirin, ibuprofen, naproxen and paracetamol in adults."
    assert clauses.pieces(text) == [text]


@pytest.mark.parametrize("text", [
    "There is no clear evidence for vitamin A and/or DHA.",
    "Amantadine worked in preventing influenza A in children.",
    "The hepatitis A vaccine was given twice.",
])
def test_a_capital_letter_in_a_name_is_not_an_article(text: str) -> None:
    assert wording.fix_articles(text) == text


@pytest.mark.parametrize(("sentence", "kept"), [
    ("Urethral catheterisation against suprapubic catheterisation In six trials, more people "
     "needed a new catheter.", "In six trials, more people needed a new catheter."),
    ("Primary outcomes Three studies reported pain.", "Three studies reported pain."),
    ("Steroids versus a dummy treatment Compared with a dummy treatment, steroids helped.",
     "Compared with a dummy treatment, steroids helped."),
    ("Incomplete recovery A combination of two medicines helped.",
     "A combination of two medicines helped."),
    ("Treatment with vitamin A supplementation reduced deaths.", None),
    ("Patients treated at The Royal Hospital did well.", None),
    ("Delayed antibiotics In two trials, fewer people took them.", None),  # could be a clause
])
def test_a_subheading_run_into_its_sentence_is_left_out(sentence: str, kept: str | None) -> None:
    from laydraft.drafting.offline.source import without_run_in_heading

    assert without_run_in_heading(sentence) == (kept or sentence)
    lines = read_abstract(Abstract(text=f"{sentence} Nobody was harmed by it."))
    assert lines[0].text == (kept or sentence)


def test_articles_follow_the_sound_of_the_next_word() -> None:
    assert wording.fix_articles("an side effect and a hour") == "a side effect and an hour"
    assert wording.plain("They had an adverse event.") == "They had a side effect."


def test_significance_is_not_turned_into_certainty() -> None:
    plain = wording.plain("Pain was significantly lower; the difference was statistically "
                          "significant.")
    assert "clearly" not in plain and "significant" in plain


def test_first_person_becomes_the_authors() -> None:
    assert wording.plain("We found 12 trials.") == "The authors found 12 trials."


def test_evidence_grading_is_kept_in_plain_words() -> None:
    assert "The evidence is uncertain." in _draft(REVIEW)[3]


def test_why_it_matters_names_no_condition_the_study_is_not_about() -> None:
    why = _draft(REVIEW)[2]
    assert "multiple sclerosis" not in why
    assert "single study" not in _draft(REVIEW)[3]


def test_relapse_is_a_flare_up_only_in_multiple_sclerosis() -> None:
    assert wording.swap("relapse rate", wording.condition_swaps("multiple sclerosis")) == \
        "rate of flare-ups"
    assert wording.condition_swaps("breast cancer relapse") == {}


def test_a_hyphenated_number_of_studies_is_read_whole() -> None:
    found = _draft("Twenty-three trials involving 724 people were included. Drug A reduced "
                   "pain (RR 0.50, 95% CI 0.30 to 0.80) compared with a dummy pill.")[1]
    assert found.startswith("The review included twenty-three trials with 724 people")


def test_a_long_sentence_is_cut_at_and_where_both_sides_stand_alone() -> None:
    text = ("The walking group lost more weight over the six months of the trial, and the "
            "stretching group reported less back pain at the end.")
    got = clauses.pieces(text)
    assert got == ["The walking group lost more weight over the six months of the trial.",
                   "The stretching group reported less back pain at the end."]


def test_trailing_detail_after_a_comma_is_dropped_when_the_head_stands_alone() -> None:
    text = ("Daily fish oil capsules lowered the number of painful joints in older adults, "
            "which was measured by a nurse who did not know the groups.")
    assert clauses.pieces(text) == ["Daily fish oil capsules lowered the number of painful "
                                    "joints in older adults."]


def test_a_long_leading_phrase_goes_but_the_main_estimate_stays() -> None:
    text = ("In the three trials that enrolled only farm workers from rural areas, the cream "
            "reduced skin rashes (RR 0.61, 95% CI 0.40 to 0.90) and fewer workers missed days "
            "of work in the first month.")
    got = clauses.pieces(text, keep_estimate=True)
    assert got[0] == "The cream reduced skin rashes (risk ratio 0.61)."
    for piece in got:
        assert clauses.stands_alone(piece), piece


def test_a_split_never_leaves_a_piece_without_a_verb() -> None:
    text = ("Among children with long lasting coughs treated at home by their parents, "
            "honey and warm milk, lemon and ginger, or plain water in the evening.")
    for piece in clauses.pieces(text):
        assert clauses.has_verb(piece), piece


def test_primary_outcome_becomes_main_result_without_a_doubled_verb() -> None:
    text = wording.plain("Four trials measured their primary outcome but none reported harms.")
    assert text == "Four trials measured their main result but none reported harms."
    assert "measured measured" not in text and "result measured" not in text


def test_a_leading_phrase_with_no_main_clause_is_not_a_sentence() -> None:
    assert not clauses.stands_alone("Following swimming lessons given to toddlers, their "
                                    "siblings or both.")
    assert clauses.stands_alone("After swimming lessons given to toddlers, fewer of them "
                                "were afraid of water.")


def test_no_significant_difference_becomes_no_difference_beyond_chance() -> None:
    text = wording.plain("There was no statistically significant difference in pain between "
                         "groups. The difference was not significant.")
    assert text == ("There was no difference beyond chance in pain between groups. "
                    "The difference could be down to chance.")


def test_not_significantly_different_from_keeps_what_it_is_compared_with() -> None:
    text = wording.plain("Lower doses were not significantly different from placebo.")
    assert text == "Lower doses did not differ beyond chance from a dummy treatment."


def test_the_quality_of_the_evidence_becomes_how_certain_it_is() -> None:
    assert wording.plain("The quality of the evidence was very low.") == \
        "The evidence is very uncertain."
    assert wording.plain("We found low-certainty evidence that X helps.") == \
        "The authors found uncertain evidence that X helps."


def test_a_word_for_a_time_around_surgery_follows_its_noun() -> None:
    assert wording.plain("Postoperative nausea and vomiting is common.") == \
        "Nausea and vomiting after surgery is common."


def test_therapy_is_treatment_except_in_the_name_of_a_kind_of_therapy() -> None:
    assert wording.plain("Oxygen therapy and physical therapy were compared.") == \
        "Oxygen treatment and physical therapy were compared."


def test_a_word_inside_a_hyphenated_word_is_not_swapped() -> None:
    assert "cost-effectiveness" in wording.plain("The cost-effectiveness was unclear.")


def test_no_count_from_a_range_a_share_or_a_count_of_studies() -> None:
    text = ("We included 33 trials, with samples ranging from 12 to 653 participants. "
            "In the titration phase, 1 in 3 participants withdrew. 81 studies included "
            "individuals with kidney disease.")
    lines = read_abstract(Abstract(text=text))
    found = participants.who(lines, detect_design(Abstract(text=text)))
    assert found is not None and found.number == "" and found.studies == "33 trials"


def test_an_estimate_named_away_from_its_number_is_kept() -> None:
    sentence = ("The analysis shows that HFPPV was linked to a lower risk of air leak "
                "(typical relative risk (RR) for pneumothorax was 0.69, 95% CI 0.51 to 0.93).")
    assert any("0.69" in piece for piece in clauses.with_figure(sentence, 34))


def test_an_estimate_outside_brackets_is_kept_with_its_clause() -> None:
    sentence = ("There was no detectable difference in overall survival between these patients, "
                "with an overall HR of 0.96 (95% CI 0.87 to 1.07, P = 0.47) and no significant "
                "heterogeneity.")
    first = clauses.with_figure(sentence, 34)[0]
    assert "hazard ratio of 0.96" in first and first.startswith("There was no detectable")


def test_an_adjective_ending_in_ed_is_not_a_verb() -> None:
    assert not clauses.has_verb("The limited number of studies.")
    assert clauses.has_verb("The number of studies was limited.")


def test_a_count_given_per_drug_is_not_the_whole_sample() -> None:
    text = ("Twenty two randomized controlled trials were included in the review, with a total of "
            "296 participants for fluoxetine, 2036 for orlistat, and 1047 for sibutramine.")
    found = participants.who(read_abstract(Abstract(text=text)), detect_design(Abstract(text=text)))
    assert found is not None and found.number == "" and found.studies is not None
    assert participants.sentence(found, detect_design(Abstract(text=text))) == \
        "The review included twenty two trials."


def test_a_list_of_outcomes_is_not_cut_after_its_second_item() -> None:
    sentence = ("Fortified flour was linked to a lower rate of neural tube defects, spina bifida, "
                "and encephalocoele, compared to unfortified flour (RR 0.32, 95% CI 0.2 to 0.5).")
    assert all("spina bifida." not in piece for piece in clauses.with_figure(sentence, 34))


@pytest.mark.parametrize(("sentence", "start", "figure"), [
    ("Although the pooled results of three measures of foot function indicated a small "
     "difference in favour of nailing (MD 0.28, 95% CI 0.1 to 0.4), the results of single "
     "trials indicated that this was unlikely to matter.", "The pooled results", "0.28"),
    ("Pooled results, though limited by data quality, showed an effect of sucking on moving "
     "to full oral feeding (MD -5.51, 95% CI -8.2 to -2.8), and on the length of hospital "
     "stay.", "Pooled results", "-5.51"),
])
def test_the_main_estimate_in_a_conceding_clause_is_kept_as_a_sentence(
        sentence: str, start: str, figure: str) -> None:
    first = clauses.with_figure(sentence, 34)[0]
    assert first.startswith(start) and figure in first


def test_effective_before_a_noun_stays_an_adjective() -> None:
    assert wording.plain("They are effective supplements.") == "They are effective supplements."
    assert wording.plain("Aspirin was not effective.") == "Aspirin did not work."


def test_pieces_ending_on_a_dangling_word_or_participle_start_are_not_sentences() -> None:
    for piece in ("Three trials showed that oral PS.", "More trials are needed and, also.",
                  "Showing less bother in the exercise group.",
                  "Whilst the other found a benefit for the group.",
                  "Despite the fact that 2585 people took part in nine studies."):
        assert not clauses.stands_alone(piece), piece
    assert clauses.stands_alone("Fixed-effect analysis showed no effect on stroke.")




def test_an_aside_that_never_closes_is_not_a_sentence() -> None:
    assert not clauses.stands_alone("Pemetrexed is well tolerated and, in patients with cancer.")
    assert not clauses.stands_alone("Sperm quality was linked to kinase levels and, in turn.")
    assert clauses.stands_alone("Pemetrexed is well tolerated and, in most patients, it works.")


def test_information_provided_is_not_information_gave() -> None:
    assert "information provided" in wording.plain("The information provided was clear.")


def test_a_list_after_a_comma_is_not_cut_into_sentences() -> None:
    sentence = ("Fairly certain evidence showed that treatments involving physical, "
                "psychological and social parts improved return to work.")
    assert all(not piece.endswith("physical.") for piece in clauses.pieces(sentence))


def test_a_headline_never_points_back_or_only_says_what_was_reported() -> None:
    text = ("RESULTS: Two trials with 116 women were included. Perinatal mortality was reported "
            "in one trial. Home care was linked to lower costs than hospital care. It did not "
            "affect the risk of severe complications.\nCONCLUSIONS: It did not reduce the risk of "
            "death in the women.")
    headline = _draft(text)[0]
    assert not headline.startswith("It ") and "reported in one trial" not in headline


def test_a_lack_of_high_quality_studies_is_not_evidence_of_high_certainty() -> None:
    text = ("RESULTS: Eight trials with 3081 people were included. Nicotine gum reduced smoking "
            "compared with placebo (RR 1.75, 95% CI 1.4 to 2.2; very low-certainty evidence).\n"
            "CONCLUSIONS: This could simply be due to the lack of high-quality studies.")
    limitations = _draft(text)[3]
    assert "high certainty" not in limitations and "very uncertain" in limitations


def test_so_far_keeps_its_so() -> None:
    assert _draft("RESULTS: So far, no differences have been shown between the two drugs in 40 "
                  "adults.")[1].count("Far,") == 0


def test_a_number_inside_a_scale_name_is_not_the_estimate() -> None:
    assert clauses.loose_estimate("(2 studies, 119 people: MD in SF-36 score 11.46, 95% CI 7.73 "
                                  "to 15.18)") == ("mean difference", "11.46")


def test_a_type_or_stage_number_is_not_a_count_of_people() -> None:
    text = ("RESULTS: Twenty-two subjects were classified as type 1, 9 as type 2. All type 2 "
            "subjects were diagnosed with semantic dementia.")
    found = participants.who(read_abstract(Abstract(text=text)), detect_design(Abstract(text=text)))
    assert found is None or found.number != "2"
