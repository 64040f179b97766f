"""Event coding that survives the registers real news comes in (``eventwire.eval.transforms``).

Each sentence below was written for this test. Put through a transform (lower case, ALL CAPS, Title Case,
mojibake, no final punctuation, hard line breaks), it must keep its top event: the same PLOVER type, source
country and target country, coded through the library path (``nlp(text)``; the ``pipeline`` fixture is what
``eventwire.load()`` builds).
"""

from __future__ import annotations

import json
from itertools import pairwise
from pathlib import Path

import pytest

from eventwire.errors import GoldFormatError
from eventwire.eval.plover import evaluate, render, top_event
from eventwire.eval.transforms import (
    TRANSFORMS,
    apply,
    curl_quotes,
    linebreaks,
    mojibake,
    mojibake_quotes,
    nopunct,
    title,
    transform_names,
)
from eventwire.ingest.encoding import repair_text
from eventwire.model import Article
from eventwire.nlp import parse_many
from eventwire.nlp.parse import line_continues, sentences
from eventwire.nlp.truecase import needs_restoring, restorer
from eventwire.pipeline import Pipeline

# (sentence, (type, source countries, target countries)) — written for this test, not from any gold set.
SENTENCES: list[tuple[str, tuple[str, list[str], list[str]]]] = [
    ("Kenya accused Somalia on Tuesday of sheltering militants who attacked a border town.",
     ("ACCUSE", ["KEN"], ["SOM"])),
    ("Japan sent emergency aid to the Philippines after the typhoon destroyed thousands of homes.",
     ("AID", ["JPN"], ["PHL"])),
    ("Nigerian police arrested 40 protesters in Lagos during a march against fuel prices.",
     ("COERCE", ["NGA"], ["NGA"])),
    ("Colombia's government accused Venezuela of sheltering rebels near Cúcuta, officials in Bogotá said.",
     ("ACCUSE", ["COL"], ["VEN"])),
    ("The president of Côte d'Ivoire met the Ghanaian foreign minister in Abidjan on Monday.",
     ("CONSULT", ["CIV"], ["GHA"])),
    ("Russia's foreign minister rejected a proposal from Ukraine for talks in Geneva, saying \"the time is not "
     "right\".", ("REJECT", ["RUS"], ["UKR"])),
    ("India expelled two Pakistani diplomats on Thursday, accusing them of spying.",
     ("SANCTION", ["IND"], ["PAK"])),
    ("The United States imposed sanctions on Iran's central bank over its nuclear programme.",
     ("SANCTION", ["USA"], ["IRN"])),
    ("Chinese coast guard ships fired water cannon at a Philippine supply boat near the disputed shoal.",
     ("ASSAULT", ["CHN"], ["PHL"])),
]


def _top(article: Article) -> tuple[str, list[str], list[str]] | None:
    event = top_event(article.events)
    if event is None:
        return None
    return (event.event, sorted({p.code for p in event.actor if p.code}),
            sorted({p.code for p in event.recipient if p.code}))


def _spans_are_true(article: Article) -> None:
    for event in article.events:
        assert article.text[event.trigger.start:event.trigger.end] == event.trigger.text
        for party in (*event.actor, *event.recipient):
            assert party.text in article.text


# -- the transforms ------------------------------------------------------------------------------------------

def test_transforms_write_each_register() -> None:
    text = "The U.S.-led coalition said it won't stop, Côte d'Ivoire's army said."
    assert apply("lower", text) == text.lower() and apply("upper", text) == text.upper()
    assert title(text) == "The U.S.-Led Coalition Said It Won't Stop, Côte D'Ivoire's Army Said."
    assert title('police said "we acted"') == 'Police Said "We Acted"'
    assert mojibake("Côte") == "CÃ´te" and mojibake("plain ASCII") == "plain ASCII"
    assert mojibake("“a”") == "â€œaâ€\x9d"  # the undefined byte 0x9D passes through as a C1 control
    assert curl_quotes('Iran\'s envoy said "no".') == "Iran’s envoy said “no”."
    assert mojibake_quotes('Iran\'s envoy said "no".') == "Iranâ€™s envoy said â€œnoâ€."
    assert nopunct("They left.  ") == "They left" and nopunct('He said "no!"') == 'He said "no"'
    assert nopunct("Why? They left?!") == "Why? They left"
    assert apply("spaces", "a b c d e f") == " \ta b c  d e\u00a0f  \n"


def test_line_breaks_wrap_at_sixty_columns_without_changing_length() -> None:
    text = " ".join(sentence for sentence, _ in SENTENCES[:3])
    wrapped = linebreaks(text)
    assert len(wrapped) == len(text) and wrapped.replace("\n", " ") == text
    lines = wrapped.split("\n")
    assert len(lines) >= 4 and all(len(line) <= 60 for line in lines)
    assert all(len(line) + 1 + len(following.split()[0]) > 60 for line, following in pairwise(lines))


