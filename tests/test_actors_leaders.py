"""Leaders by surname alone, leader-named governments, misspelt countries, nationality-word groups,
"it"/"its", international bodies, and the coder's use of them (short sentences written for the tests)."""

from __future__ import annotations

import pytest

from eventwire.actors import ActorStage
from eventwire.actors.agents import load_agents
from eventwire.actors.kb import Entity, KnowledgeBase, Tenure, load_kb
from eventwire.actors.resolve import Resolver
from eventwire.model import Article
from eventwire.pipeline import Pipeline
from support.actors import actor_of as _actor_of

PERSON = ("person",)


@pytest.fixture(scope="module")
def kb() -> KnowledgeBase:
    return load_kb()


@pytest.fixture(scope="module")
def resolver(kb: KnowledgeBase) -> Resolver:
    return Resolver(kb, load_agents())


def _leader(eid: str, name: str, start: str, end: str | None) -> Entity:
    return Entity(eid, name, "person", "XYZ", "GOV", None, [],
                  [Tenure("President of Testland", "GOV", "XYZ", start, end)], "people.tsv")


def _run(pipeline: Pipeline, text: str, published: str | None = None) -> Article:
    return pipeline(Article(id="t", text=text, published=published))


# -- surname alone -----------------------------------------------------------------------------------

def test_lone_surname_resolves_to_the_only_namesake_in_office(resolver: Resolver) -> None:
    result = resolver.resolve("Yeltsin", PERSON, "1996-05-01")
    assert result.entity is not None and result.entity.id == "person:boris-yeltsin"
    assert result.method == "surname" and result.confidence == 0.6


def test_lone_surname_out_of_office_stays_unresolved(resolver: Resolver) -> None:
    assert resolver.resolve("Yeltsin", PERSON, "2005-01-01").entity is None


def test_lone_surname_picks_the_namesake_in_office_on_the_date(resolver: Resolver) -> None:
    assert resolver.resolve("Kabila", PERSON, "1998-01-01").entity.id == "person:laurent-desire-kabila"  # type: ignore[union-attr]
    assert resolver.resolve("Kabila", PERSON, "2010-01-01").entity.id == "person:joseph-kabila"  # type: ignore[union-attr]


def test_lone_surname_with_a_contradicting_role_stays_unresolved(resolver: Resolver) -> None:
    assert resolver.resolve("Yeltsin", PERSON, "1996-05-01", "foreign-minister").entity is None


def test_lone_surname_shared_by_two_people_in_office_stays_unresolved() -> None:
    kb = load_kb()
    kb.add(_leader("person:ann-quillfeather", "Ann Quillfeather", "2001-01-01", "2004-12-31"))
    kb.add(_leader("person:bob-quillfeather", "Bob Quillfeather", "2003-01-01", "2006-12-31"))
    resolver = Resolver(kb, load_agents())
    assert resolver.resolve("Quillfeather", PERSON, "2002-06-01").entity.id == "person:ann-quillfeather"  # type: ignore[union-attr]
    assert resolver.resolve("Quillfeather", PERSON, "2003-06-01").entity is None
    assert resolver.resolve("Quillfeather", PERSON).entity is None  # no date: not unique in the KB


def test_lone_surname_without_date_must_be_unique_and_long_enough() -> None:
    kb = load_kb()
    kb.add(_leader("person:cyd-zarnowitz", "Cyd Zarnowitz", "2001-01-01", "2004-12-31"))
    kb.add(_leader("person:dee-oxu", "Dee Oxu", "2001-01-01", "2004-12-31"))
    resolver = Resolver(kb, load_agents())
    assert resolver.resolve("Zarnowitz", PERSON).entity.id == "person:cyd-zarnowitz"  # type: ignore[union-attr]
    assert resolver.resolve("Oxu", PERSON, "2002-01-01").entity is None  # too short to stand alone


def test_lone_surname_in_an_article(pipeline: Pipeline) -> None:
    article = _run(pipeline, "On Monday, Yeltsin met the president of Armenia.", "1996-05-01")
    yeltsin = _actor_of(article, "Yeltsin")
    assert yeltsin is not None and yeltsin.kb_id == "person:boris-yeltsin" and yeltsin.country == "RUS"
    # "the president of Armenia" is not Yeltsin: the "of" phrase names another country.
    president = _actor_of(article, "president")
    assert president is not None and president is not yeltsin and president.country == "ARM"


