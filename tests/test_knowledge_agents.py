"""The shared agent-noun table (knowledge/data/agent_nouns.tsv): it parses, each phrase once, every sector a
code its header defines, and the actors stage, the event coder's fallback and the quote stage read the same
sector or speaker class for the same noun."""

from __future__ import annotations

from pathlib import Path

import pytest

from eventwire.actors.agents import load_agents
from eventwire.actors.importers import import_file
from eventwire.config import PipelineConfig
from eventwire.errors import DictionaryFormatError
from eventwire.events.lexicon import QUANT
from eventwire.events.lexicon import load_lexicon as load_event_lexicon
from eventwire.knowledge.agents import (
    AGENT_NOUNS,
    AgentNoun,
    agent_nouns,
    load_agent_nouns,
    read_agent_nouns,
)
from eventwire.knowledge.sectors import header_sectors, sector_codes
from eventwire.model import Actor, Article, Event
from eventwire.pipeline import Pipeline
from eventwire.quotes.lexicon import load_lexicon as load_quote_lexicon

PUBLISHED = "2024-05-01"
HEADER = "#   GOV  government\n#   REB  rebels\nphrase\tsector\ttype\trole\ttitle\tparty\tspeaker\n"


def test_the_table_parses_once_with_every_column() -> None:
    table = agent_nouns()
    assert table is agent_nouns()  # one parse per process
    assert len(table) > 600
    assert table.get("Official") == AgentNoun("official", "GOV", "person", "official", False, True, "source")
    assert table.get("defense  secretary") == AgentNoun("defense secretary", "GOV", "person", "defence-minister",
                                                        True, False, None)
    # A document noun has a speaker class and no sector; a quantity word is no agent noun at all.
    assert table.get("statement") == AgentNoun("statement", None, None, None, False, False, "document")
    assert table.get("thousands") is None


def test_no_phrase_is_listed_twice(tmp_path: Path) -> None:
    rows, errors = read_agent_nouns(AGENT_NOUNS)
    assert errors == []
    phrases = [row.phrase for row in rows]
    assert len(phrases) == len(set(phrases)) == len(agent_nouns())
    twice = tmp_path / "agent_nouns.tsv"
    twice.write_text(HEADER + "rebel\tREB\tgroup\t-\tno\tyes\t-\nRebel\tREB\tgroup\t-\tno\tyes\t-\n", encoding="utf-8")
    with pytest.raises(DictionaryFormatError, match="already listed on line 4"):
        load_agent_nouns(twice)


def test_every_sector_is_a_code_the_header_defines(tmp_path: Path) -> None:
    codes = header_sectors(AGENT_NOUNS)
    assert {"GOV", "MIL", "REB", "UAF", "COP", "CVL", "OPP", "REF", "CRM", "JRN", "MED"} <= codes
    assert "HLH" not in codes  # PLOVER renamed CAMEO's HLH (health) to MED
    assert codes <= sector_codes().plover  # every code of the table is a PLOVER sector (knowledge/data/sectors.tsv)
    assert {row.sector for row in agent_nouns() if row.sector} <= codes
    assert agent_nouns().sectors == codes
    unknown = tmp_path / "agent_nouns.tsv"
    unknown.write_text(HEADER + "rebel\tXYZ\tgroup\t-\tno\tyes\t-\n", encoding="utf-8")
    with pytest.raises(DictionaryFormatError, match="'XYZ' is not a code"):
        load_agent_nouns(unknown)
    several_words = tmp_path / "several.tsv"
    several_words.write_text(HEADER + "rebel army\tREB\tgroup\t-\tno\tyes\t-\n", encoding="utf-8")
    with pytest.raises(DictionaryFormatError, match="a party noun is one word"):
        load_agent_nouns(several_words)


@pytest.mark.parametrize(("noun", "sector"), [
    ("militant", "REB"), ("terrorist", "REB"), ("jihadist", "REB"), ("insurgent", "REB"),
    ("fighter", "UAF"), ("militia", "UAF"), ("militiamen", "UAF"), ("gunman", "UAF"),
    ("protester", "CVL"), ("demonstrator", "CVL"), ("rioter", "CVL"), ("dissident", "OPP"),
    ("adviser", "GOV"), ("military adviser", "MIL"), ("trooper", "MIL"), ("state trooper", "COP"),
    ("kidnapper", "CRM"), ("migrant", "CVL"), ("refugee", "REF"),
    ("newspaper", "JRN"), ("journalist", "JRN"), ("doctor", "MED"), ("hospital", "MED"),
    ("paramilitary", "PRM"), ("charity", "SOC"), ("rights group", "SOC"), ("human rights activist", "CVL"),
])
def test_the_sector_decisions_of_the_header(noun: str, sector: str) -> None:
    row = agent_nouns().get(noun)
    assert row is not None and row.sector == sector


def test_each_stage_reads_the_same_rows() -> None:
    actors = load_agents()
    events = load_event_lexicon().agents
    quotes = load_quote_lexicon().nouns
    for row in agent_nouns():
        agent = actors.get(row.phrase)
        assert (agent is None) == (row.type is None), row
        assert agent is None or (agent.sector, agent.type, agent.role, agent.title) == (row.sector, row.type,
                                                                                        row.role, row.title), row
        # A noun that is no party may be one of the event coder's quantity words ("members of").
        assert events.get(row.phrase) in ((row.sector,) if row.party else (None, QUANT)), row
        assert quotes.get(row.phrase) == (row.speaker if row.one_word else None), row
    assert {sector for phrase, sector in events.items() if not getattr(agent_nouns().get(phrase), "party", False)} \
        == {QUANT}
    assert events["thousands"] == events["member"] == QUANT  # events/data/grammar.tsv
    assert events["militant"] == "REB" and "justice" not in events  # a title whose bare use names no actor


