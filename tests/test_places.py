"""The places stage: toponym detection, offline resolution, event locations."""

from __future__ import annotations

import os

import pytest

from eventwire.eval.places import haversine_km
from eventwire.model import Article, Event, Place, Span
from eventwire.pipeline import STAGE_FACTORIES, PipelineConfig
from eventwire.places import EventLocationStage, Gazetteer, PlaceStage

# Most tests parse text with the session's spaCy pipeline.
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def stage() -> PlaceStage:
    return PlaceStage()


def places_of(nlp, stage: PlaceStage, text: str, article: Article | None = None) -> list[Place]:  # type: ignore[no-untyped-def]
    article = article or Article(id="t", text=text)
    stage(article, nlp(text))
    return article.places


def surface(text: str, place: Place) -> str:
    assert place.start is not None and place.end is not None
    return text[place.start:place.end]


def near(place: Place, lat: float, lon: float, km: float) -> bool:
    assert place.lat is not None and place.lon is not None
    return haversine_km(place.lat, place.lon, lat, lon) <= km


# -- the canonical article ---------------------------------------------------------------------

def test_iraq_article_places_resolved_with_coordinates(iraq: Article) -> None:
    by_name = {p.name: p for p in iraq.places}
    assert {"Iraq", "Baghdad", "Mosul", "Syria", "United States"} <= set(by_name)
    assert by_name["Iraq"].country == "IRQ" and by_name["Iraq"].geonameid == 99237
    assert near(by_name["Baghdad"], 33.34, 44.40, 10) and by_name["Baghdad"].country == "IRQ"
    assert near(by_name["Mosul"], 36.34, 43.12, 10) and by_name["Mosul"].admin1 is not None
    assert by_name["Syria"].country == "SYR" and near(by_name["Syria"], 35.0, 38.5, 200)
    for place in iraq.places:
        assert iraq.text[place.start:place.end]  # offsets index the article text
        assert place.lat is not None and place.lon is not None


def test_iraq_article_excludes_organisations_demonyms_and_metonyms(iraq: Article) -> None:
    spans = [(p.start, p.end) for p in iraq.places]
    texts = [iraq.text[s:e] for s, e in spans]
    assert "Iraqi" not in texts and "Iranians" not in texts and "American" not in texts
    usa_today = iraq.text.index("USA Today")
    institute = iraq.text.index("Washington Institute for Near East Policy")
    for start, end in spans:
        assert not (start < usa_today + 9 and usa_today < end)
        assert not (start < institute + 41 and institute < end)
    # "Washington and Baghdad are negotiating": the two capitals stand for governments here. They name
    # places all the same (GeoWebNews counts such metonyms), but no event happens there.
    assert [(p.name, p.country) for p in iraq.places if p.start is not None and p.start < 30] == [
        ("Washington", "USA"), ("Baghdad", "IRQ")]
    assert all(e.location is None or e.location.start is None or e.location.start > 30 for e in iraq.events)


def test_iraq_article_assault_located_in_mosul(iraq: Article) -> None:
    if "events" not in {name for name, _ in STAGE_FACTORIES}:
        pytest.skip("events stage not registered")
    stormed = [e for e in iraq.events if e.trigger.text.lower().startswith("storm")]
    assert stormed, "the events stage found no event for 'gunmen stormed Mosul'"
    assert stormed[0].location is not None and stormed[0].location.name == "Mosul"


# -- ambiguity ---------------------------------------------------------------------------------

def test_paris_france_by_default_and_texas_in_texan_context(nlp, stage: PlaceStage) -> None:  # type: ignore[no-untyped-def]
    [paris] = places_of(nlp, stage, "The president met reporters in Paris on Monday.")
    assert paris.country == "FRA" and near(paris, 48.86, 2.35, 20)

    text = "A tornado damaged homes in Paris, Texas, and flooding closed roads near Dallas."
    places = places_of(nlp, stage, text)
    paris = next(p for p in places if surface(text, p) == "Paris")
    assert paris.country == "USA" and paris.admin1 == "Texas" and near(paris, 33.66, -95.56, 20)

    text = "Storms hit Dallas and Houston overnight. In Paris, the fire department rescued two people."
    paris = next(p for p in places_of(nlp, stage, text) if surface(text, p) == "Paris")
    assert paris.country == "USA"


