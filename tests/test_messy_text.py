"""Messy text: odd encodings, mojibake and all-lower-case feeds give the same actors and events as clean text.

The paragraphs are written by the eventwire team in agency style, from many regions; the byte-level
tests build real bytes in the encodings newsrooms use.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from spacy.language import Language

from eventwire.ingest import Limits, read_path
from eventwire.ingest.document import make_article
from eventwire.ingest.encoding import decode_report, implausible_characters, repair_text
from eventwire.model import Article
from eventwire.nlp import CASED_TEXT, parse_many
from eventwire.nlp.truecase import mostly_lower, restorer
from eventwire.pipeline import Pipeline

pytestmark = pytest.mark.slow

PARAGRAPHS = [
    # South Asia
    "Police arrested 14 protesters in Lahore on Tuesday after clashes outside the provincial assembly, a police "
    "spokesman said. Pakistan's interior minister said security forces would not allow the protest to continue.",
    # West Africa
    "Gunmen killed at least nine villagers in Nigeria's Zamfara state on Sunday, police said. The Nigerian army "
    "said troops had killed several militants in a raid near the border with Niger.",
    # Middle East
    "Israeli warplanes struck targets in southern Lebanon on Monday after Hezbollah fired rockets at northern "
    "Israel, the Israeli military said. Lebanon's prime minister condemned the strikes.",
    # East Africa
    "Kenyan police fired tear gas at demonstrators in Nairobi as protests over tax increases spread, witnesses "
    "said. The opposition leader urged supporters to continue the demonstrations.",
    # Europe
    "Russia and Ukraine exchanged 95 prisoners of war on Friday in a deal mediated by the United Arab Emirates, "
    "officials in Kyiv and Moscow said.",
    # Latin America
    "Colombian troops clashed with ELN rebels in the northeastern province of Arauca, killing four fighters, the "
    "defence ministry said. The government suspended peace talks with the group.",
    # East Asia
    "China's foreign ministry accused the United States of interfering in its internal affairs after Washington "
    "approved a new arms sale to Taiwan.",
]

# What each paragraph must give in lower case: (country, sector) pairs of actors, and event types.
EXPECTED = [
    ({(None, "COP"), (None, "CVL"), ("PAK", "GOV")}, {"COERCE"}),
    ({(None, "UAF"), (None, "CVL"), ("NGA", "MIL")}, {"ASSAULT"}),
    ({("ISR", "MIL"), ("LBN", "GOV")}, {"ASSAULT"}),
    ({("KEN", "COP"), (None, "OPP")}, {"ASSAULT"}),
    ({("RUS", "GOV"), ("UKR", "GOV")}, set()),
    ({("COL", "MIL"), ("COL", "REB")}, {"ASSAULT"}),
    ({("CHN", "GOV"), ("USA", "GOV")}, {"ACCUSE"}),
]


def _profile(article: Article) -> tuple[set[tuple[str | None, str | None]], set[str]]:
    actors = {(a.country, a.sector) for a in article.actors if a.kind != "location" and (a.country or a.sector)}
    return actors, {e.event for e in article.events}


def _spans_are_true(article: Article) -> None:
    for actor in article.actors:
        for mention in actor.mentions:
            assert article.text[mention.start:mention.end] == mention.text
    for event in article.events:
        assert article.text[event.trigger.start:event.trigger.end] == event.trigger.text
        for party in [*event.actor, *event.recipient]:
            assert party.text in article.text


# -- encodings -----------------------------------------------------------------------------------------

def test_latin1_text_file_keeps_its_accents_and_says_how_it_was_read(tmp_path: Path) -> None:
    path = tmp_path / "dakar.txt"
    text = ("DAKAR, March 3, 2024 (Wire) - Le ministre a déclaré à la presse que la réunion à Genève était "
            "terminée. Senegal's president met the envoy in Thiès.")
    path.write_bytes(text.encode("latin-1"))
    [article] = list(read_path(path, Limits()))
    assert isinstance(article, Article)
    assert "déclaré à la presse" in article.text and "Genève" in article.text and "Thiès" in article.text
    assert "ŕ" not in article.text  # the Central European reading of the same bytes
    assert any(str(path) in w and "cp1252" in w for w in article.warnings)


def test_central_european_bytes_are_read_as_such(tmp_path: Path) -> None:
    path = tmp_path / "gdansk.txt"
    path.write_bytes("Former president Lech Wałęsa joined protesters in Gdańsk and Łódź, officials said."
                     .encode("cp1250"))
    [article] = list(read_path(path, Limits()))
    assert isinstance(article, Article)
    assert "Wałęsa" in article.text and "Łódź" in article.text
    assert any(str(path) in w and "cp1250" in w for w in article.warnings)


def test_utf8_needs_no_warning(tmp_path: Path) -> None:
    path = tmp_path / "zurich.txt"
    path.write_bytes("Talks in Zürich ended on Monday, the Swiss foreign ministry said.".encode())
    [article] = list(read_path(path, Limits()))
    assert isinstance(article, Article) and article.warnings == []


def test_html_page_without_a_charset_says_how_it_was_read(tmp_path: Path) -> None:
    path = tmp_path / "abidjan.html"
    body = ("<html><head><title>Grève à Abidjan</title></head><body><article><p>Les enseignants ont déclaré "
            "une grève à Abidjan. Teachers in Côte d'Ivoire went on strike on Monday over pay, the union said, "
            "and police dispersed a march near the ministry in the Plateau district.</p></article></body></html>")
    path.write_bytes(body.encode("latin-1"))
    [article] = list(read_path(path, Limits()))
    assert isinstance(article, Article)
    assert "grève à Abidjan" in article.text and "Côte d'Ivoire" in article.text
    assert any(str(path) in w and "cp1252" in w for w in article.warnings)


def test_declared_latin1_is_read_as_windows_1252() -> None:
    # Byte 0x93/0x94 are curly quotes in Windows-1252 and control characters in ISO-8859-1.
    decoded = decode_report(b"He said \x93no\x94.", "page.html", declared="ISO-8859-1")
    assert decoded.text == "He said “no”."


def test_cyrillic_bytes_are_not_taken_for_western() -> None:
    decoded = decode_report("Министр заявил, что переговоры продолжатся в Москве.".encode("cp1251"), "m.txt")
    assert decoded.text.startswith("Министр") and decoded.encoding == "cp1251"


def test_implausible_characters_count_wrong_code_pages() -> None:
    assert implausible_characters("déclaré à Genève, “quoted” — fine") == 0
    assert implausible_characters("rz¹du zosta³") == 2  # Polish read as Western
    assert implausible_characters("dйclarй") == 2  # French read as Cyrillic


# -- mojibake --------------------------------------------------------------------------------------------

def _mojibake(text: str) -> str:
    """UTF-8 text read as Windows-1252, undefined bytes dropped, as many feed converters do."""
    out = []
    for byte in text.encode("utf-8"):
        try:
            out.append(bytes([byte]).decode("cp1252"))
        except UnicodeDecodeError:
            continue
    return "".join(out)


def test_repair_text_fixes_mojibake_and_leaves_clean_text_alone() -> None:
    clean = "“We will not retreat,” the minister said in São Paulo. It’s over — for now."
    broken = _mojibake(clean)
    assert "â€œ" in broken and "â€™" in broken
    fixed, warnings = repair_text(broken)
    assert fixed == clean
    assert len(warnings) == 1 and "mojibake" in warnings[0]
    assert repair_text(clean) == (clean, [])
    assert repair_text("Tom &amp; Jerry, ﬁne") == ("Tom & Jerry, fine", [
        "text repaired with ftfy: fixed: latin ligatures, unescape html"])


def test_jsonl_article_with_mojibake_is_stored_repaired(tmp_path: Path) -> None:
    clean = "Kenyan police said “the protest was illegal” and arrested 12 people in Nairobi’s centre."
    path = tmp_path / "feed.jsonl"
    path.write_text(json.dumps({"id": "k1", "text": _mojibake(clean), "title": _mojibake("Police “crackdown”")})
                    + "\n", encoding="utf-8")
    [article] = list(read_path(path, Limits()))
    assert isinstance(article, Article)
    assert article.text == clean and article.title == "Police “crackdown”"
    assert any("mojibake" in w for w in article.warnings)


def test_mojibake_paragraph_gives_clean_text_and_the_same_events(pipeline: Pipeline) -> None:
    for text in PARAGRAPHS[:4]:
        clean = pipeline(Article(id="c", text=text, published="2024-06-01"))
        curly = text.replace("'", "’")
        repaired = pipeline(make_article("m", _mojibake(curly), Limits(), published="2024-06-01"))
        assert repaired.text == curly
        _spans_are_true(repaired)
        assert _profile(repaired) == _profile(clean)


# -- lower case --------------------------------------------------------------------------------------------

REGIONAL = ("police arrested 23 people after a mob set fire to two shops in the old city area of meerut on "
            "saturday. “the situation is under control,” said superintendent of police anil kumar. crpf "
            "personnel were deployed and prohibitory orders were imposed. two policemen were injured when "
            "protesters pelted stones, officials said. police fired tear gas shells to disperse the crowd near "
            "the bus stand.")


def test_lower_case_regional_report_with_mojibake(pipeline: Pipeline) -> None:
    article = pipeline(make_article("meerut.txt", _mojibake(REGIONAL), Limits(), published="2023-04-02"))
    assert article.text == REGIONAL
    _spans_are_true(article)
    by_text = {m.text: a for a in article.actors for m in a.mentions}
    assert by_text["police"].sector == "COP" and by_text["two policemen"].sector == "COP"
    assert (by_text["crpf"].kb_id, by_text["crpf"].country, by_text["crpf"].sector) == ("org:crpf", "IND", "COP")
    assert by_text["anil kumar"].kind == "person" and by_text["anil kumar"].sector == "COP"
    assert by_text["meerut"].kind == "location"
    assert by_text["protesters"].sector == "CVL"
    police_acts = {e.event for e in article.events if any(p.sector == "COP" for p in e.actor)}
    assert "COERCE" in police_acts  # "police arrested 23 people"


def test_mostly_lower() -> None:
    assert mostly_lower(PARAGRAPHS[0].lower())
    assert not mostly_lower(PARAGRAPHS[0])
    assert not mostly_lower("")
    # Cased text with long sentences and no names has few capitals, but its sentences start with one.
    plain = ("The committee, which had been meeting for several weeks to discuss the budget and the various "
             "proposals that had been put forward by the members of the assembly over the course of the year, "
             "decided that it would be better to wait. It said the decision would be taken after the holidays, "
             "when all of the members would be back and able to vote on the proposal together.")
    assert not mostly_lower(plain) and mostly_lower(plain.lower())


def test_case_restoration_changes_only_case(nlp: Language) -> None:
    restore = restorer(nlp).restore
    for text in PARAGRAPHS:
        lower = text.lower()
        restored = restore(lower)
        assert len(restored) == len(lower) and restored.lower() == lower
    restored = restore("the un human rights chief, volker turk, said the us and iran must talk. prime minister "
                       "narendra modi met french president emmanuel macron in new delhi, police spokesman "
                       "mohammed shehu said.")
    for name in ("The UN", "Volker Turk", "the US and Iran", "Prime minister Narendra Modi", "French president",
                 "Emmanuel Macron", "New Delhi", "Mohammed Shehu"):
        assert name in restored
    assert "told us" in restore("the minister told us that the talks in baghdad had failed, officials said today.")
    restored = restore("houthis fire missiles at a ship in the red sea as us deploys more warships, spokesman "
                       "yahya saree said, and hapag-lloyd paused transits through the suez canal on monday.")
    for name in ("Red Sea", "as US deploys", "Yahya Saree", "Hapag-Lloyd", "Suez Canal", "Monday"):
        assert name in restored


def test_lower_case_dateline_gives_its_outlet(pipeline: Pipeline) -> None:
    text = ("baghdad, may 14, 2018 (al-rafidain news, translated) — iraqi and turkish officials met in baghdad on "
            "monday to discuss water sharing from the tigris and euphrates rivers, the ministry said.")
    article = pipeline(Article(id="d", text=text, published="2018-05-14"))
    outlet = next((a for a in article.actors if any(m.text == "al-rafidain news" for m in a.mentions)), None)
    assert outlet is not None and outlet.sector == "JRN"


def test_cased_text_is_not_touched(nlp: Language) -> None:
    assert restorer(nlp).restore(PARAGRAPHS[2]) == PARAGRAPHS[2]


def test_a_lower_case_paragraph_in_a_cased_article_is_restored(nlp: Language) -> None:
    text = "Clashes in Kenya\n\n" + PARAGRAPHS[3].lower()
    restored = restorer(nlp).restore(text)
    assert restored.startswith("Clashes in Kenya\n\nKenyan police") and "Nairobi" in restored


def test_a_headline_in_capitals_is_restored(nlp: Language) -> None:
    text = "POLICE ARREST 14 PROTESTERS IN LAHORE AFTER CLASHES\n\n" + PARAGRAPHS[0]
    restored = restorer(nlp).restore(text)
    assert restored.startswith("Police arrest 14 protesters in Lahore after clashes\n\nPolice arrested")
    [doc] = parse_many(nlp, [text])
    assert doc.text == text and ("LAHORE", "GPE") in {(ent.text, ent.label_) for ent in doc.ents}


def test_lower_case_parse_keeps_the_original_text(nlp: Language) -> None:
    lower = PARAGRAPHS[1].lower()
    [doc] = parse_many(nlp, [lower])
    assert doc.text == lower
    assert doc.user_data[CASED_TEXT].startswith("Gunmen killed")
    assert {"zamfara", "nigeria's zamfara", "nigeria"} & {ent.text for ent in doc.ents}
    assert all(lower[t.idx:t.idx + len(t.text)] == t.text for t in doc)
    assert any(t.pos_ == "PROPN" for t in doc)  # the tagger saw the restored names


@pytest.mark.parametrize("index", range(len(PARAGRAPHS)))
def test_lower_case_paragraph_gives_the_actors_and_events_of_the_cased_one(pipeline: Pipeline, index: int) -> None:
    text = PARAGRAPHS[index]
    cased = pipeline(Article(id="c", text=text, published="2024-06-01"))
    lower = pipeline(Article(id="l", text=text.lower(), published="2024-06-01"))
    _spans_are_true(lower)
    cased_actors, cased_events = _profile(cased)
    lower_actors, lower_events = _profile(lower)
    actors, events = EXPECTED[index]
    assert actors <= lower_actors, f"missing in lower case: {actors - lower_actors}"
    assert events <= lower_events, f"missing in lower case: {events - lower_events}"
    # Small differences are allowed; most of what the cased text gives must be there.
    assert len(cased_actors & lower_actors) >= 0.8 * len(cased_actors)
    assert len(cased_events & lower_events) >= 0.8 * len(cased_events)


def test_lower_case_article_keeps_its_dateline_place_and_generic_institutions(pipeline: Pipeline) -> None:
    text = ("manila, aug 19 (wire) - china and the philippines traded accusations after their ships collided. "
            "philippine president ferdinand marcos jr. summoned his national security council, and us central "
            "command said it was watching. the ships had to resupply troops.")
    article = pipeline(Article(id="m", text=text, published="2024-08-19"))
    by_text = {m.text: a for a in article.actors for m in a.mentions}
    assert by_text["manila"].kind == "location"  # a dateline, not the government
    assert by_text["us central command"].country == "USA"
    assert all(a.country != "USA" for m, a in by_text.items() if "national security council" in m)
    assert "resupply" not in by_text


def test_canonical_article_in_lower_case(pipeline: Pipeline, iraq: Article, iraq_raw: Article) -> None:
    lower = pipeline(Article(id="lower", text=iraq_raw.text.lower(), published=iraq_raw.published))
    _spans_are_true(lower)

    def resolved(article: Article) -> set[tuple[str | None, str | None, str | None]]:
        return {(a.kb_id, a.country, a.sector) for a in article.actors if a.kb_id}

    assert {"person:jim-mattis", "person:haider-al-abadi", "person:james-jeffrey"} <= {k for k, _, _ in
                                                                                      resolved(lower)}
    assert len(resolved(iraq) & resolved(lower)) >= 0.9 * len(resolved(iraq))
    cased_events, lower_events = {e.event for e in iraq.events}, {e.event for e in lower.events}
    assert len(cased_events & lower_events) >= 0.8 * len(cased_events)