@pytest.fixture(scope="module")
def rules(nlp) -> Pipeline:  # type: ignore[no-untyped-def]
    return Pipeline(PipelineConfig(event_model=False), nlp=nlp)


@pytest.fixture(scope="module")
def without_actors(nlp) -> Pipeline:  # type: ignore[no-untyped-def]
    """The event coder's fallback alone: no actor covers any noun."""
    return Pipeline(PipelineConfig(event_model=False, disabled=("actors",)), nlp=nlp)


def _actor_named(article: Article, text: str) -> Actor:
    return next(a for a in article.actors if any(article.text[m.start:m.end] == text for m in a.mentions))


def _event_by(article: Article, text: str) -> Event:
    return next(e for e in article.events if any(p.text == text for p in e.actor))


@pytest.mark.parametrize(("text", "phrase", "noun"), [
    ("Militants attacked a checkpoint near the border.", "Militants", "militant"),
    ("Fighters attacked an army post.", "Fighters", "fighter"),
    ("Militiamen attacked the village.", "Militiamen", "militiaman"),
    ("Protesters blocked the main highway.", "Protesters", "protester"),
    ("Kidnappers abducted two engineers.", "Kidnappers", "kidnapper"),
    ("Troopers fired on the crowd.", "Troopers", "trooper"),
    ("Migrants stormed the border fence.", "Migrants", "migrant"),
    ("Doctors went on strike.", "Doctors", "doctor"),
])
def test_actor_and_event_party_take_the_tables_sector(rules: Pipeline, without_actors: Pipeline, text: str,
                                                      phrase: str, noun: str) -> None:
    row = agent_nouns().get(noun)
    assert row is not None
    sector = row.sector
    article = rules(Article(id="t", text=text, published=PUBLISHED))
    actor = _actor_named(article, phrase)
    party = next(p for p in _event_by(article, phrase).actor if p.text == phrase)
    assert (actor.sector, party.sector, party.actor) == (sector, sector, actor.id)
    fallback = without_actors(Article(id="t", text=text, published=PUBLISHED))
    party = next(p for p in _event_by(fallback, phrase).actor if p.text == phrase)
    assert (party.actor, party.sector) == (None, sector)


def test_the_actors_stage_spells_news_media_and_health_as_plover_does(rules: Pipeline) -> None:
    # Named outlets (the knowledge base, the dateline) and news-organisation nouns are all JRN, so "The US
    # newspaper" is still USA Today; health is MED, and no actor is CAMEO's HLH.
    article = rules(Article(id="t", text="USA Today reported the talks had failed. The US newspaper said Iraq "
                                         "would object. Doctors said 12 people were hurt.",
                            published=PUBLISHED))
    outlet = _actor_named(article, "USA Today")
    assert outlet.sector == "JRN" and _actor_named(article, "The US newspaper") is outlet
    assert _actor_named(article, "Doctors").sector == "MED"
    assert not {a.sector for a in article.actors} & {"HLH", "NGO", "HRI"}
    dateline = rules(Article(id="t", text="BAGHDAD (Al-Rafidain News) — Gunmen attacked a checkpoint.",
                             published=PUBLISHED))
    assert _actor_named(dateline, "Al-Rafidain News").sector == "JRN"


def test_speaker_classes_come_from_the_table(rules: Pipeline) -> None:
    assert agent_nouns().get("official").speaker == "source"  # type: ignore[union-attr]
    assert agent_nouns().get("protester").speaker == "speaker"  # type: ignore[union-attr]
    anonymous = rules(Article(id="t", text='"The talks have failed," an official said.', published=PUBLISHED))
    [quote] = anonymous.quotes
    assert quote.anonymous and quote.speaker_text == "an official"
    named = rules(Article(id="t", text='"We will keep marching," a protester said.', published=PUBLISHED))
    [quote] = named.quotes
    speaker = next(a for a in named.actors if a.id == quote.speaker)
    assert not quote.anonymous and speaker.sector == agent_nouns().get("protester").sector  # type: ignore[union-attr]
    document = rules(Article(id="t", text="A statement said the talks had failed.", published=PUBLISHED))
    [quote] = document.quotes
    assert quote.speaker_text == "A statement" and quote.speaker is None


def test_a_user_dictionary_written_by_the_importer_still_loads(tmp_path: Path) -> None:
    dictionary = tmp_path / "mini.agents.txt"
    dictionary.write_text("WARLORD_ [~UAF]\nGENERAL_ [~MIL]\nPOLLSTER_ [~BUS]\n", encoding="utf-8")
    report = import_file(dictionary, "petrarch", tmp_path / "kb")
    [written] = (tmp_path / "kb").glob("agents-*.tsv")
    assert "agent_nouns.tsv" in written.read_text(encoding="utf-8")  # its header names the format
    rows, errors = read_agent_nouns(written)
    found = {r.phrase: (r.sector, r.type, r.party, r.speaker) for r in rows}
    assert errors == [] and report.agents == len(rows) and "general" not in found  # the shipped entry stays
    assert found["warlord"] == ("UAF", "person", False, None) and found["pollsters"] == ("BUS", "group", False, None)
    table = load_agents([tmp_path / "kb"])
    assert table.get("warlord").sector == "UAF"  # type: ignore[union-attr]
    assert table.get("general").sector == "MIL" and table.get("general").role == "military-commander"  # type: ignore[union-attr]
    # A user dictionary feeds the actors stage only: the shared table and the other stages are unchanged.
    assert agent_nouns().get("warlord") is None and "warlord" not in load_event_lexicon().agents
