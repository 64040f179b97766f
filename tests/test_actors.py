"""The actor stage on the canonical article (../shared, published 2017-12-20) and on short texts."""

from __future__ import annotations

import itertools

import pytest

from eventwire.actors import ActorStage, actor_for_token_span
from eventwire.model import Actor, Article
from eventwire.pipeline import Pipeline
from support.actors import actor_of as _actor_of


def _by_name(article: Article, name: str) -> Actor:
    found = [a for a in article.actors if a.name == name]
    assert found, f"no actor named {name!r} in {[a.name for a in article.actors]}"
    return found[0]


def _run(pipeline: Pipeline, text: str, published: str | None = "2017-12-20") -> Article:
    return pipeline(Article(id="t", text=text, published=published))


# -- the canonical article ------------------------------------------------------------------------

def test_mentions_slice_the_text_and_ids_follow_first_mention(iraq: Article) -> None:
    assert iraq.actors
    firsts = []
    seen: list[tuple[int, int]] = []
    for n, actor in enumerate(iraq.actors, 1):
        assert actor.id == f"a{n}"
        for mention in actor.mentions:
            assert iraq.text[mention.start:mention.end] == mention.text
            seen.append((mention.start, mention.end))
        firsts.append(min(m.start for m in actor.mentions))
    assert firsts == sorted(firsts)
    # every stretch of text is a mention of one actor only
    seen.sort()
    assert all(a[1] <= b[0] for a, b in itertools.pairwise(seen))


def test_every_actor_carries_the_contract_fields(iraq: Article) -> None:
    for actor in iraq.actors:
        assert actor.kind in ("person", "organization", "country", "group", "location")
        assert 0.0 <= actor.confidence <= 1.0
        assert isinstance(actor.anonymous, bool)


def test_jim_mats_resolves_to_jim_mattis(iraq: Article) -> None:
    actor = _actor_of(iraq, "Jim Mats")
    assert actor is not None
    assert (actor.name, actor.kb_id, actor.country, actor.sector, actor.kind) == (
        "Jim Mattis", "person:jim-mattis", "USA", "GOV", "person")
    assert actor.role == "US Defense Secretary"


def test_haider_al_abbadi_resolves_to_haider_al_abadi(iraq: Article) -> None:
    actor = _actor_of(iraq, "Haider al-Abbadi")
    assert actor is not None
    assert (actor.name, actor.kb_id, actor.country, actor.sector) == (
        "Haider al-Abadi", "person:haider-al-abadi", "IRQ", "GOV")
    assert actor.role == "Prime Minister"


def test_james_jeffrey_is_a_former_official_with_his_appositive_role(iraq: Article) -> None:
    actor = _by_name(iraq, "James Jeffrey")
    assert (actor.country, actor.sector, actor.kb_id) == ("USA", "ELI", "person:james-jeffrey")
    assert actor.role == "former US ambassador to Iraq"
    texts = [m.text for m in actor.mentions]
    assert texts.count("Jeffrey") == 3 and "James Jeffrey" in texts
    # "He pointed out ..." follows the sentence about Jeffrey
    assert "He" in texts


def test_general_paul_funk_is_us_military(iraq: Article) -> None:
    actor = _by_name(iraq, "Paul Funk")
    assert (actor.country, actor.sector, actor.role) == ("USA", "MIL", "General")


def test_capitals_stand_for_governments(iraq: Article) -> None:
    washington = _actor_of(iraq, "Washington")
    baghdad = _actor_of(iraq, "Baghdad")
    assert washington is not None and baghdad is not None
    assert (washington.kind, washington.country, washington.sector) == ("country", "USA", "GOV")
    assert (baghdad.kind, baghdad.country, baghdad.sector) == ("country", "IRQ", "GOV")
    # "The United States and Iraq have ..." are the same two actors
    assert _actor_of(iraq, "United States") is washington
    assert _actor_of(iraq, "Iraq", 1) is baghdad