def test_transform_names_take_comma_lists_and_refuse_unknown_names() -> None:
    assert transform_names(["lower,title", " nopunct ", "lower"]) == ["lower", "title", "nopunct"]
    assert set(transform_names([",".join(TRANSFORMS)])) == set(TRANSFORMS)
    with pytest.raises(GoldFormatError, match=r"unknown transform 'caps'.*lower"):
        transform_names(["lower,caps"])


@pytest.mark.parametrize("text", [
    "Colombia’s government accused Venezuela of sheltering rebels near Cúcuta, officials in Bogotá said.",
    "“We will not withdraw,” the minister told reporters in Zürich — ‘not now’.",
    "Côte d’Ivoire’s army said: “the crossing at Noé is closed”",
])
def test_mojibake_round_trips_through_repair_text(text: str) -> None:
    damaged = mojibake(text)
    assert damaged != text
    repaired, warnings = repair_text(damaged)
    assert repaired == text and any("mojibake" in w for w in warnings)
    plain = text.replace("’", "'").replace("“", '"').replace("”", '"').replace("‘", "'")
    repaired, _ = repair_text(mojibake_quotes(plain))
    assert repaired == curl_quotes(plain)
    assert repair_text(text) == (text, [])  # clean text is never touched


def test_unicode_spaces_become_plain_spaces_one_for_one() -> None:
    assert repair_text("Côte\u00a0d'Ivoire said 5\u202fkm") == ("Côte d'Ivoire said 5 km", [])
    repaired, warnings = repair_text(mojibake("5\u00a0km from Bogotá"))
    assert repaired == "5 km from Bogotá" and warnings


# -- the library path -----------------------------------------------------------------------------------------

def test_library_path_repairs_mojibake_as_ingest_does(pipeline: Pipeline) -> None:
    clean = "Colombia’s government accused Venezuela of sheltering rebels near Cúcuta, officials in Bogotá said."
    article = pipeline(mojibake(clean))
    assert article.text == clean
    assert any("mojibake" in w for w in article.warnings)
    _spans_are_true(article)
    assert _top(article) == ("ACCUSE", ["COL"], ["VEN"])
    assert pipeline(clean).warnings == []


@pytest.mark.parametrize("name", list(TRANSFORMS))
def test_each_transform_keeps_the_top_event(pipeline: Pipeline, name: str) -> None:
    changed = 0
    for sentence, expected in SENTENCES:
        assert _top(pipeline(sentence)) == expected, sentence
        text = apply(name, sentence)
        changed += text != sentence
        article = pipeline(text)
        _spans_are_true(article)
        assert _top(article) == expected, (name, text)
    assert changed >= 2


def test_title_case_and_capitals_lines_are_parsed_from_restored_case(pipeline: Pipeline) -> None:
    headline = "Zambia Extradites Suspected Militant To Britain After Talks With NATO Officials"
    assert needs_restoring(headline) and needs_restoring(headline.upper())
    restored = restorer(pipeline.nlp).restore(headline)
    assert len(restored) == len(headline)
    assert restored.startswith("Zambia extradites suspected militant to Britain after talks with NATO")
    assert restorer(pipeline.nlp).restore(headline.upper()).startswith("Zambia extradites suspected")
    prose = "The head of the United Nations Office for the Coordination of Humanitarian Affairs spoke on Monday."
    assert not needs_restoring(prose)
    assert not needs_restoring("Joe Biden and Xi Jinping met in Bali on Monday.")
    # Headline style with the small words in lower case.
    headline = "Kenya Accuses Somalia of Sheltering Militants After Border Raid"
    assert restorer(pipeline.nlp).restore(headline) == "Kenya accuses Somalia of sheltering militants after border raid"
    assert _top(pipeline(headline)) == ("ACCUSE", ["KEN"], ["SOM"])


def test_lower_case_title_between_a_title_word_and_a_name_is_not_a_given_name(pipeline: Pipeline) -> None:
    restored = restorer(pipeline.nlp).restore("colombia's government accused venezuela of sheltering rebels.")
    assert restored == "Colombia's government accused Venezuela of sheltering rebels."


@pytest.mark.parametrize("text", [
    "Vietnamese-led forces attacked guerrilla camps in western Cambodia on Monday.",
    "Saudi-led coalition warplanes bombed a market in northern Yemen, killing 12 people.",
])
def test_country_of_an_x_led_force_is_read_from_the_restored_case(pipeline: Pipeline, text: str) -> None:
    expected = _top(pipeline(text))
    assert expected is not None and expected[1]
    for name in ("lower", "upper", "title"):
        assert _top(pipeline(apply(name, text))) == expected, name


