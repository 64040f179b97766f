"""Places (issue 15): abbreviations and short forms, context disambiguation, features other than cities,
demonyms and compound words that are not places."""

from __future__ import annotations

import pytest

from eventwire.eval.places import haversine_km
from eventwire.model import Article, Place
from eventwire.places import Gazetteer, PlaceStage
from eventwire.places.gazetteer import normalize

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def stage() -> PlaceStage:
    return PlaceStage()


def places_of(nlp, stage: PlaceStage, text: str, url: str | None = None) -> dict[str, Place]:  # type: ignore[no-untyped-def]
    article = Article(id="t", text=text, url=url)
    stage(article, nlp(text))
    return {text[p.start:p.end]: p for p in article.places if p.start is not None and p.end is not None}


def near(place: Place, lat: float, lon: float, km: float) -> bool:
    assert place.lat is not None and place.lon is not None
    return haversine_km(place.lat, place.lon, lat, lon) <= km


# -- abbreviations and forms -------------------------------------------------------------------

def test_short_forms_and_diacritics_share_one_key() -> None:
    assert normalize("Mt. Kenya") == normalize("Mount Kenya") == "mount kenya"
    assert normalize("St. Louis") == normalize("Saint Louis")
    assert normalize("Ft. Worth") == normalize("Fort Worth")
    assert normalize("São Paulo") == normalize("Sao Paulo") and normalize("Zürich") == "zurich"
    assert normalize("Ma'rib") == normalize("Marib") and normalize("Guinea-Bissau") == "guinea bissau"


def test_state_abbreviations_qualify_and_stand_alone(nlp, stage: PlaceStage) -> None:  # type: ignore[no-untyped-def]
    text = "Floodwaters rose in Springfield, Mass., and in Alexandria, Va., while W.Va. towns stayed dry."
    places = places_of(nlp, stage, text)
    assert places["Springfield"].admin1 == "Massachusetts" and places["Springfield"].geonameid == 4951788
    assert places["Alexandria"].admin1 == "Virginia" and places["Alexandria"].country == "USA"
    assert places["W.Va"].name == "West Virginia"
    va = next(p for surface, p in places.items() if surface.startswith("Va"))
    assert va.name == "Virginia"
    # "Pa." alone is not Pennsylvania (a qualifier-only abbreviation), but after "Place, " it is.
    text = "Crews cleared roads in Erie, Pa., on Monday."
    places = places_of(nlp, stage, text)
    assert places["Erie"].admin1 == "Pennsylvania"


def test_mount_saint_and_fort_forms(nlp, stage: PlaceStage) -> None:  # type: ignore[no-untyped-def]
    text = "Climbers reached Mt. Kenya as storms hit Ft. Worth and St. Louis."
    places = places_of(nlp, stage, text)
    assert places["Mt. Kenya"].name == "Mount Kenya" and near(places["Mt. Kenya"], -0.15, 37.31, 30)
    assert places["Ft. Worth"].name == "Fort Worth" and places["Ft. Worth"].admin1 == "Texas"
    assert near(places["St. Louis"], 38.63, -90.2, 40)


# -- context ------------------------------------------------------------------------------------

def test_same_name_resolved_two_ways_in_two_articles(nlp, stage: PlaceStage) -> None:  # type: ignore[no-untyped-def]
    text = "City officials in Springfield met on Monday. Governor JB Pritzker of Illinois praised them."
    assert places_of(nlp, stage, text)["Springfield"].admin1 == "Illinois"
    text = "Police in Springfield arrested two men. Boston officials said the case would go to court in Suffolk County."
    assert places_of(nlp, stage, text)["Springfield"].admin1 == "Massachusetts"
    # A division named later in the article counts too.
    text = "Portland police clashed with protesters downtown. Oregon's governor called for calm."
    assert places_of(nlp, stage, text)["Portland"].admin1 == "Oregon"
    text = "Portland voters approved the measure. Maine's governor welcomed the result."
    assert places_of(nlp, stage, text)["Portland"].admin1 == "Maine"


def test_dateline_and_outlet_country_are_context(nlp, stage: PlaceStage) -> None:  # type: ignore[no-untyped-def]
    text = "Officials in Hyderabad said the roads were closed."
    # Hyderabad, India is the bigger place; a Pakistani outlet means Hyderabad in Sindh.
    assert places_of(nlp, stage, text)["Hyderabad"].country == "IND"
    assert places_of(nlp, stage, text, url="https://www.dawn.com.pk/news/1")["Hyderabad"].country == "PAK"
    text = "KARACHI, Pakistan (AP) — Officials in Hyderabad said the roads were closed."
    assert places_of(nlp, stage, text)["Hyderabad"].country == "PAK"


