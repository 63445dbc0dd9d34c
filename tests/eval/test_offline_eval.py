"""Issue 15's evaluation of the offline drafter (``bench/eval_offline.py``).

The measures are tested on small hand-made texts (no shared data needed). One test runs the
evaluation on the first ``PAIRS`` Cochrane pairs of ../shared/data (skipped when it is absent)
and holds each figure to the single table below: floors and ceilings just past what the
offline drafter reaches today. When the drafter improves, run
``python bench/eval_offline.py --limit 150 --json`` and tighten the table towards the issue's
targets (``eval_offline.TARGETS``).
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))

import eval_offline  # noqa: E402
import offline_measures as om  # noqa: E402
from evalset import cochrane_rows  # noqa: E402

from laydraft.models import LaySummary  # noqa: E402

PAIRS = 150
# figure of Evaluation.figures() -> (lowest, highest) accepted on the first PAIRS pairs;
# the figure measured when set is in the comment (issue 15's target after the arrow)
BOUNDS: dict[str, tuple[float, float]] = {
    "grade": (0.0, 11.1),  # 10.9 (no target)
    "grade_plain": (0.0, 12.3),  # 12.1 -> <= 9
    # 19.1%: shorter sentences and dropped fragments keep less of the abstract; under 20%
    "template_share": (0.0, 0.195),  # 19.1% -> <= 20%
    "rouge1": (0.39, 1.0),  # 0.395 -> >= 0.35
    "conjunction_headlines": (0.0, 0.0),  # 0.0% -> 0%
    "abbreviation_headlines": (0.0, 0.0),  # 0.0% -> 0%
    "primary_present": (0.90, 1.0),  # 91.9% of 124 (26 without a figure) -> >= 90%
    "verbless_sentences": (0.0, 0.003),  # 0.14% of 1,402 -> <= 1%
    "false_counts": (0.0, 0.0),  # 0.0% -> 0%
}


def summary(headline: str = "The treatment helped people feel better.", found: str = "",
            why: str = "", limits: str = "") -> LaySummary:
    return LaySummary.model_construct(headline=headline, what_was_found=found,
                                      why_it_matters=why, limitations=limits)


ABSTRACT = (
    "We included 12 trials with 3000 adults who had asthma. Since 1997, education programmes "
    "reduced emergency department visits (RR 0.73, 95% CI 0.65 to 0.81). The correlation "
    "between attendance and symptom scores was 0.72. Adverse events were not reported. "
    "Education for adults with asthma probably reduces visits to the emergency department."
)


# --- headlines ----------------------------------------------------------------------------

@pytest.mark.parametrize("headline, expected", [
    ("But, the size of this effect was not reported.", True),
    ("Whereas the drug may help, it costs more.", True),
    ("“And the benefit lasted a year.", True),
    ("However these results were small.", True),
    ("Butter did not lower cholesterol.", False),
    ("Education lowered hospital visits.", False),
])
def test_a_headline_opening_with_a_conjunction_is_counted(headline: str, expected: bool) -> None:
    assert om.starts_with_conjunction(headline) is expected


@pytest.mark.parametrize("headline, expected", [
    ("PML got worse in some people.", ["PML"]),
    ("IL-6 levels fell after treatment.", ["IL-6"]),
    ("Levels of HbA1c fell.", ["HbA1c"]),
    ("Trial registration: ClinicalTrials.gov number, NCT02149199.",
     ["ClinicalTrials", "NCT02149199"]),
    ("PML (a rare brain infection) got worse in some people.", []),
    ("A brain scan (MRI) showed less damage.", []),
    ("People with HIV lived longer.", []),  # an everyday abbreviation
    ("Type II diabetes was less common.", []),  # a Roman numeral
    ("The Dix-Hallpike test found more cases.", []),  # a name
])
def test_unexplained_abbreviations_in_a_headline(headline: str, expected: list[str]) -> None:
    assert om.unexplained_abbreviations(headline) == expected


# --- verbs --------------------------------------------------------------------------------

@pytest.mark.parametrize("sentence", [
    "Development of ileus or stenosis.",
    "But with increased risk of nausea.",
    "Fewer hospital visits.",
    "The results of the trial.",
    "95% CI 0.65 to 1.41).",
    "But these maybe due to chance.",
])
def test_a_verbless_fragment_is_counted(sentence: str) -> None:
    assert not om.has_verb(sentence)


@pytest.mark.parametrize("sentence", [
    "The drug reduced pain.",
    "They increase the risk of falls.",
    "There remains uncertainty.",
    "Side effects were not reported.",
    "Exercise helps people sleep.",
    "The amount of pain relief varied among studies.",
    "Patients were randomised to two groups.",  # British spelling
])
def test_a_sentence_with_a_verb_is_not_counted(sentence: str) -> None:
    assert om.has_verb(sentence)


# --- counts -------------------------------------------------------------------------------

@pytest.mark.parametrize("found, false", [
    ("The team studied 1997 people.", True),  # a year
    ("The team studied 72 people.", True),  # a correlation of 0.72
    ("The review found 12 trials with 4500 people.", True),  # a total never stated
    ("The review found 14 studies with 3000 people.", True),  # 14 studies: not stated
    ("The review found 12 trials with 3000 people.", False),
    ("The team studied about 3000 adults.", False),
    ("The drug was given to people for 12 weeks.", False),  # no count stated
])
def test_a_count_not_stated_by_the_abstract_is_false(found: str, false: bool) -> None:
    assert bool(om.false_counts(summary(found=found), ABSTRACT)) is false


def test_studies_and_people_must_be_stated_together() -> None:
    abstract = "We included 23 trials (3258 children). Only two trials (849 children) gave data."
    for found, false in (("The review included 23 trials with 3258 children.", False),
                         ("Two trials with 849 children gave data.", False),
                         ("The review included two trials with 3258 children.", True),
                         ("Two trials gave data. In all, 3258 children took part.", False)):
        assert bool(om.false_counts(summary(found=found), abstract)) is false, found
    apart = "In all, 1831 participants were randomised to a drain or none in 12 trials."
    assert not om.false_counts(summary(found="There were 12 trials with 1831 people."), apart)


def test_a_subgroup_figure_is_not_a_count_of_the_people_studied() -> None:
    abstract = ("Family therapy may reduce relapse (n = 2981, 32 RCTs, RR 0.55). "
                "We included 53 trials with 6000 participants.")
    assert om.false_counts(summary(found="The team studied 2981 people."), abstract)
    assert not om.false_counts(summary(found="The team studied 6000 people."), abstract)


# --- the primary result -------------------------------------------------------------------

def test_the_primary_figure_is_the_first_effect_estimate() -> None:
    figure = om.primary_figure(ABSTRACT)
    assert figure is not None
    assert (figure.value, figure.kind) == (0.73, "ratio")
    labelled = "Pain fell (mean difference (MD) -1.25 days, 95% CI -2.05 to -0.45)."
    assert om.primary_figure(labelled) == om.PrimaryFigure(1.25, "difference", labelled)
    far = "One trial found a mean difference at the end of follow-up of -8.67 (95% CI -11 to -6)."
    assert om.primary_figure(far) == om.PrimaryFigure(8.67, "difference", far)


def test_a_number_right_before_its_confidence_interval_is_an_estimate() -> None:
    text = ("We included 29 trials with 775 people. Walking speed rose by 11.3 metres a minute "
            "(95% confidence interval 8.4 to 14.3; 9 trials).")
    figure = om.primary_figure(text)
    assert figure is not None and (figure.value, figure.kind) == (11.3, "difference")


def test_without_an_estimate_the_first_result_percentage_counts() -> None:
    text = ("Heterogeneity was high (I² = 80%). Pain improved in 45% of people given the drug "
            "compared with 30% given a dummy pill.")
    figure = om.primary_figure(text)
    assert figure is not None and (figure.value, figure.kind) == (45, "percent")
    for found, present in (("Pain improved in 45% of people.", True),
                           ("Pain improved in nearly half of the people.", True),
                           ("Pain improved in 45 people.", False)):
        assert om.primary_present(summary(found=found), figure) is present, found
    assert om.primary_figure("Five trials with 300 people were included.") is None


@pytest.mark.parametrize("headline, found, present", [
    ("Education lowered emergency visits by 27%.", "", True),  # 1 - RR, as a change
    ("Education helped.", "The risk ratio was 0.73.", True),
    ("Education helped.", "Visits were 0.7 times as likely.", True),  # rounded as written
    ("Education helped.", "Visits were 0.8 times as likely.", False),
    ("Education helped.", "Visits were 73% as likely.", False),  # a level, not the change
    ("Education helped.", "Of the 27 people asked, most agreed.", False),  # a count
    ("Education helped.", "About one in four fewer visits.", False),  # a share of a ratio
    ("Education helped.", "The lower limit was 0.65.", False),  # a confidence bound
    ("Education helped.", "", False),
])
def test_the_primary_figure_must_be_in_headline_or_what_was_found(
        headline: str, found: str, present: bool) -> None:
    figure = om.primary_figure(ABSTRACT)
    assert figure is not None
    assert om.primary_present(summary(headline, found), figure) is present


def test_the_primary_figure_elsewhere_in_the_draft_does_not_count() -> None:
    figure = om.primary_figure(ABSTRACT)
    assert figure is not None
    draft = summary("Education helped.", "Visits fell.", why="Visits fell by 27%.")
    assert not om.primary_present(draft, figure)


# --- template sentences -------------------------------------------------------------------

DIABETES = "Metformin lowered blood sugar in 200 adults with diabetes. Weight did not change."
STROKE = "Early walking after stroke improved balance in 150 patients. Falls were rare."
ANXIETY = "Online therapy reduced anxiety scores in 90 students. Sleep improved as well."
ABSTRACTS = (ABSTRACT, DIABETES, STROKE, ANXIETY)


def test_a_sentence_mostly_of_words_not_in_the_abstract_is_template() -> None:
    index = om.TemplateIndex()
    novel = "This may interest people living with multiple sclerosis."
    assert om.is_template(novel, ABSTRACT, index)
    derived = "Education for adults with asthma probably lowers emergency department visits."
    assert not om.is_template(derived, ABSTRACT, index)
    plain = "Side effects were not reported."  # the team's plain words for the abstract's
    assert not om.is_template(plain, ABSTRACT, index)


def test_a_sentence_recurring_in_many_drafts_is_template_unless_copied() -> None:
    fixed = "The adults were included in 12 trials."
    index = om.TemplateIndex()
    for abstract in ABSTRACTS:
        index.add([fixed.replace("12", str(len(abstract))), "Weight did not change."], abstract)
    # its words occur in ABSTRACT (but not in this order), so only recurrence shows it
    assert not om.novel(fixed, om.source(ABSTRACT))
    assert om.is_template(fixed, ABSTRACT, index)
    # copied from its own abstract: recurring because abstracts repeat themselves, not template
    assert not om.is_template("Weight did not change.", DIABETES, index)


def test_a_short_fixed_sentence_is_not_copied_because_its_pairs_of_words_are() -> None:
    single = "One single study found that sleep improved."
    fixed = "This is just a single study."
    assert not om.novel(fixed, om.source(single))  # "single", "study": all content words
    assert om.copied("A single study found that sleep improved.",
                     om.source(single + " It was a small study."))
    assert not om.copied(fixed, om.source(single))  # "just" is not in it
    index = om.TemplateIndex()
    for abstract in (single, *ABSTRACTS):
        index.add([fixed], abstract)
    assert om.is_template(fixed, single, index)


def test_a_fixed_frame_filled_with_the_abstracts_words_is_template() -> None:
    fillers = {ABSTRACT: "education for adults with asthma", DIABETES: "metformin lowered blood sugar",
               STROKE: "early walking after stroke", ANXIETY: "online therapy reduced anxiety"}
    drafts = {a: f"Readers wondering about {f} should keep watching this space." for a, f
              in fillers.items()}
    assert len(set(map(om.masked, drafts.values()))) == 4  # each wording occurs once
    assert len({om.frame(s, om.source(a).words) for a, s in drafts.items()}) == 1
    index = om.TemplateIndex()
    for abstract, sentence in drafts.items():
        index.add([sentence], abstract)
    assert all(index.recurring(s, a) for a, s in drafts.items())
    assert om.recurring_threshold(4) == 3 and om.recurring_threshold(1000) == 30


def test_measure_splits_the_draft_into_template_and_derived_words() -> None:
    derived = "Education for adults with asthma probably reduces emergency department visits."
    template = "Talk with your care team about any questions."
    draft = summary(derived, found=derived, why=template, limits=template)
    measures = om.measure(draft, ABSTRACT, om.TemplateIndex())
    assert measures.template_sentences == [template, template]
    assert measures.template_share == pytest.approx(16 / 36)
    assert measures.grade_plain == om.grade(f"{derived} {derived}")
    assert measures.grade == om.grade(om.whole(draft))
    assert measures.primary is False and measures.sentences == 4

    only_template = om.measure(summary(template), ABSTRACT, om.TemplateIndex())
    assert only_template.grade_plain is None and only_template.template_share == 1.0


# --- the whole evaluation, on hand-made rows ----------------------------------------------

ROWS = [
    {"id": f"made-{i}", "abstract": abstract, "lay_summary": abstract.split(". ")[0] + "."}
    for i, abstract in enumerate(ABSTRACTS)
]


def test_the_evaluation_runs_the_offline_drafter_and_reports_every_target() -> None:
    evaluation = eval_offline.evaluate(ROWS)
    figures = evaluation.figures()
    assert figures["drafts"] == 4
    assert {t.name for t in eval_offline.TARGETS} <= figures.keys()
    assert 0 < figures["rouge1"] < 1
    assert figures["primary_counted"] + figures["primary_excluded"] == 4
    text = eval_offline.report(evaluation)
    assert all(t.label in text for t in eval_offline.TARGETS)
    assert set(evaluation.missed()) == {
        t.name for t in eval_offline.TARGETS if not t.passed(figures[t.name])}
    shown = eval_offline.show(evaluation, 2)
    assert shown.count("=== made-") == 2 and shown == eval_offline.show(evaluation, 2)


def test_rouge_is_one_for_the_summary_itself() -> None:
    text = "Education reduced emergency visits for adults with asthma."
    pair = eval_offline.Pair("p", ABSTRACT, text, summary(text))
    assert eval_offline.rouge1([pair]) == [pytest.approx(1.0)]


def test_targets_read_as_the_issue_states_them() -> None:
    targets = {t.name: t for t in eval_offline.TARGETS}
    assert targets["grade_plain"].passed(9.0) and not targets["grade_plain"].passed(9.1)
    assert targets["primary_present"].passed(0.9) and not targets["primary_present"].passed(0.89)
    assert not targets["false_counts"].passed(0.001)
    assert targets["grade"].passed(30)  # reported, no target


# --- on the shared data -------------------------------------------------------------------

@pytest.mark.shared_data
def test_the_offline_drafter_holds_its_figures_on_the_shared_pairs(shared_data: Path) -> None:
    figures = eval_offline.evaluate(cochrane_rows(shared_data)[:PAIRS]).figures()
    print(figures)
    assert figures["drafts"] == PAIRS
    for name, (low, high) in BOUNDS.items():
        assert low <= figures[name] <= high, (name, figures[name])
