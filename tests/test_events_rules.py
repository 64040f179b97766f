"""The rule-based coder on news it was not tuned for: implied actors, nominal actors, things that are no
actors, strike senses, non-events, CAMEO detail, one CAMEO authority for both coders, ontology coverage.

Sentences are written here in agency style from many regions (lower-case and translated-sounding ones
too); none comes from a gold set. The pipeline runs without the trained event model so that these
tests pin the rules themselves.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import shared_path
from eventwire.cli import app
from eventwire.errors import DictionaryFormatError
from eventwire.eval.coverage import coverage
from eventwire.events import EventStage, cameo
from eventwire.events.cameo import plover_modes
from eventwire.events.candidate import DOUBTFUL
from eventwire.events.lexicon import DATA_DIR, default_lexicon, load_lexicon
from eventwire.model import PLOVER_TYPES, Article, Event
from eventwire.petrarch.coder import PetrarchCoder, cameo_info
from eventwire.pipeline import Pipeline, PipelineConfig

PUBLISHED = "2024-03-14"
CONFLICT = {"ASSAULT", "COERCE", "PROTEST", "MOBILIZE"}


@pytest.fixture(scope="module")
def rules(nlp) -> Pipeline:  # type: ignore[no-untyped-def]
    """The pipeline with the rule-based coder only (the shared spaCy model, no event-type model)."""
    return Pipeline(PipelineConfig(event_model=False), nlp=nlp)


def code(pipeline: Pipeline, text: str) -> list[Event]:
    return pipeline(Article(id="t", text=text, published=PUBLISHED)).events


def of_type(events: list[Event], event_type: str) -> list[Event]:
    return [e for e in events if e.event == event_type]


def one(events: list[Event], event_type: str) -> Event:
    found = of_type(events, event_type)
    assert found, f"no {event_type} among {[(e.event, e.trigger.text) for e in events]}"
    return max(found, key=lambda e: e.confidence)


# --------------------------------------------------------------------------- implied actors

@pytest.mark.parametrize(("text", "country"), [
    ("Five opposition activists were arrested in Dhaka on Tuesday.", "BGD"),
    ("At least 30 students were detained in Harare after the rally, witnesses said.", "ZWE"),
    ("dozens of farmers were arrested in kathmandu on monday", "NPL"),
])
def test_passive_arrest_is_coded_to_the_police_of_the_country(rules: Pipeline, text: str, country: str) -> None:
    arrest = one(code(rules, text), "COERCE")
    assert arrest.mode == "arrest"
    [police] = arrest.actor
    assert (police.code, police.sector) == (country, "COP")
    # The actor is implied, not named: the event is less certain than a named arrest.
    named = one(code(rules, text.replace("were arrested", "were arrested by police").replace(
        "were detained", "were detained by police")), "COERCE")
    assert arrest.confidence < named.confidence


def test_dispersed_protest_is_coerced_by_the_police(rules: Pipeline) -> None:
    dispersal = one(code(rules, "The protest in Lima was dispersed with tear gas."), "COERCE")
    assert [(p.code, p.sector) for p in dispersal.actor] == [("PER", "COP")]


def test_killed_in_police_firing_has_the_police_as_actor(rules: Pipeline) -> None:
    events = code(rules, "Two protesters were killed in police firing in Srinagar, officials said.")
    killing = one(events, "ASSAULT")
    assert [(p.code, p.sector) for p in killing.actor] == [("IND", "COP")]
    assert [p.sector for p in killing.recipient] == ["CVL"]
    # "police firing" is how the killing happened, not a second event
    assert len(of_type(events, "ASSAULT")) == 1


# --------------------------------------------------------------------------- nominal actors

def test_air_strikes_by_x_take_x_as_actor(rules: Pipeline) -> None:
    strike = one(code(rules, "Air strikes by the Saudi-led coalition hit a market in Saada province."), "ASSAULT")
    assert "SAU" in {p.code for p in strike.actor}
    assert strike.mode == "aerial"


def test_national_adjective_gives_the_actor_of_a_nominal_attack(rules: Pipeline) -> None:
    strike = one(code(rules, "Israeli air strikes on Gaza killed 12 people, medics said."), "ASSAULT")
    assert "ISR" in {p.code for p in strike.actor}


# --------------------------------------------------------------------------- no self-target, things are no actors

def test_no_event_has_its_own_actor_as_recipient(rules: Pipeline) -> None:
    texts = ["The Indian navy said its warship fired at a suspected pirate vessel off Somalia.",
             "Colombian troops clashed with Colombian dissidents near Cali.",
             "The Philippine coast guard vessel fired warning shots, the coast guard said."]
    for text in texts:
        for event in code(rules, text):
            for target in event.recipient:
                assert all(target.text != source.text and (target.actor is None or target.actor != source.actor)
                           for source in event.actor), (text, event)


def test_ship_and_weapon_are_never_actors(rules: Pipeline) -> None:
    for text in ("A missile hit an apartment block in Kharkiv overnight.",
                 "The tanker fired distress flares after it was hit near Hodeidah.",
                 "A mortar shell struck a school in Mogadishu."):
        for event in code(rules, text):
            assert not any(p.text.split()[-1].lower().rstrip("s") in ("missile", "tanker", "shell", "school", "flare")
                           for p in event.actor), (text, event)


def test_a_warship_stands_for_its_country_military(rules: Pipeline) -> None:
    attack = one(code(rules, "Chinese warships fired water cannon at a Philippine supply boat."), "ASSAULT")
    assert [(p.code, p.sector) for p in attack.actor] == [("CHN", "MIL")]


def test_a_backer_is_not_the_actor(rules: Pipeline) -> None:
    attack = one(code(rules, "The Iran-backed group fired rockets at northern Israel."), "ASSAULT")
    assert "IRN" not in {p.code for p in attack.actor}


# --------------------------------------------------------------------------- strike senses

@pytest.mark.parametrize(("text", "event_type", "mode"), [
    ("The army said it had carried out the strike on a militant hideout in North Waziristan.", "ASSAULT", None),
    ("Teachers in Nairobi went on strike over unpaid wages.", "PROTEST", "strike"),
    ("Dock workers in Valparaiso struck for a second day.", "PROTEST", "strike"),
    ("Unions called a general strike in Buenos Aires against the pension reform.", "PROTEST", "strike"),
    ("Jailed activist Alaa began a hunger strike in Cairo to protest his detention.", "PROTEST", "hunger"),
    ("A drone strike killed three militants in Shabwa province, officials said.", "ASSAULT", "drone"),
])
def test_strike_senses_are_told_apart_by_context(rules: Pipeline, text: str, event_type: str,
                                                 mode: str | None) -> None:
    events = code(rules, text)
    best = max(events, key=lambda e: e.confidence)
    assert best.event == event_type, (text, [(e.event, e.trigger.text) for e in events])
    if mode:
        assert best.mode == mode
    if event_type == "ASSAULT":
        assert not of_type(events, "PROTEST")


# --------------------------------------------------------------------------- non-events

@pytest.mark.parametrize("text", [
    "Floods killed at least 40 people in northern Bangladesh.",
    "Heavy rains and landslides killed 12 people in the Solomon Islands on Sunday.",
    "Three farmers were killed by lightning in Bihar.",
    "A lightning strike killed two herders near Gao.",
    "A bus crash killed 14 people on the highway near Kandy.",
    "A cholera outbreak has killed 30 people in Malawi, the health ministry said.",
    "an earthquake of magnitude 6.1 struck the coast of sumatra, destroying hundreds of homes",
    "The fire destroyed 200 houses in a slum in Manila, firefighters said.",
    "A gas cylinder explosion killed six people at a restaurant in Karachi.",
    "Eleven miners were killed when a coal mine collapsed in Balochistan.",
    "A boat carrying migrants capsized off the coast of Lampedusa, killing 41 people.",
    "A train derailed in Odisha, killing nearly 300 passengers.",
])
def test_disasters_get_no_conflict_event_or_a_doubtful_one(rules: Pipeline, text: str) -> None:
    for event in code(rules, text):
        if event.event in CONFLICT:
            assert event.confidence < DOUBTFUL, (text, event)


@pytest.mark.parametrize("text", [
    "Manchester United beat Liverpool 2-1 at Old Trafford on Sunday.",
    "The striker shot the ball past the goalkeeper in the 89th minute of the cup final.",
    "The company fired 200 workers at its plant in Ohio.",
    "The director shot the film in the Atlas mountains last year.",
    "Exports hit a record high in March, the statistics office said.",
])
def test_sport_business_and_figures_of_speech_are_no_conflict(rules: Pipeline, text: str) -> None:
    assert not [e for e in code(rules, text) if e.event in CONFLICT], text


def test_a_shot_at_workers_is_still_an_attack(rules: Pipeline) -> None:
    assert one(code(rules, "Police fired on striking workers at the mine in Marikana."), "ASSAULT")


def test_crime_without_political_actors_is_doubtful(rules: Pipeline) -> None:
    for event in code(rules, "Robbers killed a shopkeeper in a market in Lagos."):
        assert event.event not in CONFLICT or event.confidence < DOUBTFUL


def test_political_violence_next_to_a_disaster_stays_confident(rules: Pipeline) -> None:
    attack = one(code(rules, "Soldiers shot dead two flood victims who were looting a shop in Sindh."), "ASSAULT")
    assert attack.confidence >= DOUBTFUL
    # an explosion is an attack when a weapon or an actor causes it
    for text in ("A car bomb exploded near a market in Mogadishu, killing 12 people.",
                 "Militants crashed an explosives-laden truck into an army base in Borno, killing nine soldiers."):
        assert one(code(rules, text), "ASSAULT").confidence >= DOUBTFUL


# --------------------------------------------------------------------------- CAMEO detail

def test_an_appeal_is_not_a_demand(rules: Pipeline) -> None:
    appeal = one(code(rules, "Industry officials asked the government to lower fuel taxes."), "REQUEST")
    assert appeal.cameo.startswith("02") and appeal.goldstein is not None and appeal.goldstein > 0
    demand = one(code(rules, "Protest leaders demanded the resignation of the governor of Jalisco."), "REQUEST")
    assert demand.cameo == "1041" and demand.goldstein == -5.0


@pytest.mark.parametrize(("text", "event_type", "cameo_code"), [
    ("Serbia urged Kosovo to release the detained policemen.", "REQUEST", "0253"),
    ("The rebels refused to release the hostages.", "REJECT", "1243"),
    ("Mali's junta threatened to expel the UN peacekeepers.", "THREATEN", "136"),
    ("The government of Fiji rejected the mediation offered by Australia.", "REJECT", "126"),
])
def test_acts_about_acts_get_the_codebook_detail(rules: Pipeline, text: str, event_type: str, cameo_code: str) -> None:
    event = one(code(rules, text), event_type)
    assert event.cameo == cameo_code
    assert event.goldstein == cameo.score(cameo_code)[0]


# --------------------------------------------------------------------------- one CAMEO authority

def test_every_lexicon_sense_has_its_codes_plover_type() -> None:
    lexicon = default_lexicon()
    for senses in lexicon.entries.values():
        for entry in senses:
            if not entry.light and entry.type != "NONE":
                assert cameo.plover_of(entry.cameo) == entry.type, entry
    for row in lexicon.detail.values():
        for code_ in row.values():
            assert cameo.lookup(code_) is not None


def test_both_coders_give_one_code_one_type() -> None:
    # The PETRARCH coder's type for every code is the authority's (163 is SANCTION in both, never COERCE).
    for code_, row in cameo.cameo_codes().items():
        info = cameo_info(code_)
        assert (info.plover if info else None) == row.plover
    assert cameo.plover_of("163") == "SANCTION" and cameo.plover_of("1712") == "ASSAULT"
    assert cameo.score("0253") == (-0.3, 1) and cameo.score("100") == (-5.0, 3)


def test_a_sense_whose_type_is_not_its_codes_is_rejected(tmp_path: Path) -> None:
    for name in ("cameo.tsv", "modality.tsv", "weapons.tsv", "grammar.tsv", "intent.tsv",
                 "detail.tsv", "nonevents.tsv"):
        (tmp_path / name).write_text((DATA_DIR / name).read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "lexicon.tsv").write_text("pos\ttrigger\ttype\tmode\tcameo\tframe\n"
                                          "V\tsanction\tCOERCE\t-\t163\ttgt=dobj\n", encoding="utf-8")
    with pytest.raises(DictionaryFormatError, match="163 is SANCTION"):
        load_lexicon(tmp_path)


def test_petrarch_mode_goes_through_the_shared_stage(nlp) -> None:  # type: ignore[no-untyped-def]
    stage = EventStage.from_config(PipelineConfig(dictionaries=str(shared_path("dictionaries", "petrarch2"))))
    assert isinstance(stage.coder, PetrarchCoder)
    text = "Last month, Barack Obama condemned the Iranian government. He did not criticize Israel."
    article = Article(id="p", text=text, published="2010-05-20")
    stage(article, nlp(text))
    condemned = [e for e in article.events if e.trigger.text == "condemned"]
    assert condemned and condemned[0].event == "ACCUSE"
    # dates and modality come from the shared stage, as for the built-in coder
    assert condemned[0].date == "2010-04" and condemned[0].date_text
    assert [e.id for e in article.events] == [f"e{i}" for i in range(1, len(article.events) + 1)]
    negated = [e for e in article.events if e.trigger.text == "criticize"]
    assert all(e.negated for e in negated)


# --------------------------------------------------------------------------- coverage

def test_coverage_report_counts_and_lists_what_is_missing() -> None:
    report = coverage()
    pairs = plover_modes()
    assert {t for t, _ in pairs} == set(PLOVER_TYPES)
    assert report["types"]["missing"] == []
    codes = report["cameo"]
    assert codes["covered"] + len(codes["missing"]) == codes["leaves"] > 200
    assert codes["covered"] / codes["leaves"] >= 0.9
    assert report["modes"]["covered"] + len(report["modes"]["missing"]) == report["modes"]["total"]
    # a lexicon without a code's senses lists that code
    lexicon = load_lexicon()
    for key in [k for k, senses in lexicon.entries.items() if any(s.cameo == "1831" for s in senses)]:
        lexicon.entries[key] = [s for s in lexicon.entries[key] if s.cameo != "1831"]
    assert "1831" in {m["code"] for m in coverage(lexicon)["cameo"]["missing"]}


def test_eval_coverage_command_prints_codes_and_modes_without_a_sense() -> None:
    result = CliRunner().invoke(app, ["eval", "coverage"])
    assert result.exit_code == 0, result.output
    assert "CAMEO leaf codes with a PLOVER type:" in result.output and "PLOVER modes:" in result.output
    result = CliRunner().invoke(app, ["eval", "coverage", "--format", "json"])
    report = json.loads(result.output)
    assert report == coverage()


# --------------------------------------------------------------------------- regional police reporting, lower case

@pytest.mark.parametrize(("text", "event_type", "mode"), [
    ("police lathi-charged the protesters near the collectorate.", "ASSAULT", "crowd-control"),
    ("the agitating villagers were lathicharged by the police.", "ASSAULT", "crowd-control"),
    ("police used tear gas shells to disperse the crowd outside the minister's residence.", "ASSAULT",
     "crowd-control"),
    ("the accused were produced in court and remanded to judicial custody.", "COERCE", "arrest"),
    ("the police raided the house of the accused and seized arms and ammunition.", "COERCE", "seize"),
])
def test_lower_case_police_reports(rules: Pipeline, text: str, event_type: str, mode: str) -> None:
    event = one(code(rules, text), event_type)
    assert event.mode == mode
    assert [p.sector for p in event.actor] == ["COP"]


def test_killed_when_police_fired_has_the_police_as_actor(rules: Pipeline) -> None:
    events = code(rules, "one youth was killed when police fired at the mob which was pelting stones.")
    killing = next(e for e in events if e.trigger.text == "killed")
    assert [p.sector for p in killing.actor] == ["COP"]


def test_ending_a_protest_is_a_concession(rules: Pipeline) -> None:
    events = code(rules, "The farmers in Punjab ended their hunger strike after the minister met them.")
    assert one(events, "CONCEDE").cameo == "082"
    assert not of_type(events, "PROTEST")


def test_the_topic_of_a_protest_is_no_separate_request(rules: Pipeline) -> None:
    events = code(rules, "Thousands marched in Tbilisi demanding the resignation of the interior minister.")
    protest = one(events, "PROTEST")
    assert protest.cameo == "1411"  # a demonstration for a change in leadership
    assert [p.sector for p in protest.actor] == ["CVL"]
    assert not of_type(events, "REQUEST")
    # a main-clause demand stays a demand
    assert one(code(rules, "The union is pressing workers in Abidjan to call off the strike."), "REQUEST")


def test_implied_police_belong_to_the_place_of_the_arrest_not_to_the_detainees(rules: Pipeline) -> None:
    arrest = one(code(rules, "Two journalists from Kenya were detained in Kampala on Friday."), "COERCE")
    assert [(p.code, p.sector) for p in arrest.actor] == [("UGA", "COP")]
    # a dispersal is the police's too; a ban from an election is not (no implied police)
    barred = code(rules, "Opposition leader Machado was barred from the presidential election.")
    assert not any(p.sector == "COP" for e in barred for p in e.actor)


def test_no_events_module_is_over_700_lines() -> None:
    package = Path(__file__).resolve().parent.parent / "src" / "eventwire" / "events"
    sizes = {path.name: len(path.read_text(encoding="utf-8").splitlines()) for path in package.glob("*.py")}
    assert "coder.py" in sizes and "implied.py" in sizes
    assert all(size <= 700 for size in sizes.values()), sizes


def test_where_a_shot_comes_from_is_who_fired_it(rules: Pipeline) -> None:
    text = "The Greek-flagged tanker was hit by a missile fired from Houthi-controlled territory, the operator said."
    fired = next(e for e in code(rules, text) if e.trigger.text == "fired")
    assert fired.event == "ASSAULT" and [p.code for p in fired.actor] == ["YEM"]
    assert not any(p.text.lower().endswith("tanker") for p in fired.actor)


@pytest.mark.parametrize(("text", "event_type"), [
    ("The Prime Minister affirmed the readiness of Iraq to cooperate with the neighboring countries.", "AGREE"),
    ("The Chinese side is willing to work with the Pakistani side to deepen the partnership.", "AGREE"),
    ("The demonstrators organized a sit-in before the headquarters of the governorate in Gafsa.", "PROTEST"),
    ("The Minister of Foreign Affairs received in his office the Ambassador of the Kingdom of Morocco.", "CONSULT"),
])
def test_translated_sounding_sentences(rules: Pipeline, text: str, event_type: str) -> None:
    events = code(rules, text)
    assert max(events, key=lambda e: e.confidence).event == event_type, [(e.event, e.trigger.text) for e in events]


@pytest.mark.parametrize(("text", "event_type"), [
    ("Al-Shabaab militants destroyed a telecommunications mast near Beledweyne.", "ASSAULT"),
    ("Rebels looted and burned a health centre in Ituri.", "ASSAULT"),
    ("on 12 march, unidentified gunmen burnt down the residence of a village chief in tillaberi.", "ASSAULT"),
    ("Settlers uprooted hundreds of olive trees near Ramallah.", "ASSAULT"),
    ("Rioters smashed shop windows in central Dakar.", "PROTEST"),
    ("Anti-balaka fighters pillaged the market in Bambari.", "COERCE"),
])
def test_destruction_of_property(rules: Pipeline, text: str, event_type: str) -> None:
    assert of_type(code(rules, text), event_type), [(e.event, e.trigger.text) for e in code(rules, text)]


def test_a_hazard_that_only_dates_an_act_does_not_cancel_it(rules: Pipeline) -> None:
    for text, event_type in (("Police arrested 12 looters after the earthquake in Antakya.", "COERCE"),
                             ("Villagers blocked the highway after the landslide in Rasuwa.", "PROTEST"),
                             ("Gunmen killed five people in Zamfara after heavy rains fell.", "ASSAULT")):
        assert one(code(rules, text), event_type).confidence >= DOUBTFUL, text


@pytest.mark.parametrize(("text", "event_type", "cameo_code"), [
    ("The opposition in Dhaka called for a general strike on Monday.", "PROTEST", "143"),
    ("Niger's junta ordered the French ambassador to leave within 48 hours.", "SANCTION", "166"),
    ("The Serbian government rejected calls for talks with Pristina.", "REJECT", "125"),
    ("The United States urged Israel to allow more aid into Gaza.", "REQUEST", "0255"),
    ("Moscow threatened to cut gas supplies to Moldova.", "THREATEN", "1311"),
])
def test_calls_orders_and_threats_by_what_they_are_about(rules: Pipeline, text: str, event_type: str,
                                                         cameo_code: str) -> None:
    assert one(code(rules, text), event_type).cameo == cameo_code
