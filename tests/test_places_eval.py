"""``eventwire eval places``: GeoVirus reading, scoring and the command."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import shared_path
from eventwire.cli import app
from eventwire.errors import GoldFormatError
from eventwire.eval.places import GoldArticle, GoldToponym, haversine_km, read_geovirus, score
from eventwire.model import Place

TEXT = "Heavy rain fell on Nairobi and Mombasa in Kenya on Monday, officials said."


def _gold_xml(offset_base: int) -> str:
    rows = []
    for name, lat, lon in (("Nairobi", -1.28, 36.82), ("Mombasa", -4.05, 39.67), ("Kenya", 1.0, 38.0)):
        start = TEXT.index(name) + offset_base
        rows.append(f"<location><name>{name}</name><start>{start}</start><end>{start + len(name)}</end>"
                    f"<lat>{lat}</lat><lon>{lon}</lon><page>https://example.org/{name}</page></location>")
    return (f"<articles><article><source>https://example.org/a</source><text>{TEXT}</text>"
            f"<locations>{''.join(rows)}</locations></article></articles>")


@pytest.mark.parametrize("offset_base", [0, 1])
def test_read_geovirus_aligns_both_offset_conventions(tmp_path: Path, offset_base: int) -> None:
    path = tmp_path / "gold.xml"
    path.write_text(_gold_xml(offset_base), encoding="utf-8")
    [article], misaligned = read_geovirus(path)
    assert misaligned == 0
    assert [TEXT[t.start:t.end] for t in article.toponyms] == ["Nairobi", "Mombasa", "Kenya"]


def test_read_geovirus_rejects_bad_files(tmp_path: Path) -> None:
    broken = tmp_path / "broken.xml"
    broken.write_text("<articles><article>", encoding="utf-8")
    with pytest.raises(GoldFormatError, match=r"broken\.xml"):
        read_geovirus(broken)
    empty = tmp_path / "empty.xml"
    empty.write_text("<articles/>", encoding="utf-8")
    with pytest.raises(GoldFormatError, match="no <article>"):
        read_geovirus(empty)
    bad_number = tmp_path / "bad.xml"
    bad_number.write_text(_gold_xml(0).replace("<lat>-1.28</lat>", "<lat>south</lat>"), encoding="utf-8")
    with pytest.raises(GoldFormatError, match="Nairobi"):
        read_geovirus(bad_number)


def test_score_counts_exact_overlap_and_distance() -> None:
    gold = [GoldArticle("a", TEXT, [GoldToponym("Nairobi", 19, 26, -1.28, 36.82),
                                    GoldToponym("Kenya", 42, 47, 1.0, 38.0)])]
    predicted = [[Place("Nairobi", 19, 26, "KEN", None, -1.28, 36.82),  # exact, 0 km
                  Place("Kenya", 41, 47, "KEN", None, 5.0, 38.0),  # overlapping, ~445 km off
                  Place("Monday", 51, 57)]]  # spurious
    report = score(gold, predicted)
    assert report["detection_exact"] == {"precision": round(1 / 3, 4), "recall": 0.5, "f1": 0.4}
    assert report["detection_overlap"]["recall"] == 1.0
    assert report["resolution"]["resolved"] == 2
    assert report["resolution"]["accuracy_161km"] == 0.5
    assert report["resolution"]["median_error_km"] == pytest.approx(haversine_km(1, 38, 5, 38) / 2, abs=0.1)


def test_haversine_known_distance() -> None:
    # Paris to London is about 344 km.
    assert haversine_km(48.8566, 2.3522, 51.5074, -0.1278) == pytest.approx(344, abs=2)


@pytest.mark.slow
def test_eval_places_command_json(tmp_path: Path) -> None:
    path = tmp_path / "gold.xml"
    path.write_text(_gold_xml(1), encoding="utf-8")
    result = CliRunner().invoke(app, ["eval", "places", str(path), "--format", "json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["gold_toponyms"] == 3
    assert report["detection_exact"]["recall"] == 1.0
    assert report["resolution"]["accuracy_161km"] == 1.0


@pytest.mark.slow
def test_eval_places_on_geovirus_sample(tmp_path: Path) -> None:
    source = shared_path("eval", "GeoVirus.xml").read_text(encoding="utf-8")
    # The first ten articles: enough to catch a regression, quick to run.
    parts = source.split("</article>")
    sample = tmp_path / "sample.xml"
    sample.write_text("</article>".join(parts[:10]) + "</article></articles>", encoding="utf-8")
    result = CliRunner().invoke(app, ["eval", "places", str(sample)])
    assert result.exit_code == 0, result.output
    assert "within 161 km" in result.output
    from eventwire.eval.places import evaluate

    report = evaluate(sample)
    assert report["articles"] == 10 and report["misaligned_gold_offsets"] == 0
    assert report["detection_overlap"]["f1"] > 0.75
    assert report["resolution"]["accuracy_161km"] > 0.6


# -- GeoWebNews-style gold -----------------------------------------------------------------------

GWN_TEXT = "Russian troops shelled Kharkiv as Washington urged talks; USA Today reported from Georgia."


def _gwn_xml() -> str:
    def toponym(phrase: str, kind: str, extra: str = "") -> str:
        start = GWN_TEXT.index(phrase)
        return (f"<toponym><start>{start}</start><end>{start + len(phrase)}</end><phrase>{phrase}</phrase>"
                f"<type>{kind}</type>{extra}</toponym>")
    rows = [
        toponym("Russian", "Adjective_Modifier"),
        toponym("Kharkiv", "Literal", "<geonamesID>706483</geonamesID><lat>49.98</lat><lon>36.25</lon>"
                "<feature>city</feature>"),
        toponym("Washington", "Metonymic", "<gaztag geonameid=\"4140963\"><lat>38.9</lat><lon>-77.04</lon></gaztag>"),
        toponym("USA", "Embedded_Non_Lit"),
        toponym("Georgia", "Literal", "<geonamesID>614540</geonamesID><lat>42.0</lat><lon>43.5</lon>"
                "<country>GEO</country><feature>country</feature>"),
    ]
    return (f"<articles><article id=\"gwn-1\" url=\"https://example.ge/a\"><title>T</title><text>{GWN_TEXT}</text>"
            f"<toponyms>{''.join(rows)}</toponyms></article></articles>")


def test_read_geowebnews_types_ids_and_metadata(tmp_path: Path) -> None:
    from eventwire.eval.places import read_gold

    path = tmp_path / "gwn.xml"
    path.write_text(_gwn_xml(), encoding="utf-8")
    [article], misaligned = read_gold(path)
    assert misaligned == 0 and article.id == "gwn-1" and article.url == "https://example.ge/a"
    assert [(t.name, t.type, t.is_place) for t in article.toponyms] == [
        ("Russian", "Adjective_Modifier", False), ("Kharkiv", "Literal", True), ("Washington", "Metonymic", True),
        ("USA", "Embedded_Non_Lit", False), ("Georgia", "Literal", True)]
    assert article.toponyms[2].geonameid == 4140963 and article.toponyms[4].country == "GEO"
    bad = tmp_path / "bad.xml"
    bad.write_text(_gwn_xml().replace("Metonymic", "Sarcastic"), encoding="utf-8")
    with pytest.raises(GoldFormatError, match="unknown type"):
        read_gold(bad)


def test_score_found_and_resolved_right_by_type() -> None:
    gold = GoldArticle("gwn-1", GWN_TEXT, [])
    kharkiv, washington, georgia = GWN_TEXT.index("Kharkiv"), GWN_TEXT.index("Washington"), GWN_TEXT.index("Georgia")
    gold.toponyms = [
        GoldToponym("Russian", 0, 7, None, None, "Adjective_Modifier"),
        GoldToponym("Kharkiv", kharkiv, kharkiv + 7, 49.98, 36.25, "Literal", 706483, "UKR", "city"),
        GoldToponym("Washington", washington, washington + 10, 38.9, -77.04, "Metonymic", 4140963),
        GoldToponym("Georgia", georgia, georgia + 7, 42.0, 43.5, "Literal", 614540, "GEO", "country"),
    ]
    predicted = [[
        Place("Russia", 0, 7, "RUS", None, 61.5, 105.3, 2017370),  # on a demonym: neither hit nor false alarm
        Place("Kharkiv", kharkiv, kharkiv + 7, "UKR", "Kharkiv", 50.9, 36.25, 706483),  # same id, 100 km off
        Place("Washington", washington, washington + 10, "USA", "Washington", 47.5, -120.5, 5815135),  # wrong
        Place("Georgia", georgia, georgia + 7, "GEO", None, 41.0, 45.0, 999),  # same country, another point
    ]]
    report = score([gold], predicted)
    assert report["gold_toponyms"] == 3 and report["predicted_toponyms"] == 3
    assert report["found"] == {"gold": 3, "found": 3, "resolved_right": 2, "found_rate": 1.0, "right_rate": 0.6667}
    assert report["by_type"]["Metonymic"]["resolved_right"] == 0
    assert report["by_type"]["Literal"]["right_rate"] == 1.0
    assert report["by_feature"]["country"]["resolved_right"] == 1
    assert report["on_non_places"] == {"Adjective_Modifier": 1}


@pytest.mark.slow
def test_eval_places_on_own_gold_reports_both_parts() -> None:
    from eventwire.eval.places import evaluate
    from eventwire.eval.split import part_of

    path = Path(__file__).parent / "gold" / "places" / "places.xml"
    report = evaluate(path)
    assert report["articles"] >= 15 and report["misaligned_gold_offsets"] == 0
    assert set(report["parts"]) == {"tuning", "checking"}
    assert sum(part["articles"] for part in report["parts"].values()) == report["articles"]
    # The split is the fixed hash of the article id.
    assert part_of("gw-springfield-river-flood") in report["parts"]
    assert report["found"]["found_rate"] > 0.8 and report["found"]["right_rate"] > 0.8
    assert report["on_non_places"].get("Adjective_Modifier", 0) == 0  # demonyms are never places


def test_own_gold_split_is_recorded_and_matches_the_hash() -> None:
    from eventwire.eval.places import read_gold
    from eventwire.eval.split import part_of

    folder = Path(__file__).parent / "gold" / "places"
    recorded = json.loads((folder / "split.json").read_text(encoding="utf-8"))
    articles, misaligned = read_gold(folder / "places.xml")
    assert misaligned == 0 and len(articles) >= 15
    assert sorted(recorded["tuning"] + recorded["checking"]) == sorted(a.id for a in articles)
    for part in ("tuning", "checking"):
        assert all(part_of(article_id) == part for article_id in recorded[part])
