"""Actor errors seen on fresh agency copy, on sentences the eventwire team wrote in wire style from many regions.

A surname that is also a nationality is the person ("Volker Turk" is no Turkey); a patron ("Iran-backed")
describes a group without being its country or an actor of its own; police in plain clothes are police;
ships and weapons never act; members of a named armed group are the group; agent nouns get their sector.
"""

from __future__ import annotations

import pytest

from eventwire.model import Article
from eventwire.pipeline import Pipeline
from support.actors import actor_of as _actor

pytestmark = pytest.mark.slow


def _run(pipeline: Pipeline, text: str, published: str = "2024-03-05") -> Article:
    return pipeline(Article(id="t", text=text, published=published))


def _countries(article: Article) -> set[str | None]:
    return {a.country for a in article.actors}


@pytest.mark.parametrize("text", [
    "GENEVA (Reuters) - UN human rights chief, Volker Turk, said on Tuesday the killings must be investigated.",
    "UN human rights chief Volker Turk said the attack may amount to a war crime. Turk urged restraint.",
    "\"This must stop,\" Turk told reporters in Geneva on Friday.",
    "Turk's office said at least 30 civilians had been killed in El Fasher.",
])
def test_a_surname_that_is_a_nationality_is_the_person(pipeline: Pipeline, text: str) -> None:
    article = _run(pipeline, text)
    turk = _actor(article, "Turk")
    assert turk is not None and turk.kind == "person"
    assert turk.kb_id == "person:volker-turk" and turk.country == "IGOUNOHRI"
    assert "TUR" not in _countries(article)


def test_a_turk_by_birth_is_still_a_nationality(pipeline: Pipeline) -> None:
    article = _run(pipeline, "Erdogan, a Turk by birth, said Turkish troops would stay in Syria.")
    assert _actor(article, "Turk").country == "TUR"  # type: ignore[union-attr]


@pytest.mark.parametrize(("text", "surface", "patron", "country", "sector"), [
    ("The Iran-backed group fired rockets at northern Israel on Sunday, the Israeli military said.",
     "Iran-backed group", "IRN", None, "UAF"),
    ("Rwanda-backed M23 rebels seized the town of Sake, the Congolese army said.",
     "M23 rebels", "RWA", None, "REB"),
    ("US-backed Syrian Democratic Forces fighters detained dozens of suspects in Deir ez-Zor.",
     "fighters", "USA", None, None),
    ("Saudi-led coalition warplanes struck Sanaa overnight, Houthi media said.",
     "coalition warplanes", "SAU", None, "MIL"),
])
def test_a_patron_is_no_actor_and_not_the_groups_country(pipeline: Pipeline, text: str, surface: str,
                                                         patron: str, country: str | None,
                                                         sector: str | None) -> None:
    article = _run(pipeline, text)
    group = _actor(article, surface)
    assert group is not None and group.country != patron
    if sector is not None:
        assert group.sector == sector
    patron_word = text.split("-")[0].split()[-1]
    assert _actor(article, patron_word) is not None  # inside the group's mention ...
    assert all(a.country != patron or a is group for a in article.actors)  # ... and no actor of its own


@pytest.mark.parametrize(("text", "surface", "sector"), [
    ("Plain-clothes officers detained three journalists outside the court in Harare.", "Plain-clothes officers",
     "COP"),
    ("Plainclothes police dragged the activist into an unmarked car in Minsk, witnesses said.",
     "Plainclothes police", "COP"),
    ("Riot police fired tear gas at students in Dhaka.", "Riot police", "COP"),
    ("Riot police fired tear gas at students in Dhaka.", "students", "EDU"),
    ("Gunmen killed four farmers in Benue state, police said.", "Gunmen", "UAF"),
    ("Gunmen killed four farmers in Benue state, police said.", "four farmers", "AGR"),
    ("Militants stormed a checkpoint in North Waziristan, the army said.", "Militants", "REB"),
    ("Protesters blocked the highway near Cochabamba for a third day.", "Protesters", "CVL"),
    ("Security forces opened fire on the crowd in Mandalay, residents said.", "Security forces", "COP"),
    ("Bandits abducted 20 pupils from a school in Kaduna.", "Bandits", "CRM"),
    ("Paramilitary forces were deployed in Srinagar.", "Paramilitary forces", "MIL"),
    ("Army officers seized state television in Niamey.", "Army officers", "MIL"),
])
def test_agent_nouns_get_their_sector(pipeline: Pipeline, text: str, surface: str, sector: str) -> None:
    actor = _actor(_run(pipeline, text), surface)
    assert actor is not None and actor.sector == sector