# -- a leader's government -----------------------------------------------------------------------------

def test_leader_administration_is_the_country_government(pipeline: Pipeline) -> None:
    article = _run(pipeline, "The Clinton administration imposed new sanctions on Iraq.", "1998-03-01")
    actor = _actor_of(article, "Clinton administration")
    assert actor is not None and actor.kind == "country" and actor.country == "USA" and actor.sector == "GOV"
    [event] = [e for e in article.events if e.event == "SANCTION"]
    assert [p.code for p in event.actor] == ["USA"]


def test_leader_government_needs_no_date_when_all_namesakes_led_one_country(pipeline: Pipeline) -> None:
    article = _run(pipeline, "The Bush administration rejected the treaty.")
    actor = _actor_of(article, "Bush administration")
    assert actor is not None and actor.country == "USA" and actor.sector == "GOV"
    article = _run(pipeline, "The Putin government rejected the plan.")
    actor = _actor_of(article, "Putin government")
    assert actor is not None and actor.country == "RUS"


# -- misspelt countries -------------------------------------------------------------------------------

def test_fuzzy_country_matches_one_typo_within_the_first_letter_block(kb: KnowledgeBase) -> None:
    assert kb.fuzzy_country("Ethopia") == ("ETH", "alias")
    assert kb.fuzzy_country("Afganistan") == ("AFG", "alias")
    assert kb.fuzzy_country("Venezuala") == ("VEN", "alias")
    assert kb.fuzzy_country("Ukranian") == ("UKR", "demonym")
    assert kb.fuzzy_country("Prussia") is None  # one edit from Russia, but another first letter
    assert kb.fuzzy_country("Ethiopia") is None  # exact names are not fuzzy matches
    assert kb.fuzzy_country("Malli") is None  # too short
    assert kb.fuzzy_country("Etiopa") is None  # two edits in a 6-letter word


def test_misspelt_country_in_an_article(pipeline: Pipeline) -> None:
    article = _run(pipeline, "Ethopia has agreed to reopen its border with Eritrea.")
    actor = _actor_of(article, "Ethopia")
    assert actor is not None and actor.country == "ETH" and actor.kind == "country"
    assert [p.code for e in article.events for p in e.actor] == ["ETH"]


def test_a_real_place_is_not_a_misspelt_country(pipeline: Pipeline) -> None:
    article = _run(pipeline, "Officials in Indiana said the bridge would reopen.")
    actor = _actor_of(article, "Indiana")
    assert actor is None or actor.country != "IND"


# -- groups named by nationality words -------------------------------------------------------------

def test_nationality_words_make_a_group_of_the_first_country(pipeline: Pipeline) -> None:
    article = _run(pipeline, "Bosnian Croats demanded a ceasefire on Friday.")
    actor = _actor_of(article, "Bosnian Croats")
    assert actor is not None and actor.kind == "group" and actor.country == "BIH"
    assert [p.code for e in article.events for p in e.actor] == ["BIH"]


# -- it / its -------------------------------------------------------------------------------------------

def test_it_joins_the_organisation_not_an_expletive(pipeline: Pipeline) -> None:
    article = _run(pipeline, "The company said it would close its plant. It is likely that prices will rise.")
    company = _actor_of(article, "company")
    assert company is not None
    assert _actor_of(article, "it") is company
    assert _actor_of(article, "It") is None


# -- international bodies ----------------------------------------------------------------------------

def test_ngos_and_igos_have_their_own_codes(resolver: Resolver) -> None:
    orgs = ("organization", "group")
    for name in ("Red Cross", "Amnesty International", "Human Rights Watch", "Doctors Without Borders"):
        entity = resolver.resolve(name, orgs).entity
        assert entity is not None and entity.country is not None and entity.country.startswith("NGO"), name
    for name in ("International Labour Office", "UNHCR", "European Community", "Organization of African Unity"):
        entity = resolver.resolve(name, orgs).entity
        assert entity is not None and entity.country is not None and entity.country.startswith("IGO"), name