def test_paris_france_when_france_is_named(nlp, stage: PlaceStage) -> None:  # type: ignore[no-untyped-def]
    text = "Dallas officials visited France last week. In Paris, they met the mayor."
    paris = next(p for p in places_of(nlp, stage, text) if surface(text, p) == "Paris")
    assert paris.country == "FRA"


def test_washington_state_city_and_government(nlp, stage: PlaceStage) -> None:  # type: ignore[no-untyped-def]
    text = "The delegation flew to Washington on Monday."
    [dc] = places_of(nlp, stage, text)
    assert dc.geonameid == 4140963 and near(dc, 38.9, -77.04, 10)

    text = "Wildfires burned across Washington state, east of Seattle."
    washington = next(p for p in places_of(nlp, stage, text) if surface(text, p) == "Washington")
    assert washington.admin1 == "Washington" and washington.geonameid == 5815135

    text = "Protesters marched in Seattle, Washington on Saturday."
    washington = next(p for p in places_of(nlp, stage, text) if surface(text, p) == "Washington")
    assert washington.geonameid == 5815135

    text = "Cases were reported in Idaho, Oregon, Washington and Wisconsin."
    washington = next(p for p in places_of(nlp, stage, text) if surface(text, p) == "Washington")
    assert washington.geonameid == 5815135  # a state among states

    text = "A patient was admitted to a hospital in Washington, D.C. on Friday."
    washington = next(p for p in places_of(nlp, stage, text) if surface(text, p).startswith("Washington"))
    assert washington.geonameid == 4140963

    text = "Washington and Moscow said they would negotiate a new treaty."
    assert [(p.name, p.country) for p in places_of(nlp, stage, text)] == [("Washington", "USA"), ("Moscow", "RUS")]


def test_country_named_place_is_not_its_capital(nlp, stage: PlaceStage) -> None:  # type: ignore[no-untyped-def]
    text = "Mexico reported new cases. Officials in Mexico City said Mexico would test more people."
    places = places_of(nlp, stage, text)
    kinds = {(surface(text, p), p.name) for p in places}
    assert ("Mexico", "Mexico") in kinds and ("Mexico City", "Mexico City") in kinds
    assert ("Mexico", "Mexico City") not in kinds


# -- detection ---------------------------------------------------------------------------------

def test_demonyms_are_not_places(nlp, stage: PlaceStage) -> None:  # type: ignore[no-untyped-def]
    text = "Iraqi soldiers and Syrian rebels clashed as Iranians watched."
    assert places_of(nlp, stage, text) == []
    # Plural-looking country names are names, not demonyms.
    text = "Filipino workers flew home to the Philippines and to Laos."
    assert [p.country for p in places_of(nlp, stage, text)] == ["PHL", "LAO"]


def test_organisation_names_are_not_places(nlp, stage: PlaceStage) -> None:  # type: ignore[no-untyped-def]
    text = ("He told USA Today and the Washington Post before joining the Washington Institute for "
            "Near East Policy, which is based in Washington.")
    places = places_of(nlp, stage, text)
    assert [surface(text, p) for p in places] == ["Washington"]
    assert places[0].start == text.rindex("Washington")

    text = "Flooding hit Baghdad and USA Today reported it."
    assert [surface(text, p) for p in places_of(nlp, stage, text)] == ["Baghdad"]


def test_diseases_named_after_places_are_not_places(nlp, stage: PlaceStage) -> None:  # type: ignore[no-untyped-def]
    text = "Cases of West Nile virus and Marburg fever were reported in Uganda."
    assert [surface(text, p) for p in places_of(nlp, stage, text)] == ["Uganda"]


def test_abbreviations_and_alternate_names(nlp, stage: PlaceStage) -> None:  # type: ignore[no-untyped-def]
    text = "Flooding in NSW forced evacuations, while the U.S. and the DRC sent aid to Bombay."
    places = {surface(text, p): p for p in places_of(nlp, stage, text)}
    assert places["NSW"].name == "New South Wales" and places["NSW"].country == "AUS"
    assert places["U.S."].country == "USA"
    assert places["DRC"].country == "COD"
    assert places["Bombay"].name == "Mumbai"


def test_no_places_and_empty_text(nlp, stage: PlaceStage) -> None:  # type: ignore[no-untyped-def]
    assert places_of(nlp, stage, "") == []
    assert places_of(nlp, stage, "the committee met and agreed to meet again.") == []
    # Common words that are also city names (Man, Côte d'Ivoire; Sale, England) are not places by themselves.
    assert places_of(nlp, stage, "Man arrested after the Duma vote. Sale of arms went on.") == []