@pytest.mark.parametrize(("text", "thing"), [
    ("Houthi militants attacked the MV Tutor, a Greek-owned bulk carrier, in the Red Sea.", "Tutor"),
    ("The tanker Marlin Luanda was hit by an anti-ship missile, the operator said.", "Marlin Luanda"),
    ("Russia fired Kinzhal hypersonic missiles and Shahed drones at Kyiv overnight.", "Kinzhal"),
    ("Russia fired Kinzhal hypersonic missiles and Shahed drones at Kyiv overnight.", "Shahed"),
    ("Ukraine received Patriot missiles and Leopard tanks from Germany.", "Patriot"),
    ("Ukraine received Patriot missiles and Leopard tanks from Germany.", "Leopard"),
])
def test_ships_and_weapons_are_never_actors(pipeline: Pipeline, text: str, thing: str) -> None:
    assert _actor(_run(pipeline, text), thing) is None


def test_a_nationality_before_a_weapon_stays_an_actor(pipeline: Pipeline) -> None:
    article = _run(pipeline, "Russian drones struck an energy facility in Odesa, Ukraine's air force said.")
    russia = _actor(article, "Russian")
    assert russia is not None and russia.country == "RUS"


def test_members_of_a_named_armed_group_are_the_group(pipeline: Pipeline) -> None:
    article = _run(pipeline, "Houthi militants fired two missiles at a cargo ship. Hamas fighters clashed with "
                             "Israeli troops in Rafah.")
    houthis = _actor(article, "Houthi")
    assert houthis is not None and houthis.country == "YEM"
    assert _actor(article, "militants") is houthis
    hamas = _actor(article, "Hamas")
    assert hamas is not None and _actor(article, "fighters") is hamas
    troops = _actor(article, "Israeli troops")
    assert troops is not None and (troops.country, troops.sector) == ("ISR", "MIL")


def test_a_capital_before_a_place_word_is_the_city(pipeline: Pipeline) -> None:
    article = _run(pipeline, "Plain-clothes officers detained the activist at Harare airport on Monday.")
    harare = _actor(article, "Harare")
    assert harare is not None and harare.kind == "location" and harare.sector is None
    article = _run(pipeline, "The Baghdad government rejected the report.")
    assert _actor(article, "Baghdad").sector == "GOV"  # type: ignore[union-attr]


@pytest.mark.parametrize(("text", "surface", "country", "sector"), [
    ("Sudan's army chief Abdel Fattah al-Burhan met the Egyptian president in Cairo.", "al-Burhan", "SDN", None),
    ("Indonesian police arrested three suspected militants in Central Java, a spokesman said.", "Indonesian police",
     "IDN", "COP"),
    ("Peruvian farmers blocked roads in Puno to protest against the government.", "Peruvian farmers", "PER", "AGR"),
    ("Philippine coast guard vessels were blocked by Chinese ships near Second Thomas Shoal.", "Chinese", "CHN",
     None),
    ("Mexican soldiers clashed with cartel gunmen in Sinaloa, officials said.", "Mexican soldiers", "MEX", "MIL"),
])
def test_agency_sentences_from_many_regions(pipeline: Pipeline, text: str, surface: str, country: str,
                                            sector: str | None) -> None:
    actor = _actor(_run(pipeline, text), surface)
    assert actor is not None and actor.country == country
    if sector is not None:
        assert actor.sector == sector


def test_the_group_refers_back_to_the_named_group(pipeline: Pipeline) -> None:
    article = _run(pipeline, "Hezbollah said it had fired rockets at an Israeli base. The group said the attack "
                             "answered strikes on Lebanon.")
    assert _actor(article, "The group") is _actor(article, "Hezbollah")
    article = _run(pipeline, "A group of protesters gathered outside parliament. The group dispersed after police "
                             "arrived.")
    assert _actor(article, "The group") is None  # no named group to refer to
    parliament = _actor(article, "parliament")
    assert parliament is not None and parliament.mentions[0].text == "parliament"


@pytest.mark.parametrize(("text", "surface", "kind", "country", "sector"), [
    ("Haitian gangs attacked two police stations in Port-au-Prince.", "Port-au-Prince", "location", "HTI", None),
    ("Mali's military government expelled the French ambassador, state television reported.",
     "Mali's military government", "country", "MLI", "GOV"),
    ("Ethiopian federal troops and Fano militiamen clashed near Gondar, residents said.", "Fano", "group", None,
     "UAF"),
    ("Chinese coast guard ships fired water cannon at a Philippine supply boat, Manila said.",
     "Chinese coast guard ships", "group", "CHN", "MIL"),
    ("Myanmar's junta carried out air strikes on a village in Sagaing region.", "Myanmar's junta", None, "MMR",
     "GOV"),
])
def test_more_agency_actors(pipeline: Pipeline, text: str, surface: str, kind: str | None, country: str | None,
                            sector: str | None) -> None:
    actor = _actor(_run(pipeline, text), surface)
    assert actor is not None and (actor.country, actor.sector) == (country, sector)
    if kind is not None:
        assert actor.kind == kind