def test_full_stop_of_an_acronym_or_a_title_starts_no_sentence_in_lower_case(pipeline: Pipeline) -> None:
    restored = restorer(pipeline.nlp).restore(
        "a roadside bomb killed one u.s. soldier near kirkuk, gen. omar said. the u.n. said no.")
    assert restored == "A roadside bomb killed one U.S. soldier near Kirkuk, gen. Omar said. The U.N. said no."


def test_stray_spaces_are_parsed_collapsed_over_the_verbatim_text(pipeline: Pipeline) -> None:
    text = "Rebels in the  Ivory Coast\ton  Wednesday rejected an  appeal from  Ghana, officials\u00a0said.  \n"
    [doc] = parse_many(pipeline.nlp, [text])
    assert doc.text == text
    assert ("the  Ivory Coast", "GPE") in {(ent.text, ent.label_) for ent in doc.ents}
    article = pipeline(Article(id="spaces", text=text))  # an Article is taken as it is, spaces and all
    assert article.text == text
    _spans_are_true(article)
    assert _top(article) == ("REJECT", ["CIV"], ["GHA"])


def test_hard_line_breaks_stay_inside_the_sentence(pipeline: Pipeline) -> None:
    text = " ".join(sentence for sentence, _ in SENTENCES[:4])
    flat = pipeline.nlp(text)
    [wrapped] = parse_many(pipeline.nlp, [linebreaks(text)])
    assert len(sentences(wrapped)) == len(sentences(flat)) == 4
    # In lower case, a line break starts no sentence: the restored copy is that of the unwrapped text.
    restore = restorer(pipeline.nlp).restore
    assert restore(linebreaks(text.lower())) == linebreaks(restore(text.lower()))


@pytest.mark.parametrize("text", [
    "Police arrest 14 in Lahore\nPolice in Lahore arrested 14 protesters on Monday during a march.",
    "Death toll rises to 14\nFourteen people were killed when police fired on protesters in Lagos, officials said.",
    "Protests spread across Iran\nThousands marched in Tehran on Friday.",
])
def test_a_title_line_still_ends_before_the_lead(pipeline: Pipeline, text: str) -> None:
    [doc] = parse_many(pipeline.nlp, [text])
    assert [doc[s:e].text.strip() for s, e in sentences(doc)] == text.split("\n")


@pytest.mark.parametrize("text", [
    "Gunmen killed two\nVillage guards near the town of Zinder on Sunday, officials said.",
    "Troops withdrew from the besieged\nNorthern town of Kidal on Friday.",
])
def test_a_two_line_sentence_wrapped_before_a_capital_is_one_sentence(pipeline: Pipeline, text: str) -> None:
    [doc] = parse_many(pipeline.nlp, [text])
    assert len(sentences(doc)) == 1


def test_line_continues_reads_the_text_alone() -> None:
    text = "Police arrest 14 in Lahore\nPolice in Lahore arrested 14 protesters on Monday during a march."
    assert not line_continues(text, text.index("\n"))
    for continued in ("the army said it would send the\ntroops", "The army said it would send more\ntroops",
                      "Protesters marched to the parliament,\nPolice said"):
        assert line_continues(continued, continued.index("\n"))
    assert not line_continues("Army sends more troops\nThe army said", 22)


# -- the robustness eval -------------------------------------------------------------------------------------

def test_plover_eval_scores_each_transform_per_part(pipeline: Pipeline, tmp_path: Path) -> None:
    gold = tmp_path / "gold.jsonl"
    with gold.open("w", encoding="utf-8") as out:
        for number, (sentence, (event, source, target)) in enumerate(SENTENCES[:5], 1):
            out.write(json.dumps({"id": f"robust-{number}", "text": sentence, "event": event,
                                  "source": [{"code": c} for c in source],
                                  "target": [{"code": c} for c in target]}) + "\n")
    report = evaluate(gold, pipeline, transforms=["title", "mojibake"])
    assert report["top_type_accuracy"] == 1.0
    title_all = report["robustness"]["title"]["parts"]["all"]
    assert report["robustness"]["title"]["changed"] == 5
    assert report["robustness"]["mojibake"]["changed"] == 2  # only the sentences with accents change
    assert title_all["records"] == 5 and title_all["top_type_accuracy"] == 1.0
    assert title_all["top_type_accuracy_drop"] == 0.0 and title_all["same_source"] == 1.0
    assert set(report["robustness"]["title"]["parts"]) <= {"tuning", "checking", "all"}
    assert "robustness" in render(report) and "title" in render(report)