def test_actor_countries_are_context(nlp, stage: PlaceStage) -> None:  # type: ignore[no-untyped-def]
    from eventwire.model import Actor

    text = "The mayor of Birmingham spoke on Tuesday."
    [birmingham] = places_of(nlp, stage, text)
    assert birmingham.country == "GBR"
    article = Article(id="t", text=text, actors=[Actor(id="a1", name="Alabama officials", country="USA")])
    [birmingham] = places_of(nlp, stage, text, article)
    assert birmingham.country == "USA" and birmingham.admin1 == "Alabama"


def test_gazetteer_loads_once_and_indexes_names() -> None:
    first = Gazetteer.load()
    assert Gazetteer.load() is first
    kinds = {c.kind for c, _ in first.candidates("Baghdad")}
    assert "capital" in kinds
    assert [c.kind for c, _ in first.candidates("Iraq")] == ["country"]
    assert first.candidates("Atlantis of the Moon") == []


def test_from_config_reads_population_threshold() -> None:
    stage = PlaceStage.from_config(PipelineConfig(places_min_population=15000))
    assert stage.min_population == 15000
    assert stage.name == "places"


# -- event locations ---------------------------------------------------------------------------

def _event(text: str, trigger: str, sentence_of: str, event_type: str = "ASSAULT") -> Event:
    sentence_start = text.index(sentence_of)
    start = text.index(trigger, sentence_start)
    return Event(id="e1", event=event_type, trigger=Span(start, start + len(trigger), trigger),
                 sentence=(sentence_start, sentence_start + len(sentence_of)))


def located(nlp, stage: PlaceStage, text: str, *events: Event,  # type: ignore[no-untyped-def]
            locator: EventLocationStage | None = None) -> Article:
    """``text`` through the places stage, then its ``events`` through the event-location stage."""
    doc = nlp(text)
    article = Article(id="t", text=text)
    stage(article, doc)
    article.events = list(events)
    (locator or EventLocationStage())(article, doc)
    return article


def test_event_location_from_its_sentence(nlp, stage: PlaceStage) -> None:  # type: ignore[no-untyped-def]
    text = ("Officials in Baghdad spoke on Monday. In 2014, gunmen stormed Mosul as soldiers fled. "
            "Troops clashed with militants near Kirkuk, officials in Baghdad said.")
    stormed = _event(text, "stormed", "In 2014, gunmen stormed Mosul as soldiers fled.")
    clashed = _event(text, "clashed", "Troops clashed with militants near Kirkuk, officials in Baghdad said.")
    article = located(nlp, stage, text, stormed, clashed)
    assert stormed.location is not None and stormed.location.name == "Mosul"
    assert clashed.location is not None and clashed.location.name == "Kirkuk"
    # The event gets a copy: editing it leaves article.places alone.
    assert stormed.location is not next(p for p in article.places if p.name == "Mosul")


def test_event_location_never_borrowed_from_the_article(nlp, stage: PlaceStage) -> None:  # type: ignore[no-untyped-def]
    # Issue 14.6: a sentence naming no place gives its event no location, however often the article
    # names a place or whatever its dateline says.
    text = ("NAIROBI, Kenya (AP) — Protests spread across Kenya. In Kenya, police fired tear gas. "
            "The crowd then attacked a bus.")
    attacked = _event(text, "attacked", "The crowd then attacked a bus.")
    located(nlp, stage, text, attacked)
    assert attacked.location is None


def test_event_location_inherited_through_there_and_the_city(nlp, stage: PlaceStage) -> None:  # type: ignore[no-untyped-def]
    text = ("Protesters marched through Nairobi on Monday. Police fired tear gas in the city. "
            "Militants seized a village in Sagaing region. Soldiers later burned homes there.")
    fired = _event(text, "fired", "Police fired tear gas in the city.")
    burned = _event(text, "burned", "Soldiers later burned homes there.")
    seized = _event(text, "seized", "Militants seized a village in Sagaing region.")
    article = located(nlp, stage, text, fired, burned, seized)
    assert fired.location is not None and fired.location.name == "Nairobi" and fired.location.inherited
    assert burned.location is not None and burned.location.country == "MMR" and burned.location.inherited
    # A place the event's own clause names is not inherited.
    assert seized.location is not None and seized.location.country == "MMR" and not seized.location.inherited
    assert not any(p.inherited for p in article.places)