@pytest.mark.parametrize(("text", "name"), [
    ("Venezuelan opposition leader Maria Corina Machado called on supporters to march.", "Maria Corina Machado"),
    ("Luiz Inacio Lula da Silva met Xi Jinping in Beijing.", "Luiz Inacio Lula da Silva"),
])
def test_a_name_cut_short_by_the_recogniser_is_made_whole(pipeline: Pipeline, text: str, name: str) -> None:
    person = _actor(_run(pipeline, text), name)
    assert person is not None and person.kind == "person" and name in [m.text for m in person.mentions]


def test_a_title_is_not_made_part_of_the_name(pipeline: Pipeline) -> None:
    biden = _actor(_run(pipeline, "President Joe Biden met Jordan's King Abdullah in Washington."), "Joe Biden")
    assert biden is not None and [m.text for m in biden.mentions] == ["Joe Biden"]


def test_possessed_descriptions_belong_to_their_possessor(pipeline: Pipeline) -> None:
    article = _run(pipeline, "The RSF, which has been fighting the army since April 2023, denied the accusation "
                             "and said its forces had been attacked first. The militia later withdrew.")
    rsf = _actor(article, "RSF")
    assert rsf is not None and rsf.kb_id is not None
    assert _actor(article, "its forces") is rsf and _actor(article, "The militia") is rsf
    troops = _actor(_run(pipeline, "Russia said its troops had taken the village of Robotyne."), "its troops")
    assert troops is not None and (troops.country, troops.sector) == ("RUS", "MIL")
    leaders = _actor(_run(pipeline, "Protesters said their leaders had been arrested."), "their leaders")
    assert leaders is not None and leaders.sector == "CVL"


def test_a_place_tagged_as_an_organisation_after_city_of(pipeline: Pipeline) -> None:
    article = _run(pipeline, "KHARTOUM, June 3 (Wire) - The army repelled an attack on the city of El Fasher.")
    fasher = _actor(article, "El Fasher")
    assert fasher is not None and fasher.kind == "location"
    khartoum = _actor(article, "KHARTOUM")
    assert khartoum is not None and khartoum.name == "Khartoum" and khartoum.kind == "location"


def test_affiliation_after_a_title_in_apposition_gives_the_country(pipeline: Pipeline) -> None:
    article = _run(pipeline, "A spokesman for China's foreign ministry, Mao Ning, urged the Philippines to stop. "
                             "The China Coast Guard said a Philippine vessel had rammed one of its ships.")
    mao = _actor(article, "Mao Ning")
    assert mao is not None and (mao.country, mao.sector) == ("CHN", "GOV") and "foreign ministry" in mao.role
    guard = _actor(article, "China Coast Guard")
    assert guard is not None and (guard.country, guard.sector) == ("CHN", "MIL")


def test_fishermen_are_a_group_that_they_refers_to(pipeline: Pipeline) -> None:
    article = _run(pipeline, "Fishermen from Zambales said they had been chased away by Chinese boats.")
    fishermen = _actor(article, "Fishermen")
    assert fishermen is not None and fishermen.sector == "AGR" and _actor(article, "they") is fishermen


@pytest.mark.parametrize(("text", "surface", "sector"), [
    ("Two people were killed in police firing in Kishtwar.", "police", "COP"),
    ("Army shelling destroyed homes in the village.", "Army", "MIL"),
])
def test_the_agent_of_a_nominal_act_is_an_actor(pipeline: Pipeline, text: str, surface: str, sector: str) -> None:
    actor = _actor(_run(pipeline, text), surface)
    assert actor is not None and actor.sector == sector


def test_a_pronoun_subject_of_a_reported_clause_is_the_speaker(pipeline: Pipeline) -> None:
    article = _run(pipeline, "The RSF denied the army's claims and said it had captured the base.")
    assert _actor(article, "it") is _actor(article, "RSF")
    article = _run(pipeline, "Russia accused Ukraine of shelling the plant and said it would respond.")
    assert _actor(article, "it") is _actor(article, "Russia")


@pytest.mark.parametrize(("text", "place"), [
    ("Talks covered the water crisis in the Tigris river and attacks in the Sinjar mountains.", "Sinjar"),
    ("Farmers from the provinces of Dhi Qar and Maysan demonstrated on Monday.", "Maysan"),
    ("French troops left their base in Gao, the army said.", "Gao"),
])
def test_a_place_spacy_calls_an_organisation_or_a_person(pipeline: Pipeline, text: str, place: str) -> None:
    actor = _actor(_run(pipeline, text), place)
    assert actor is None or actor.kind == "location"


def test_nationalities_joined_by_a_hyphen_are_each_their_country(pipeline: Pipeline) -> None:
    article = _run(pipeline, "Russian-Turkish patrols began in northeast Syria. US-Iranian talks resumed in Oman.")
    assert _actor(article, "Russian").country == "RUS"  # type: ignore[union-attr]
    assert _actor(article, "Turkish").country == "TUR"  # type: ignore[union-attr]
    assert _actor(article, "Iranian").country == "IRN"  # type: ignore[union-attr]
