"""Seeded defects of the language check: other languages in real English summaries.

Families:

- ``language-mixed``: one sentence in another language put into a real summary (a human one
  or an offline draft) after one of its sentences; the check must report that sentence. Most
  are ordinary sentences (200); 64 are short ones carried mostly by drug names, figures and
  abbreviations (``HARD``, each put into two summaries);
- ``language-other``: a whole summary in another language (five to seven sentences of one
  language, in a random order) checked against a real abstract; the check must report it;
- ``language-terms``: an English sentence carrying Latin terms, drug or gene names, or a
  quoted foreign trial or questionnaire name, put into a real summary; the check must stay
  silent on it.

Every sentence below was written for this project (health-summary wording, not copied from
the data or from any translation of it).
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from pathlib import Path

import evalset
from evalset import Seed

from laydraft.models import LaySummary
from laydraft.text.sentences import sentence_spans

SENTENCES: dict[str, tuple[str, ...]] = {
    "es": (
        "Los participantes que tomaron el medicamento tuvieron menos dolor después de tres meses.",
        "No encontramos diferencias importantes entre los dos grupos de tratamiento.",
        "Los efectos secundarios fueron leves y desaparecieron en pocos días.",
        "La mayoría de los estudios incluyó a adultos con diabetes de tipo dos.",
        "Los investigadores compararon el ejercicio en casa con las sesiones en el hospital.",
        "Todavía no sabemos si este tratamiento ayuda a las personas mayores.",
        "La calidad de la evidencia fue baja porque los estudios eran pequeños.",
        "Se necesitan más ensayos antes de recomendar esta terapia.",
        "Las mujeres embarazadas no participaron en ninguno de los estudios.",
        "El tratamiento redujo el número de visitas a urgencias.",
        "Algunos pacientes dejaron el estudio porque se sentían peor.",
        "Los niños que recibieron la vacuna enfermaron con menos frecuencia.",
        "Esta revisión buscó estudios publicados hasta el año pasado.",
        "Los resultados fueron parecidos en hombres y en mujeres.",
        "El dolor de espalda mejoró un poco con los estiramientos diarios.",
        "Los médicos midieron la presión arterial cada semana durante el ensayo.",
        "Nadie sufrió efectos graves por la medicación.",
        "Es posible que la dieta baja en sal ayude a controlar la tensión.",
        "Los autores no pudieron combinar los datos de todos los estudios.",
        "La terapia de grupo fue tan útil como la terapia individual.",
        "Muchos participantes olvidaron tomar las pastillas por la noche.",
        "Las personas con asma usaron su inhalador con menos frecuencia.",
        "Los estudios se realizaron en hospitales de Europa y de Asia.",
        "Los pacientes operados se recuperaron antes que los demás.",
        "No hubo suficiente información sobre la calidad de vida.",
        "El seguimiento duró entre seis meses y dos años.",
        "Los cuidadores dijeron que el programa les resultó útil.",
        "Este medicamento puede causar mareos en algunas personas.",
        "La revisión incluyó ensayos con más de mil participantes en total.",
        "Los resultados deben interpretarse con mucha cautela.",
        "Ninguno de los estudios comparó el tratamiento con un placebo.",
        "Las personas que caminaban a diario dormían mejor por la noche.",
        "La infección volvió a aparecer en pocos pacientes.",
        "Los investigadores no sabían qué grupo recibía el fármaco real.",
        "Hace falta investigar más sobre los efectos a largo plazo.",
        "El coste del tratamiento no se tuvo en cuenta en los estudios.",
        "La mayoría de los participantes terminó el programa completo.",
        "Las enfermeras visitaron a las familias en su propia casa.",
        "Los síntomas de la depresión mejoraron ligeramente con la terapia.",
        "La evidencia actual no permite sacar conclusiones firmes.",
    ),
    "fr": (
        "Les participants qui ont pris le médicament avaient moins de douleur après trois mois.",
        "Nous n'avons pas trouvé de différence importante entre les deux groupes.",
        "Les effets indésirables étaient légers et ont disparu en quelques jours.",
        "La plupart des études portaient sur des adultes atteints de diabète.",
        "Les chercheurs ont comparé les exercices à la maison avec les séances à l'hôpital.",
        "Nous ne savons pas encore si ce traitement aide les personnes âgées.",
        "La qualité des preuves était faible parce que les études étaient petites.",
        "D'autres essais sont nécessaires avant de recommander cette thérapie.",
        "Les femmes enceintes n'ont participé à aucune de ces études.",
        "Le traitement a réduit le nombre de passages aux urgences.",
        "Certains patients ont quitté l'étude parce qu'ils se sentaient plus mal.",
        "Les enfants vaccinés sont tombés malades moins souvent.",
        "Cette revue a cherché les études publiées jusqu'à l'année dernière.",
        "Les résultats étaient semblables chez les hommes et chez les femmes.",
        "Le mal de dos s'est un peu amélioré avec des étirements quotidiens.",
        "Les médecins ont mesuré la tension artérielle chaque semaine.",
        "Personne n'a eu d'effet grave à cause du médicament.",
        "Un régime pauvre en sel pourrait aider à contrôler la tension.",
        "Les auteurs n'ont pas pu regrouper les données de toutes les études.",
        "La thérapie de groupe était aussi utile que la thérapie individuelle.",
        "Beaucoup de participants oubliaient de prendre leurs comprimés le soir.",
        "Les personnes asthmatiques ont utilisé leur inhalateur moins souvent.",
        "Les études ont été menées dans des hôpitaux d'Europe et d'Asie.",
        "Les patients opérés se sont rétablis plus vite que les autres.",
        "Il n'y avait pas assez d'informations sur la qualité de vie.",
        "Le suivi a duré entre six mois et deux ans.",
        "Les aidants ont dit que le programme leur avait été utile.",
        "Ce médicament peut provoquer des vertiges chez certaines personnes.",
        "La revue comprenait des essais avec plus de mille participants au total.",
        "Il faut interpréter ces résultats avec beaucoup de prudence.",
        "Aucune étude n'a comparé le traitement avec un placebo.",
        "Les personnes qui marchaient tous les jours dormaient mieux la nuit.",
        "L'infection est revenue chez quelques patients seulement.",
        "Les chercheurs ne savaient pas quel groupe recevait le vrai médicament.",
        "Il faut davantage de recherches sur les effets à long terme.",
        "Le coût du traitement n'a pas été pris en compte dans les études.",
        "La plupart des participants ont suivi le programme jusqu'au bout.",
        "Les infirmières rendaient visite aux familles à leur domicile.",
        "Les symptômes de la dépression se sont légèrement améliorés avec la thérapie.",
        "Les preuves actuelles ne permettent pas de tirer des conclusions solides.",
    ),
    "de": (
        "Die Teilnehmer, die das Medikament nahmen, hatten nach drei Monaten weniger Schmerzen.",
        "Wir fanden keine wichtigen Unterschiede zwischen den beiden Gruppen.",
        "Die Nebenwirkungen waren leicht und verschwanden nach wenigen Tagen.",
        "Die meisten Studien schlossen Erwachsene mit Diabetes ein.",
        "Die Forscher verglichen Übungen zu Hause mit Sitzungen im Krankenhaus.",
        "Wir wissen noch nicht, ob diese Behandlung älteren Menschen hilft.",
        "Die Qualität der Belege war niedrig, weil die Studien klein waren.",
        "Es sind weitere Studien nötig, bevor man diese Therapie empfehlen kann.",
        "Schwangere Frauen nahmen an keiner der Studien teil.",
        "Die Behandlung senkte die Zahl der Besuche in der Notaufnahme.",
        "Einige Patienten brachen die Studie ab, weil es ihnen schlechter ging.",
        "Geimpfte Kinder wurden seltener krank als die anderen.",
        "Diese Übersicht suchte nach Studien, die bis zum letzten Jahr erschienen sind.",
        "Die Ergebnisse waren bei Männern und Frauen ähnlich.",
        "Die Rückenschmerzen wurden durch tägliches Dehnen etwas besser.",
        "Die Ärzte haben den Blutdruck jede Woche gemessen.",
        "Niemand hatte wegen des Medikaments schwere Nebenwirkungen.",
        "Eine salzarme Ernährung könnte helfen, den Blutdruck zu senken.",
        "Die Autoren konnten die Daten der Studien nicht zusammenfassen.",
        "Die Gruppentherapie war genauso hilfreich wie die Einzeltherapie.",
        "Viele Teilnehmer vergaßen, ihre Tabletten am Abend zu nehmen.",
        "Menschen mit Asthma benutzten ihr Inhalationsgerät seltener.",
        "Die Studien wurden in Krankenhäusern in Europa und Asien durchgeführt.",
        "Die operierten Patienten erholten sich schneller als die anderen.",
        "Es gab nicht genug Angaben zur Lebensqualität.",
        "Die Nachbeobachtung dauerte zwischen sechs Monaten und zwei Jahren.",
        "Die pflegenden Angehörigen sagten, das Programm sei nützlich gewesen.",
        "Dieses Medikament kann bei manchen Menschen Schwindel auslösen.",
        "Die Übersicht umfasste Studien mit insgesamt mehr als tausend Teilnehmern.",
        "Man sollte diese Ergebnisse sehr vorsichtig deuten.",
        "Keine Studie hat die Behandlung mit einem Scheinmedikament verglichen.",
        "Menschen, die täglich spazieren gingen, schliefen nachts besser.",
        "Die Infektion kam nur bei wenigen Patienten zurück.",
        "Die Forscher wussten nicht, welche Gruppe das echte Medikament bekam.",
        "Über die langfristigen Wirkungen muss noch mehr geforscht werden.",
        "Die Kosten der Behandlung wurden in den Studien nicht berücksichtigt.",
        "Die meisten Teilnehmer haben das ganze Programm abgeschlossen.",
        "Die Pflegekräfte besuchten die Familien zu Hause.",
        "Die Beschwerden der Depression wurden mit der Therapie etwas besser.",
        "Die jetzigen Belege reichen für sichere Schlüsse nicht aus.",
    ),
    "pt": (
        "Os participantes que tomaram o remédio tiveram menos dor depois de três meses.",
        "Não encontramos diferenças importantes entre os dois grupos.",
        "Os efeitos colaterais foram leves e desapareceram em poucos dias.",
        "A maioria dos estudos incluiu adultos com diabetes.",
        "Os pesquisadores compararam exercícios em casa com sessões no hospital.",
        "Ainda não sabemos se este tratamento ajuda as pessoas idosas.",
        "A qualidade das evidências foi baixa porque os estudos eram pequenos.",
        "São necessários mais ensaios antes de recomendar esta terapia.",
        "As mulheres grávidas não participaram de nenhum dos estudos.",
        "O tratamento diminuiu o número de idas ao pronto-socorro.",
        "Alguns pacientes saíram do estudo porque se sentiam pior.",
        "As crianças vacinadas ficaram doentes com menos frequência.",
        "Esta revisão procurou estudos publicados até o ano passado.",
        "Os resultados foram parecidos entre homens e mulheres.",
        "A dor nas costas melhorou um pouco com alongamentos diários.",
        "Os médicos mediram a pressão arterial toda semana.",
        "Ninguém teve efeitos graves por causa do remédio.",
        "Uma dieta com pouco sal pode ajudar a controlar a pressão.",
        "Os autores não conseguiram juntar os dados de todos os estudos.",
        "A terapia em grupo foi tão útil quanto a terapia individual.",
        "Muitos participantes esqueceram de tomar os comprimidos à noite.",
        "As pessoas com asma usaram a bombinha com menos frequência.",
        "Os estudos foram feitos em hospitais da Europa e da Ásia.",
        "Os pacientes operados se recuperaram mais rápido do que os outros.",
        "Não havia informações suficientes sobre a qualidade de vida.",
        "O acompanhamento durou entre seis meses e dois anos.",
        "Os cuidadores disseram que o programa foi útil para eles.",
        "Este remédio pode causar tontura em algumas pessoas.",
        "A revisão incluiu ensaios com mais de mil participantes no total.",
        "Esses resultados devem ser vistos com muita cautela.",
        "Nenhum estudo comparou o tratamento com um placebo.",
        "As pessoas que caminhavam todos os dias dormiam melhor à noite.",
        "A infecção voltou em poucos pacientes.",
        "Os pesquisadores não sabiam qual grupo recebia o remédio verdadeiro.",
        "É preciso pesquisar mais sobre os efeitos a longo prazo.",
        "O custo do tratamento não foi levado em conta nos estudos.",
        "A maioria dos participantes terminou o programa inteiro.",
        "As enfermeiras visitaram as famílias em suas casas.",
        "Os sintomas de depressão melhoraram um pouco com a terapia.",
        "As evidências atuais não permitem tirar conclusões seguras.",
    ),
    "it": (
        "I partecipanti che hanno preso il farmaco avevano meno dolore dopo tre mesi.",
        "Non abbiamo trovato differenze importanti tra i due gruppi.",
        "Gli effetti collaterali erano lievi e sono spariti in pochi giorni.",
        "La maggior parte degli studi ha incluso adulti con il diabete.",
        "Non sappiamo ancora se questa cura aiuta le persone anziane.",
        "La qualità delle prove era bassa perché gli studi erano piccoli.",
        "Servono altri studi prima di consigliare questa terapia.",
        "Alcuni pazienti hanno lasciato lo studio perché si sentivano peggio.",
        "I risultati erano simili negli uomini e nelle donne.",
        "Nessuno ha avuto effetti gravi a causa del farmaco.",
        "Molti partecipanti dimenticavano di prendere le pastiglie la sera.",
        "Il controllo è durato tra sei mesi e due anni.",
        "Questi risultati vanno letti con molta cautela.",
        "Le persone che camminavano ogni giorno dormivano meglio.",
        "Le prove attuali non bastano per trarre conclusioni sicure.",
    ),
    "nl": (
        "De deelnemers die het medicijn namen, hadden na drie maanden minder pijn.",
        "We vonden geen belangrijke verschillen tussen de twee groepen.",
        "De bijwerkingen waren mild en verdwenen binnen een paar dagen.",
        "De meeste studies gingen over volwassenen met diabetes.",
        "We weten nog niet of deze behandeling oudere mensen helpt.",
        "De kwaliteit van het bewijs was laag omdat de studies klein waren.",
        "Er is meer onderzoek nodig voordat deze therapie kan worden aangeraden.",
        "Sommige patiënten stopten met de studie omdat ze zich slechter voelden.",
        "De resultaten waren bij mannen en vrouwen ongeveer gelijk.",
        "Niemand kreeg ernstige bijwerkingen door het medicijn.",
        "Veel deelnemers vergaten 's avonds hun tabletten in te nemen.",
        "De follow-up duurde tussen zes maanden en twee jaar.",
        "Deze resultaten moeten heel voorzichtig worden gelezen.",
        "Mensen die elke dag wandelden, sliepen 's nachts beter.",
        "Het huidige bewijs is niet genoeg voor stevige conclusies.",
    ),
    "ru": (
        "Участники, которые принимали лекарство, через три месяца чувствовали меньше боли.",
        "Мы не нашли важных различий между двумя группами.",
        "Побочные эффекты были слабыми и прошли за несколько дней.",
        "Нужны новые исследования, прежде чем советовать это лечение.",
        "Результаты были похожи у мужчин и у женщин.",
    ),
    "zh": (
        "服用这种药物的参与者在三个月后疼痛减轻了。",
        "我们没有发现两组之间有重要的差别。",
        "副作用比较轻微，几天后就消失了。",
        "在推荐这种疗法之前，还需要更多的研究。",
        "男性和女性的结果差不多。",
    ),
}

# Harder ones: short, or carried mostly by drug names, figures and abbreviations.
HARD: dict[str, tuple[str, ...]] = {
    "es": (
        "Tomaron metformina dos veces al día.",
        "El grupo con ibuprofeno tuvo menos fiebre.",
        "No hubo muertes en el grupo de control.",
        "La HbA1c bajó un poco con la insulina glargina.",
        "Se usó amoxicilina durante siete días.",
        "Los niños con VIH recibieron zidovudina.",
        "El dolor bajó 2 puntos en la escala.",
        "Pocos pacientes tuvieron náuseas con la morfina.",
    ),
    "fr": (
        "Ils ont pris de la metformine deux fois par jour.",
        "Le groupe sous ibuprofène avait moins de fièvre.",
        "Il n'y a eu aucun décès dans le groupe témoin.",
        "L'HbA1c a un peu baissé avec l'insuline glargine.",
        "On a donné de l'amoxicilline pendant sept jours.",
        "Les enfants atteints du VIH ont reçu de la zidovudine.",
        "La douleur a baissé de 2 points sur l'échelle.",
        "Peu de patients ont eu des nausées sous morphine.",
    ),
    "de": (
        "Sie nahmen zweimal täglich Metformin ein.",
        "Die Gruppe mit Ibuprofen hatte weniger Fieber.",
        "In der Kontrollgruppe gab es keine Todesfälle.",
        "Der HbA1c sank mit Insulin glargin etwas.",
        "Amoxicillin wurde sieben Tage lang gegeben.",
        "Kinder mit HIV bekamen Zidovudin.",
        "Der Schmerz sank auf der Skala um 2 Punkte.",
        "Wenige Patienten hatten unter Morphin Übelkeit.",
    ),
    "pt": (
        "Eles tomaram metformina duas vezes por dia.",
        "O grupo com ibuprofeno teve menos febre.",
        "Não houve mortes no grupo de controle.",
        "A HbA1c caiu um pouco com a insulina glargina.",
        "A amoxicilina foi usada durante sete dias.",
        "As crianças com HIV receberam zidovudina.",
        "A dor caiu 2 pontos na escala.",
        "Poucos pacientes tiveram enjoo com a morfina.",
    ),
}

# English sentences the check must leave alone: Latin terms, drug and gene names, quoted
# foreign names of trials and questionnaires. "{}" takes one of the fillers after it.
ENGLISH_WITH_TERMS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("The tests were done in vitro, that is in a dish, and {} in the body.",
     ("not", "later")),
    ("People took {} twice a day for twelve weeks.",
     ("metformin", "levothyroxine", "hydroxychloroquine", "amoxicillin-clavulanate",
      "methylprednisolone", "ciclosporin")),
    ("Some children in the study carried a change in the {} gene.",
     ("BRCA1", "CFTR", "HLA-B*57:01", "APOE e4", "TP53", "MTHFR")),
    ("The trial, called \"{}\", ran in four countries.",
     ("Étude de la Prévention Cardiovasculaire", "Estudio Dieta y Corazón",
      "Deutsche Rückenschmerz-Studie", "Studio Italiano sul Dolore")),
    ("Doctors used the {} questionnaire to ask about quality of life.",
     ("\"Qualité de Vie en Oncologie\"", "\"Fragebogen zur Lebensqualität\"",
      "\"Cuestionario de Salud Familiar\"")),
    ("The infection was caused by {}, a germ that often lives in hospitals.",
     ("Staphylococcus aureus", "Pseudomonas aeruginosa", "Klebsiella pneumoniae",
      "Clostridioides difficile", "Enterococcus faecium")),
    ("The herbal remedy was made from {} and was taken as a tea.",
     ("Hypericum perforatum", "Ginkgo biloba", "Radix astragali", "Echinacea purpurea",
      "Salvia miltiorrhiza")),
    ("This kind of tumour is also called {} by specialists.",
     ("carcinoma in situ", "lentigo maligna", "mycosis fungoides", "ductus arteriosus")),
    ("The study compared {} with a dummy pill over six months.",
     ("fluconazole plus fenticonazole", "lamivudine and adefovir", "tiopronin and thymosin",
      "clofazimine and thalidomide", "pentoxifylline or indometacin")),
    ("Results were reported {}, meaning for every person who was randomly assigned.",
     ("per protocol and ad hoc", "on an intention-to-treat basis")),
    ("Babies were given {} drops by mouth each day.",
     ("Lactobacillus reuteri", "Bifidobacterium infantis", "Saccharomyces boulardii")),
    ("The researchers measured levels of {} in the blood.",
     ("IL-6 and TNF-alpha", "HbA1c", "C-reactive protein", "NT-proBNP", "25(OH)D")),
    ("The {} trial in Spain looked at olive oil and nuts.",
     ("PREDIMED", "\"Prevención con Dieta Mediterránea\"")),
    ("In this study the phrase {} described the usual care people already got.",
     ("\"status quo\"", "\"soins habituels\"", "\"übliche Versorgung\"")),
    ("Women with {} were not included in any of the trials.",
     ("placenta praevia", "hyperemesis gravidarum", "lichen sclerosus", "pemphigus vulgaris")),
    ("The cream contained {} and was used once at bedtime.",
     ("tretinoin", "calcipotriol with betamethasone", "permethrin", "mupirocin")),
)

LANGUAGES = ("es", "fr", "de", "pt", "it", "nl", "ru", "zh")
OTHER_LANGUAGES = ("es", "fr", "de", "pt")  # enough sentences each for whole summaries


def _base_texts(data_dir: Path) -> list[evalset.Text]:
    return evalset.human_texts(data_dir) + evalset.offline_texts(data_dir)


def _insert(text: evalset.Text, sentence: str, rng: random.Random
            ) -> tuple[LaySummary, str, int, int] | None:
    """The summary with ``sentence`` after a random sentence of its longest section."""
    sections = text.summary.sections()
    section = max(("what_was_found", "why_it_matters", "limitations"),
                  key=lambda name: len(sections.get(name, "")))
    body = sections[section]
    spans = sentence_spans(body)
    if not spans:
        return None
    _, after = spans[rng.randrange(len(spans))]
    new = f"{body[:after]} {sentence}{body[after:]}"
    summary = text.summary.model_copy(update={section: new})
    return summary, section, after + 1, after + 1 + len(sentence)


def _mixed(texts: list[evalset.Text], rng: random.Random) -> Iterator[Seed]:
    sentences = [sentence for code in LANGUAGES for sentence in SENTENCES[code]]
    sentences += [sentence for group in HARD.values() for sentence in group] * 2
    for sentence in sentences:
        text = rng.choice(texts)
        placed = _insert(text, sentence, rng)
        if placed is None:
            continue
        summary, section, start, end = placed
        yield Seed(family="language-mixed", check="language", text_id=text.text_id,
                   abstract=text.abstract, summary=summary, section=section,
                   start=start, end=end)


def _other(texts: list[evalset.Text], rng: random.Random) -> Iterator[Seed]:
    for code in OTHER_LANGUAGES:
        for _ in range(40):
            text = rng.choice(texts)
            body = " ".join(rng.sample(SENTENCES[code], rng.randint(5, 7)))
            yield Seed(family="language-other", check="language", text_id=text.text_id,
                       abstract=text.abstract, summary=evalset.as_summary(body),
                       section="what_was_found", start=0, end=len(body))


def _terms(texts: list[evalset.Text], rng: random.Random) -> Iterator[Seed]:
    sentences = [template.format(filler) for template, fillers in ENGLISH_WITH_TERMS
                 for filler in fillers]
    for sentence in sentences * 3:
        text = rng.choice(texts)
        placed = _insert(text, sentence, rng)
        if placed is None:
            continue
        summary, section, start, end = placed
        yield Seed(family="language-terms", check="language", expect="silence",
                   text_id=text.text_id, abstract=text.abstract, summary=summary,
                   section=section, start=start, end=end)


def seeds(data_dir: Path, rng: random.Random) -> Iterator[Seed]:
    texts = _base_texts(data_dir)
    yield from _mixed(texts, rng)
    yield from _other(texts, rng)
    yield from _terms(texts, rng)