def test_event_location_from_elsewhere_in_the_sentence_is_inherited(nlp, stage: PlaceStage) -> None:  # type: ignore[no-untyped-def]
    text = "In Kharkiv, residents queued for water after shells hit a school."
    hit = _event(text, "hit", text)
    located(nlp, stage, text, hit)
    assert hit.location is not None and hit.location.name == "Kharkiv" and hit.location.inherited


def test_capitals_and_parties_are_never_event_locations(nlp, stage: PlaceStage) -> None:  # type: ignore[no-untyped-def]
    text = ("Riot police detained dozens of protesters on Rustaveli Avenue. Brussels condemned the crackdown. "
            "Officials held talks with Moscow. Israeli jets struck Beirut overnight.")
    detained = _event(text, "detained", "Riot police detained dozens of protesters on Rustaveli Avenue.", "COERCE")
    condemned = _event(text, "condemned", "Brussels condemned the crackdown.", "ACCUSE")
    talks = _event(text, "talks", "Officials held talks with Moscow.", "CONSULT")
    struck = _event(text, "struck", "Israeli jets struck Beirut overnight.")
    located(nlp, stage, text, detained, condemned, talks, struck)
    assert detained.location is not None and detained.location.country == "GEO"
    assert not detained.location.inherited
    assert condemned.location is None and talks.location is None
    assert struck.location is not None and struck.location.name == "Beirut"


def test_event_location_null_when_ambiguous(nlp, stage: PlaceStage) -> None:  # type: ignore[no-untyped-def]
    text = "Talks were held in Oslo. Delegates later went to Geneva. The crowd then attacked a bus."
    attacked = _event(text, "attacked", "The crowd then attacked a bus.")
    located(nlp, stage, text, attacked)
    assert attacked.location is None


def test_event_location_ignores_actor_modifiers(nlp, stage: PlaceStage) -> None:  # type: ignore[no-untyped-def]
    text = "US troops attacked positions in Raqqa."
    attacked = _event(text, "attacked", text)
    located(nlp, stage, text, attacked, locator=EventLocationStage.from_config(PipelineConfig()))
    assert attacked.location is not None and attacked.location.country == "SYR"
    assert text[attacked.location.start:attacked.location.end] == "Raqqa"


def test_gazetteer_cold_and_warm_start(tmp_path) -> None:  # type: ignore[no-untyped-def]
    # Cold: built from the installed packages into an empty cache directory; warm: memory-mapped from it.
    built = Gazetteer(min_population=15000, cache_dir=tmp_path)
    assert not built.from_cache and built.path is not None and built.path.parent == tmp_path
    assert {p.name for p in built.path.iterdir()} == {"places.arrow", "names.arrow", "meta.json"}
    warm = Gazetteer(min_population=15000, cache_dir=tmp_path)
    assert warm.from_cache and warm.size == built.size
    for name in ("Washington", "Paris", "Bombay", "NSW", "Darfur", "Africa", "Suffolk County", "Lake Chad"):
        assert warm.candidates(name) == built.candidates(name) and warm.candidates(name)
    assert warm.detectable == built.detectable and warm.countries == built.countries
    # A damaged cache is rebuilt, not trusted (written as a new file: the old one may be mapped elsewhere).
    paris = warm.candidates("Paris")
    del built, warm
    damaged = tmp_path / "damaged.arrow"
    damaged.write_bytes(b"not an arrow file")
    [path] = [p for p in tmp_path.iterdir() if p.name.startswith("gazetteer-")]
    os.replace(damaged, path / "names.arrow")
    rebuilt = Gazetteer(min_population=15000, cache_dir=tmp_path)
    assert not rebuilt.from_cache and rebuilt.candidates("Paris") == paris
    assert Gazetteer(min_population=15000, cache_dir=tmp_path).from_cache
    # A build of older data or code (another version in the name) is removed when a new one is written.
    stale = tmp_path / "gazetteer-v1-15000-0000000000000000"
    stale.mkdir()
    (rebuilt.path / "meta.json").write_text('{"version": 0}')
    assert not Gazetteer(min_population=15000, cache_dir=tmp_path).from_cache
    assert not stale.exists()


def test_title_of_place_is_no_event_location(nlp, stage: PlaceStage) -> None:  # type: ignore[no-untyped-def]
    text = "Governor JB Pritzker of Illinois praised the police."
    praised = _event(text, "praised", text, "SUPPORT")
    located(nlp, stage, text, praised)
    assert praised.location is None