def test_anonymous_us_officials(iraq: Article) -> None:
    actor = _actor_of(iraq, "US officials")
    assert actor is not None
    assert actor.anonymous and actor.country == "USA" and actor.sector == "GOV" and actor.kind == "group"
    texts = [m.text for m in actor.mentions]
    assert "The two officials" in texts  # the definite description refers back
    assert "they" in texts  # "because they were not authorized"


def test_described_groups_get_country_and_sector(iraq: Article) -> None:
    militants = _actor_of(iraq, "armed militants")
    assert militants is not None and militants.sector == "REB" and militants.country is None
    assert not militants.anonymous
    gunmen = _actor_of(iraq, "gunmen")
    assert gunmen is not None and gunmen.sector == "UAF"
    iraqi_forces = _actor_of(iraq, "Iraqi forces")
    assert iraqi_forces is not None and (iraqi_forces.country, iraqi_forces.sector) == ("IRQ", "MIL")
    # "US-backed Iraqi forces": the backer does not make them American, and is no actor of its own there
    backed = _actor_of(iraq, "Iraqi forces", 1)
    assert backed is iraqi_forces
    assert _actor_of(iraq, "US-backed") is iraqi_forces
    assert "US-backed Iraqi forces" in [m.text for m in iraqi_forces.mentions]


def test_the_iraqi_government_is_the_iraqi_state(iraq: Article) -> None:
    assert _actor_of(iraq, "Iraqi government") is _actor_of(iraq, "Baghdad")


def test_media_and_think_tanks_are_resolved(iraq: Article) -> None:
    usa_today = _actor_of(iraq, "USA Today")
    assert usa_today is not None and (usa_today.kb_id, usa_today.sector, usa_today.country) == (
        "org:usa-today", "JRN", "USA")
    assert _actor_of(iraq, "US newspaper") is usa_today
    institute = _actor_of(iraq, "Washington Institute for Near East Policy")
    assert institute is not None and institute.kb_id == "org:washington-institute" and institute.sector == "EDU"


def test_actor_for_token_span_prefers_the_longest_overlap(iraq: Article) -> None:
    start = iraq.text.index("Jim Mats")
    assert actor_for_token_span(iraq, start + 4, start + 8) is _actor_of(iraq, "Jim Mats")
    assert actor_for_token_span(iraq, 0, 0) is None


# -- short texts: coreference, descriptions, appositives ------------------------------------------

def test_title_only_reference_joins_the_person(pipeline: Pipeline) -> None:
    article = _run(pipeline, "Iraqi Foreign Minister Ibrahim al-Jaafari arrived in Ankara on Monday. "
                             "The minister said the talks would focus on water.", "2016-03-01")
    jaafari = _actor_of(article, "Ibrahim al-Jaafari")
    assert jaafari is not None and jaafari.kb_id == "person:ibrahim-al-jaafari"
    assert _actor_of(article, "The minister") is jaafari


def test_a_source_close_to_the_ministry_is_anonymous(pipeline: Pipeline) -> None:
    article = _run(pipeline, "A source close to the ministry said the deal was ready.")
    source = _actor_of(article, "source")
    assert source is not None and source.anonymous and source.kind == "person"
    assert any(m.text == "A source close to the ministry" for m in source.mentions)
    assert source.sector == "GOV"


def test_named_people_are_not_anonymous_and_former_officials_are_elites(pipeline: Pipeline) -> None:
    article = _run(pipeline, "Ali Hassan, a former Iraqi defence minister, said on Sunday that the army "
                             "was not ready.")
    ali = _actor_of(article, "Ali Hassan")
    assert ali is not None and not ali.anonymous
    assert (ali.country, ali.sector, ali.kb_id) == ("IRQ", "ELI", None)
    assert ali.role == "former Iraqi defence minister"


def test_pronouns_outside_quotes_join_the_nearest_person(pipeline: Pipeline) -> None:
    article = _run(pipeline, "Prime Minister Nouri al-Maliki met tribal leaders in Ramadi. He promised "
                             "more money. \"He will not stay long,\" a police officer said.", "2013-01-10")
    maliki = _actor_of(article, "Nouri al-Maliki")
    assert maliki is not None and maliki.kb_id == "person:nouri-al-maliki"
    he = article.text.index("He promised")
    assert actor_for_token_span(article, he, he + 2) is maliki
    quoted = article.text.index("He will")
    assert actor_for_token_span(article, quoted, quoted + 2) is None


