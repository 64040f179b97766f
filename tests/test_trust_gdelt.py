"""GDELT export: one row per directed pair of a symmetric event, and GDELT's ActionGeo_Type from the
gazetteer's feature class (issue 14, item 3)."""

from __future__ import annotations

from pathlib import Path

import pytest

from eventwire.export import EXPORTERS
from eventwire.export.gdelt import GDELT_HEADER, gdelt_rows
from eventwire.model import Article, Party, Place
from eventwire.store import Store
from support.trust import build_trust_db, symmetric_article
from support.web import make_event, span

COLUMN = {name: i for i, name in enumerate(GDELT_HEADER)}
EMPTY_GEO = [""] * 8


def _expected(actor1: list[str], actor2: list[str]) -> list[str]:
    """The hand-written GDELT row of "Washington and Baghdad are negotiating" (2017-12-20, located in Iraq),
    without GLOBALEVENTID and DATEADDED (a hash and the export time)."""
    return [
        "20171220", "201712", "2017", "2017.9671",
        *actor1, *actor2,
        "1", "040", "040", "04", "1", "1.0", "1", "1", "1", "",
        *EMPTY_GEO, *EMPTY_GEO,
        "1", "Iraq", "", "", "", "33.0", "44.0", "99237",
        "https://example.org/talks",
    ]


USA = ["USAGOV", "UNITED STATES", "USA", "", "", "", "", "GOV", "", ""]
IRQ = ["IRQGOV", "IRAQ", "IRQ", "", "", "", "", "GOV", "", ""]


def _without_stamps(row: list[str]) -> list[str]:
    return [v for i, v in enumerate(row) if i not in (COLUMN["GLOBALEVENTID"], COLUMN["DATEADDED"])]


def test_symmetric_event_is_one_row_per_directed_pair(tmp_path: Path) -> None:
    db = tmp_path / "gdelt.duckdb"
    build_trust_db(db, [symmetric_article()])
    out = tmp_path / "events.tsv"
    with Store(db, read_only=True) as store:
        count = EXPORTERS["gdelt"](store, out)
    rows = [line.split("\t") for line in out.read_text(encoding="utf-8").splitlines()]
    assert count == len(rows) and all(len(row) == 61 for row in rows)
    consult = [r for r in rows if r[COLUMN["EventCode"]] == "040"]
    assert [_without_stamps(r) for r in consult] == [_expected(USA, IRQ), _expected(IRQ, USA)]
    assert len({r[COLUMN["GLOBALEVENTID"]] for r in rows}) == len(rows)
    # Two groups marching together did not protest against each other: one row per actor, no Actor2.
    protest = [r for r in rows if r[COLUMN["EventCode"]] == "141"]
    assert [(r[COLUMN["Actor1Code"]], r[COLUMN["Actor2Code"]]) for r in protest] == [("IRQCVL", ""), ("IRQEDU", "")]


def _located(place: Place) -> Article:
    text = "Police arrested protesters there."
    event = make_event(text, "e1", "COERCE", span(text, "arrested"), [Party(None, "Police", "USA", "COP")],
                       [Party(None, "protesters", "USA", "CVL")], 4, -5.0, "2020-06-01", cameo="173",
                       location=place)
    return Article("geo", text, None, None, None, "2020-06-01", "en", [], [], [event], places=[place])


def _gazetteer_place(name: str, kind: str, country: str) -> Place:
    """The place as the places stage writes it for this gazetteer entry (its name, point rounded to 5 decimals):
    built from the gazetteer, so the test follows its data."""
    from eventwire.places.gazetteer import Gazetteer

    entry = next(c for c, _ in Gazetteer.load().candidates(name) if c.kind == kind and c.country == country)
    return Place(entry.name, None, None, entry.country, entry.admin1 if kind != "country" else None,
                 round(entry.lat, 5), round(entry.lon, 5), entry.geonameid)


# (name, gazetteer feature class, country) -> GDELT ActionGeo_Type
GEO_TYPES = [
    ("Iraq", "country", "IRQ", "1"),
    ("Texas", "admin1", "USA", "2"),  # US state
    ("Houston", "city", "USA", "3"),  # US city
    ("Basrah", "city", "IRQ", "4"),  # world city
    ("Baghdad", "capital", "IRQ", "4"),  # a capital is a city
    ("Basra", "admin1", "IRQ", "5"),  # the governorate bears the city's name: world state
]


@pytest.mark.parametrize(("name", "kind", "country", "expected"), GEO_TYPES,
                         ids=[f"{n}-{k}" for n, k, *_ in GEO_TYPES])
def test_action_geo_type_comes_from_the_feature_class(name: str, kind: str, country: str, expected: str) -> None:
    place = _gazetteer_place(name, kind, country)
    [row] = list(gdelt_rows([_located(place)], added="20240101000000"))
    assert row[COLUMN["ActionGeo_Type"]] == expected
    assert row[COLUMN["ActionGeo_FullName"]] == place.name


def test_unresolved_place_has_no_geo_type() -> None:
    [row] = list(gdelt_rows([_located(Place("Atlantis"))], added="20240101000000"))
    assert row[COLUMN["ActionGeo_Type"]] == "" and row[COLUMN["ActionGeo_FullName"]] == "Atlantis"
