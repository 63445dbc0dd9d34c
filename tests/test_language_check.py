"""The language check: summaries in another language, sentences in another language, and the
English that must pass (Latin terms, drug and gene names, quoted foreign names)."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from laydraft.checks import CHECKS, run_checks
from laydraft.checks.language import check_language, judge_sentence, make_language_check
from laydraft.config import Settings
from laydraft.core import check_summary
from laydraft.models import Abstract, Finding, LaySummary, Severity

ABSTRACT = Abstract(text="We randomised 120 adults with chronic low back pain to daily "
                         "stretching or usual care for 12 weeks. Pain fell more with stretching.")

HEADLINE = "Daily stretching for low back pain"
FOUND = ("We looked at a study of 120 adults with back pain that lasted a long time. Half of "
         "them did stretching exercises every day for 12 weeks; the others had their usual "
         "care. Pain went down more in the stretching group.")
WHY = "Stretching is cheap and people can do it at home, so it may help many people."
LIMITS = "This was one small study, and people knew which group they were in."


def summary(**sections: str) -> LaySummary:
    values = {"headline": HEADLINE, "what_was_found": FOUND, "why_it_matters": WHY,
              "limitations": LIMITS} | sections
    return LaySummary.model_construct(
        headline=values["headline"], what_was_found=values["what_was_found"],
        why_it_matters=values["why_it_matters"], limitations=values["limitations"])


def spans(found: list[Finding], text: LaySummary) -> list[tuple[str, str]]:
    return [(f.code, str(getattr(text, f.section or ""))[f.start:f.end]) for f in found]


def test_an_english_summary_passes() -> None:
    assert check_language(ABSTRACT, summary()) == []


@pytest.mark.parametrize("sentence", [
    "The tests were done in vitro, that is in a dish, and not in the body.",
    "One trial compared oral fluconazole and vaginal fenticonazole with oral fluconazole plus "
    "vaginal fenticonazole plus a probiotic.",
    "Radix Sophorae flavescentis was compared with lamivudine, adefovir, interferon, "
    "tiopronin and thymosin.",
    "Some children carried a change in the BRCA1 or CFTR gene.",
    "The trial, called \"Étude de la Prévention Cardiovasculaire\", ran in four countries.",
    "Doctors used the «Cuestionario de Salud Familiar» to ask about quality of life.",
    "Levels of IL-6, IL-8 and IL-10 and its tissue inhibitor were measured.",
    "The infection was caused by Staphylococcus aureus or Pseudomonas aeruginosa.",
    "Women with placenta praevia or hyperemesis gravidarum were not included.",
    "For questions write to CONTACT: someone.name@example.edu.",
])
def test_english_with_foreign_words_is_not_flagged(sentence: str) -> None:
    assert check_language(ABSTRACT, summary(what_was_found=f"{FOUND} {sentence}")) == []


@pytest.mark.parametrize(("sentence", "language"), [
    ("Los efectos secundarios fueron leves y desaparecieron en pocos días.", "Spanish"),
    ("Les chercheurs ne savaient pas quel groupe recevait le vrai médicament.", "French"),
    ("Die Nebenwirkungen waren leicht und verschwanden nach wenigen Tagen.", "German"),
    ("A infecção voltou em poucos pacientes.", "Portuguese"),
    ("Мы не нашли важных различий между двумя группами.", "Russian"),
    ("我们没有发现两组之间有重要的差别。", "Chinese"),
])
def test_a_foreign_sentence_is_a_mixed_warning_on_that_sentence(sentence: str,
                                                                  language: str) -> None:
    text = summary(what_was_found=f"{FOUND} {sentence} Nobody had serious side effects.")
    found = check_language(ABSTRACT, text)
    assert spans(found, text) == [("language.mixed", sentence)]
    assert found[0].severity is Severity.warning
    assert language in found[0].message and found[0].suggestion


def test_consecutive_foreign_sentences_are_one_finding() -> None:
    foreign = ("Los resultados fueron parecidos en hombres y en mujeres. Nadie sufrió efectos "
               "graves por la medicación.")
    text = summary(why_it_matters=f"{WHY} {foreign}")
    assert spans(check_language(ABSTRACT, text), text) == [("language.mixed", foreign)]


def test_a_summary_in_another_language_is_an_error_in_each_section() -> None:
    text = summary(
        headline="Estiramientos diarios para el dolor de espalda",
        what_was_found="Los investigadores compararon el ejercicio en casa con las sesiones en "
                       "el hospital. El dolor de espalda mejoró un poco con los estiramientos "
                       "diarios.",
        why_it_matters="Es posible que el ejercicio ayude a muchas personas con dolor.",
        limitations="La calidad de la evidencia fue baja porque los estudios eran pequeños.",
    )
    found = check_language(ABSTRACT, text)
    assert {f.section for f in found} == {"headline", "what_was_found", "why_it_matters",
                                          "limitations"}
    assert {f.code for f in found} == {"language.other"}
    assert all(f.severity is Severity.error and "Spanish" in f.message and "English" in f.message
               for f in found)
    whole = next(f for f in found if f.section == "what_was_found")
    assert (whole.start, whole.end) == (0, len(text.what_was_found))


def test_short_foreign_phrases_are_not_judged() -> None:
    assert judge_sentence("Muchas gracias, doctora.") == (0, None)
    assert check_language(ABSTRACT, summary(limitations=f"{LIMITS} Bon courage!")) == []


def test_the_configured_language_is_the_home_one() -> None:
    french = make_language_check("fr")
    text = summary(
        headline="Des étirements quotidiens contre le mal de dos",
        what_was_found="Les chercheurs ont comparé les exercices à la maison avec les séances "
                       "à l'hôpital. Le mal de dos s'est un peu amélioré avec des étirements.",
        why_it_matters="Un programme simple pourrait aider beaucoup de personnes.",
        limitations="La qualité des preuves était faible parce que les études étaient petites.",
    )
    assert french(ABSTRACT, text) == []
    found = french(ABSTRACT, summary())
    assert found and {f.code for f in found} == {"language.other"}
    assert "English" in found[0].message and "French" in found[0].message


def test_unicode_hyphens_are_read_as_run_checks_reads_them() -> None:
    sentence = "Los efectos secundarios fueron leves y desaparecieron en pocos d\u00edas."
    text = summary(what_was_found=f"Fifty\u2010one adults took part. {sentence}")
    assert spans(check_language(ABSTRACT, text), text) == [("language.mixed", sentence)]


def test_registered_and_run_with_the_configured_language() -> None:
    assert "language" in [spec.name for spec in CHECKS]
    text = summary(what_was_found=f"{FOUND} Wir fanden keine wichtigen Unterschiede zwischen "
                                  "den beiden Gruppen.")
    assert [f.code for f in run_checks(ABSTRACT, text) if f.check == "language"] == [
        "language.mixed"]
    in_german = [f for f in run_checks(ABSTRACT, text, language="de") if f.check == "language"]
    assert {f.code for f in in_german} == {"language.other"}
    from_settings = check_summary(Settings(language="de"), ABSTRACT, text)
    assert {f.code for f in from_settings if f.check == "language"} == {"language.other"}


def test_the_language_setting_is_an_iso_code_the_detector_knows() -> None:
    assert Settings().language == "en"
    assert Settings(language=" FR ").language == "fr"
    with pytest.raises(ValidationError, match="ISO 639-1"):
        Settings(language="english")
    with pytest.raises(ValueError, match="unknown language"):
        make_language_check("xx")


def test_the_shipped_word_lists_are_wordfreqs() -> None:
    from wordfreq import top_n_list

    from laydraft.checks.language import LIKELY, TOP_WORDS, _word_lists

    lists = _word_lists()
    assert set(lists) == set(LIKELY)
    assert all(len(words) == TOP_WORDS for words in lists.values())
    assert lists["en"] == top_n_list("en", TOP_WORDS)  # English is loaded by other checks anyway


@pytest.mark.parametrize("sentence", [
    "Los efectos secundarios fueron leves y desaparecieron en pocos días.",
    "Les chercheurs ne savaient pas quel groupe recevait le vrai médicament.",
    "Die Nebenwirkungen waren leicht und verschwanden nach wenigen Tagen.",
    "A infecção voltou em poucos pacientes, mas não em todos.",
    "I pazienti hanno preso il farmaco per due settimane senza problemi.",
    "De patiënten kregen het middel twee weken lang zonder problemen.",
    "Pacjenci brali lek przez dwa tygodnie bez problemów.",
    "Мы не нашли важных различий между двумя группами.",
    "One trial compared oral fluconazole and vaginal fenticonazole with a probiotic.",
    "Radix Sophorae flavescentis was compared with lamivudine, adefovir and interferon.",
    "The people in the study came from a la carte clinics in Los Angeles and San Diego.",
    "Die-hard fans of the drug were in de facto control of the en bloc trial.",
    FOUND, WHY, LIMITS,
])
def test_the_detector_is_skipped_only_where_it_could_not_change_the_verdict(
        sentence: str, monkeypatch: pytest.MonkeyPatch) -> None:
    from laydraft.checks import language

    fast = judge_sentence(sentence)
    monkeypatch.setattr(language, "_could_be_foreign", lambda words, code: True)
    assert fast == judge_sentence(sentence)