def test_country_named_with_its_places_is_the_country(nlp, stage: PlaceStage) -> None:  # type: ignore[no-untyped-def]
    text = "Police detained protesters in Tbilisi and Batumi. Washington criticised Georgia's government."
    places = places_of(nlp, stage, text)
    assert places["Georgia"].country == "GEO" and places["Georgia"].admin1 is None
    text = "Storms hit Atlanta and Savannah. Georgia officials closed schools."
    assert places_of(nlp, stage, text)["Georgia"].admin1 == "Georgia"


# -- features other than cities -------------------------------------------------------------------

def test_rivers_lakes_squares_islands_and_counties(nlp, stage: PlaceStage) -> None:  # type: ignore[no-untyped-def]
    text = ("Protesters filled Tahrir Square in Cairo. Fishermen on Lake Chad reported low water. "
            "The Potomac river flooded roads. Migrants arrived in Lampedusa. "
            "The case went to a court in Suffolk County, Massachusetts.")
    places = places_of(nlp, stage, text)
    assert near(places["Tahrir Square"], 30.044, 31.236, 2) and places["Tahrir Square"].country == "EGY"
    assert near(places["Lake Chad"], 13.3, 14.1, 100)
    assert places["Potomac"].country == "USA" and near(places["Potomac"], 38.9, -77.05, 100)
    assert places["Lampedusa"].country == "ITA"
    suffolk = places["Suffolk County"]
    assert suffolk.geonameid == 4952349 and suffolk.admin1 == "Massachusetts"


def test_feature_word_picks_the_feature_or_division(nlp, stage: PlaceStage) -> None:  # type: ignore[no-untyped-def]
    text = "Troops were deployed to Kaduna state. In Kaduna city, shops stayed shut."
    places = places_of(nlp, stage, text)
    state = next(p for surface, p in places.items() if surface.startswith("Kaduna") and p.start < 40)
    assert state.name == "Kaduna" and state.admin1 == "Kaduna" and state.geonameid == 2335722
    city = next(p for p in places.values() if p.start is not None and p.start > 40)
    assert city.geonameid == 2335727


def test_gazetteer_holds_divisions_and_features() -> None:
    gazetteer = Gazetteer.load()
    assert gazetteer.size["places"] > 200_000
    kinds = {c.kind for c, _ in gazetteer.candidates("Suffolk County")}
    assert "admin2" in kinds
    [(chad, _)] = [pair for pair in gazetteer.candidates("Lake Chad")]
    assert chad.kind == "feature" and chad.feature == "lake"
    assert all(c.geonameid for c, _ in gazetteer.candidates("Kerala") if c.kind == "admin1")
    # Villages of a few hundred people are there too (GeoNames cities500).
    assert any(c.population < 1000 for c, _ in gazetteer.candidates("Barnsdall")) or \
        gazetteer.candidates("Barnsdall")


# -- not places ------------------------------------------------------------------------------------

def test_demonyms_as_modifiers_are_not_places(nlp, stage: PlaceStage) -> None:  # type: ignore[no-untyped-def]
    text = "Russian drones hit the port. Chinese and European diplomats met in Geneva. Arab ministers agreed."
    places = places_of(nlp, stage, text)
    assert list(places) == ["Geneva"]


def test_plain_clothes_is_not_a_place(nlp, stage: PlaceStage) -> None:  # type: ignore[no-untyped-def]
    text = "Plain-clothes officers arrested three journalists in Lagos. Grand jury hearings began."
    assert list(places_of(nlp, stage, text)) == ["Lagos"]
    # A known place in a compound stays a place: "Iran-backed" names Iran.
    text = "The Iran-backed group fired rockets."
    assert [p.country for p in places_of(nlp, stage, text).values()] == ["IRN"]


def test_names_the_recogniser_misreads_are_found_where_places_stand(nlp, stage: PlaceStage) -> None:  # type: ignore[no-untyped-def]
    text = ("Roads in West Springfield and Agawam were closed, and the river spilled into fields near "
            "Northampton and Hadley.")
    places = places_of(nlp, stage, text)
    assert {"Agawam", "Hadley"} <= set(places)
    assert all(p.admin1 == "Massachusetts" for p in places.values())


def test_lower_case_text_is_read_from_its_case_restored_copy(nlp, stage: PlaceStage) -> None:  # type: ignore[no-untyped-def]
    from eventwire.nlp import parse_many

    text = ("police fired tear gas at protesters in patna on monday, and protesters blocked roads near lucknow "
            "in uttar pradesh. plain-clothes officers detained two students.")
    article = Article(id="t", text=text)
    # The pipeline parses a lower-case text from a case-restored copy (eventwire.nlp.parse_many).
    [doc] = parse_many(nlp, [text])
    stage(article, doc)
    places = {text[p.start:p.end]: p for p in article.places if p.start is not None and p.end is not None}
    assert places["patna"].admin1 == "Bihar" and places["lucknow"].admin1 == "Uttar Pradesh"
    assert places["uttar pradesh"].country == "IND"
    assert "plain" not in places