# -- the coder with these actors -------------------------------------------------------------------------

def test_a_country_keeps_its_code_whatever_its_appositive_says(pipeline: Pipeline) -> None:
    article = _run(pipeline, "Pakistan, a close U.S. ally, has refused to send troops to Iraq.")
    [event] = [e for e in article.events if e.event == "REJECT"]
    assert [p.code for p in event.actor] == ["PAK"]


def test_a_noun_rooted_sentence_takes_its_participle_as_the_verb(pipeline: Pipeline) -> None:
    # The tagger parses "newspaper" as the root and "called" as a participle modifying it.
    text = "An official Egyptian newspaper called Monday on Arabs to boycott Israeli goods."
    article = _run(pipeline, text)
    assert pipeline.nlp(text)[4].dep_ == "acl"
    [event] = [e for e in article.events if e.trigger.text.startswith("called")]
    assert [p.code for p in event.actor] == ["EGY"]


def test_a_title_in_the_text_beats_the_kb_dates(pipeline: Pipeline) -> None:
    # Out of office on the publication date by the KB, but the text calls him president: not a former official.
    article = _run(pipeline, "Russian President Boris Yeltsin met Chinese leaders on Monday.", "2003-05-01")
    yeltsin = _actor_of(article, "Boris Yeltsin")
    assert yeltsin is not None and yeltsin.kb_id == "person:boris-yeltsin" and yeltsin.sector == "GOV"
    article = _run(pipeline, "Boris Yeltsin met Chinese leaders on Monday.", "2003-05-01")
    yeltsin = _actor_of(article, "Boris Yeltsin")
    assert yeltsin is not None and yeltsin.sector == "ELI"


def test_a_kb_surname_is_not_a_misspelt_country() -> None:
    kb = load_kb()
    kb.add(_leader("person:eve-hollande", "Eve Hollande", "2001-01-01", None))
    assert kb.fuzzy_country("Hollande") is None


def test_historical_country_names_and_demonyms(pipeline: Pipeline) -> None:
    article = _run(pipeline, "Kampuchean guerrillas attacked a West German convoy near the border.")
    assert _actor_of(article, "Kampuchean").country == "KHM"  # type: ignore[union-attr]
    assert _actor_of(article, "West German").country == "DEU"  # type: ignore[union-attr]


def test_a_people_named_by_demonym_is_not_the_government(pipeline: Pipeline) -> None:
    article = _run(pipeline, "Turks protested outside the embassy. Bulgaria rejected the demand.")
    turks = _actor_of(article, "Turks")
    assert turks is not None and turks.country == "TUR" and turks.sector != "GOV"
    bulgaria = _actor_of(article, "Bulgaria")
    assert bulgaria is not None and bulgaria.sector == "GOV"


def test_leader_possessive_and_org_tagged_names_are_governments_too(pipeline: Pipeline) -> None:
    article = _run(pipeline, "Yeltsin's government rejected the demand.", "1995-01-01")
    actor = _actor_of(article, "government")
    assert actor is not None and actor.country == "RUS" and actor.sector == "GOV"
    article = _run(pipeline, "The Trump administration withdrew from the deal.", "2018-05-08")
    actor = _actor_of(article, "administration")
    assert actor is not None and actor.country == "USA" and actor.sector == "GOV"


def test_a_name_shared_by_leaders_of_two_countries_is_not_a_government(nlp) -> None:  # type: ignore[no-untyped-def]
    kb = load_kb()
    kb.add(Entity("person:fay-ostrander", "Fay Ostrander", "person", "AAA", "GOV", None, [],
                  [Tenure("President of Aland", "GOV", "AAA", "2001-01-01", "2004-12-31")], "people.tsv"))
    kb.add(Entity("person:gus-ostrander", "Gus Ostrander", "person", "BBB", "GOV", None, [],
                  [Tenure("Prime Minister of Bland", "GOV", "BBB", "2001-01-01", "2004-12-31")], "people.tsv"))
    stage = ActorStage(kb)
    article = Article(id="t", text="The Ostrander administration rejected the plan.", published="2002-01-01")
    stage(article, nlp(article.text))
    actor = _actor_of(article, "Ostrander")
    assert actor is None or actor.kind != "country"
