"""Study design read off an abstract."""

from __future__ import annotations

import pytest

from laydraft.models import Abstract
from laydraft.text.design import DesignKind, detect_design


def design(text: str):  # type: ignore[no-untyped-def]
    return detect_design(Abstract(text=text))


@pytest.mark.parametrize(("text", "kind"), [
    ("A randomised, double-blind, placebo-controlled trial in 300 adults.", "randomised_trial"),
    ("Participants were randomly assigned to drug or placebo.", "randomised_trial"),
    ("We did a systematic review and meta-analysis of 14 trials.", "systematic_review"),
    ("We included 12 studies (3,000 participants).", "systematic_review"),
    ("A prospective cohort of 2,000 women followed for 10 years.", "cohort"),
    ("A retrospective analysis of registry data from 500 patients.", "cohort"),
    ("In this case-control study, 120 cases were matched to controls.", "case_control"),
    ("A cross-sectional survey of 1,500 adults.", "cross_sectional"),
    ("We describe a case series of nine patients.", "case_series"),
    ("Mice were randomly assigned to drug or vehicle.", "animal"),
    ("We used a murine model of demyelination.", "animal"),
    ("Human cell lines were exposed to the compound in vitro.", "in_vitro"),
    ("Nothing here says how the study was done.", "unknown"),
])
def test_kind(text: str, kind: str) -> None:
    assert design(text).kind is DesignKind(kind)


def test_properties() -> None:
    found = design("A retrospective single-centre cohort of 85 patients followed for 2 years.")
    assert found.retrospective and found.single_centre and found.observational and found.small
    assert found.participants == 85
    assert found.duration_weeks == pytest.approx(104.4, abs=0.1)
    assert found.main_limits == ["retrospective", "observational", "small", "single_centre"]
    assert design("Mice were treated.").non_human


def test_participants_ignore_durations_and_take_the_largest_count() -> None:
    found = design("Four trials lasting 24 to 52 weeks involving 2,250 people; 1,100 women.")
    assert found.participants == 2250
    assert design("A trial (n = 64) of a new drug.").participants == 64
    assert not design("A trial in 2,400 adult patients.").small


def test_detect_design_returns_independent_copies() -> None:
    first = design("A cohort of 50 patients.")
    first.participants = 1
    assert design("A cohort of 50 patients.").participants == 50


def test_a_count_of_included_studies_means_a_review() -> None:
    text = ("A total of 12 trials involving 3,400 adults were included. Exercise lowered "
            "tiredness compared with usual care.")
    assert detect_design(Abstract(text=text)).kind is DesignKind.systematic_review