def test_kb_names_missed_by_the_tagger_are_found(pipeline: Pipeline) -> None:
    article = _run(pipeline, "Fighters of Daesh attacked a checkpoint near Kirkuk, and Hezbollah denied any role.")
    daesh = _actor_of(article, "Daesh")
    assert daesh is not None and daesh.kb_id == "group:islamic-state" and daesh.country == "IMGMUSISI"
    hezbollah = _actor_of(article, "Hezbollah")
    assert hezbollah is not None and hezbollah.kb_id == "group:hezbollah" and hezbollah.country == "LBN"


def test_an_article_without_a_date_still_resolves_exact_names(pipeline: Pipeline) -> None:
    article = _run(pipeline, "Sergey Lavrov spoke with Antony Blinken by telephone.", None)
    lavrov = _actor_of(article, "Sergey Lavrov")
    assert lavrov is not None and lavrov.kb_id == "person:sergey-lavrov" and lavrov.country == "RUS"


def test_stage_on_empty_text_adds_nothing(pipeline: Pipeline) -> None:
    article = _run(pipeline, "")
    assert article.actors == [] and article.warnings == []


@pytest.mark.parametrize("text", ["\u201c\u201c\u201c", "he he he they", "The the the officials officials."])
def test_odd_texts_do_not_break_the_stage(pipeline: Pipeline, text: str) -> None:
    article = _run(pipeline, text)
    assert article.warnings == []
    for actor in article.actors:
        for mention in actor.mentions:
            assert article.text[mention.start:mention.end] == mention.text


def test_stage_from_config_reads_the_user_kb(tmp_path, nlp) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "local.jsonl").write_text(
        '{"id": "local:karimzadeh", "name": "Ahmed Karimzadeh", "kind": "person", "country": "AFG", '
        '"sector": "REB", "aliases": ["Ahmad Karimzada"], "tenures": []}\n', encoding="utf-8")
    from eventwire.pipeline import PipelineConfig

    stage = ActorStage.from_config(PipelineConfig(kb=str(tmp_path)))
    article = Article(id="z", text="The rebel commander Ahmad Karimzada said on Monday that his men had "
                                   "taken the valley.", published="2020-01-01")
    stage(article, nlp(article.text))
    commander = _actor_of(article, "Ahmad Karimzada")
    assert commander is not None and commander.kb_id == "local:karimzadeh" and commander.country == "AFG"


def test_dateline_outlet_is_a_media_actor(pipeline: Pipeline) -> None:
    known = _run(pipeline, "WASHINGTON (AP) — The Senate voted on Tuesday to approve the aid package.")
    ap = _actor_of(known, "AP")
    assert ap is not None and ap.kb_id == "org:associated-press" and ap.sector == "JRN"
    unknown = _run(pipeline, "KABUL, May 3, 2021 (Meridian News Agency) — Fighting resumed in the north.")
    outlet = _actor_of(unknown, "Meridian News Agency")
    assert outlet is not None and (outlet.kind, outlet.sector, outlet.kb_id) == ("organization", "JRN", None)
    kabul = _actor_of(unknown, "KABUL")
    assert kabul is not None and kabul.kind == "location" and kabul.country == "AFG"


def test_description_before_a_name_gives_role_and_affiliation(pipeline: Pipeline) -> None:
    article = _run(pipeline, "The Houthi military spokesman, Yahya Saree, said the group had fired two missiles.",
                   "2024-01-16")
    saree = _actor_of(article, "Yahya Saree")
    assert saree is not None and saree.kb_id is None
    assert (saree.role, saree.country, saree.sector) == ("Houthi military spokesman", "YEM", "REB")
    houthis = _actor_of(article, "Houthi")
    assert houthis is not None and houthis.kb_id == "group:houthis"
    assert _actor_of(article, "spokesman") is None  # part of Saree's role, not another actor
