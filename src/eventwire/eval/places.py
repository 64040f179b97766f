"""Score the places stage on GeoVirus-format or GeoWebNews-style gold.

Two gold formats, told apart by their elements:

* **GeoVirus** (``<articles><article><text/><locations><location>``): every toponym literal,
  located by ``lat``/``lon`` (a Wikipedia page, no GeoNames id).
* **GeoWebNews-style** (``<articles><article id=".."><text/><toponyms><toponym>``): each toponym
  has ``start``, ``end``, ``phrase``, ``type`` (GeoWebNews' taxonomy: ``Literal``,
  ``Literal_Modifier``, ``Noun_Modifier``, ``Metonymic``, ``Embedded_Literal`` are place
  mentions; ``Demonym``, ``Adjective_Modifier``, ``Embedded_Non_Lit``, ``Non_Toponym``,
  ``Homonym``, ``Language`` are not), and for place mentions ``geonamesID`` (or a ``gaztag``
  element with a ``geonameid`` attribute), ``lat``, ``lon``, and optionally ``country`` (ISO3) and
  ``feature`` (country, admin1, admin2, city, or a feature type such as river). The article's
  ``url``, ``outlet``, ``published`` attributes and ``title`` element are passed to the pipeline.
  Offsets are Python ``str`` indices (checked against ``phrase`` like GeoVirus').

Each ``<location>`` has ``name``, ``start``, ``end``, ``lat``, ``lon`` and ``page``.
GeoVirus' own offsets are one past Python's (``text[start-1:end-1] == name``);
other files in the format may use Python offsets. The offset base is therefore
checked per toponym: the gold span is where ``name`` actually is (offset as
given, shifted by one, or the nearest occurrence of the name within a few
characters); toponyms whose name cannot be found are counted at the given
offsets and reported as misaligned.

Reported: detection precision/recall/F1 for exact spans and for overlapping
spans (one-to-one), and, over gold toponyms found (overlap) by a resolved
place, the share within 161 km (100 miles, the usual geoparsing threshold) and
the median and mean error in km. Then "found" (overlap recall) and "resolved
right" (over found mentions: the same GeoNames id, within 161 km, or the same
country for a country — for GeoVirus, whose gold has points only, a mention
resolved to a country is right when the gold point lies in it) in total, per toponym type, per feature class and per
part of the fixed split (``eventwire.eval.split.part_of(article id)``).
A predicted place on a mention that is not a place (a demonym, a place name
inside an organisation's name) is neither a hit nor a false alarm: it is
counted apart, per type, as ``on_non_places``.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import defusedxml.ElementTree as ElementTree

from eventwire.errors import GoldFormatError
from eventwire.model import Article, Place

ACCURACY_KM = 161.0
_SEARCH_WINDOW = 10


# GeoWebNews' toponym types that name a place (found and resolved) and those that do not.
PLACE_TYPES = frozenset({"Literal", "Literal_Modifier", "Noun_Modifier", "Metonymic", "Embedded_Literal", "Mixed"})
NON_PLACE_TYPES = frozenset({"Demonym", "Adjective_Modifier", "Embedded_Non_Lit", "Non_Toponym", "Homonym",
                             "Language", "Non_Lit_Expression"})


@dataclass(slots=True)
class GoldToponym:
    name: str
    start: int
    end: int
    lat: float | None
    lon: float | None
    type: str = "Literal"
    geonameid: int | None = None
    country: str | None = None
    feature: str | None = None

    @property
    def is_place(self) -> bool:
        return self.type in PLACE_TYPES


@dataclass(slots=True)
class GoldArticle:
    id: str
    text: str
    toponyms: list[GoldToponym]
    title: str | None = None
    url: str | None = None
    outlet: str | None = None
    published: str | None = None


def _xml_root(path: str | Path, what: str) -> Any:
    try:
        return ElementTree.parse(str(path)).getroot()
    except (OSError, ElementTree.ParseError) as exc:
        raise GoldFormatError(f"{path}: not a readable {what} XML file: {exc}") from exc


# Reads one <article> element of a file (the file, the element, its number, its text) into a gold article and the
# number of its toponyms whose offsets could not be aligned.
_ArticleReader = Callable[[str | Path, Any, int, str], tuple[GoldArticle, int]]


def _read_articles(path: str | Path, root: Any, read_article: _ArticleReader) -> tuple[list[GoldArticle], int]:
    """The gold articles under ``root`` (each <article> needs a <text>), and how many toponyms were misaligned."""
    articles: list[GoldArticle] = []
    misaligned = 0
    for number, node in enumerate(root.iter("article"), 1):
        text = node.findtext("text")
        if text is None:
            raise GoldFormatError(f"{path}: article {number} has no <text>")
        article, bad = read_article(path, node, number, text)
        articles.append(article)
        misaligned += bad
    if not articles:
        raise GoldFormatError(f"{path}: no <article> elements found")
    return articles, misaligned


def _gold_span(text: str, name: str, start: int, end: int) -> tuple[int, int, bool]:
    """Where ``name`` is in ``text`` near the given offsets (see :func:`_align`) and True; the given offsets and
    False when it cannot be found there."""
    aligned = _align(text, name, start, end)
    return (start, end, False) if aligned is None else (aligned[0], aligned[1], True)


def read_geovirus(path: str | Path, root: Any = None) -> tuple[list[GoldArticle], int]:
    """The gold articles of a GeoVirus XML file, and the number of toponyms whose offsets could not be aligned."""
    return _read_articles(path, _xml_root(path, "GeoVirus") if root is None else root, _geovirus_article)


def _geovirus_article(path: str | Path, node: Any, number: int, text: str) -> tuple[GoldArticle, int]:
    misaligned = 0
    toponyms: list[GoldToponym] = []
    for location in node.iter("location"):
        try:
            name = location.findtext("name") or ""
            start, end = int(location.findtext("start") or ""), int(location.findtext("end") or "")
            lat, lon = float(location.findtext("lat") or ""), float(location.findtext("lon") or "")
        except ValueError as exc:
            raise GoldFormatError(f"{path}: article {number}: location {name!r} has a bad number: {exc}") \
                from exc
        start, end, aligned = _gold_span(text, name, start, end)
        misaligned += 0 if aligned else 1
        toponyms.append(GoldToponym(name, start, end, lat, lon))
    return GoldArticle(f"geovirus-{number}", text, toponyms), misaligned


def _align(text: str, name: str, start: int, end: int) -> tuple[int, int] | None:
    if text[start:end] == name:
        return start, end
    if start > 0 and text[start - 1:end - 1] == name:
        return start - 1, end - 1
    best: int | None = None
    for position in range(max(0, start - _SEARCH_WINDOW), start + _SEARCH_WINDOW + 1):
        if text.startswith(name, position) and (best is None or abs(position - start) < abs(best - start)):
            best = position
    return (best, best + len(name)) if best is not None and name else None


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi, dlmb = phi2 - phi1, math.radians(lon2 - lon1)
    a = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlmb / 2) ** 2
    return 2 * 6371.0088 * math.asin(min(1.0, math.sqrt(a)))


def _prf(tp: int, predicted: int, gold: int) -> dict[str, float]:
    precision = tp / predicted if predicted else 0.0
    recall = tp / gold if gold else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": round(precision, 4), "recall": round(recall, 4), "f1": round(f1, 4)}


def resolved_right(place: Place, gold: GoldToponym) -> bool:
    """The same GeoNames id, within 161 km, or the same country for a country.

    A gold toponym without a kind (GeoVirus: a point only) counts as a country when the place resolved is
    one; its country is then where its point lies (the country of the nearest GeoNames populated place).
    """
    if place.lat is None or place.lon is None:
        return False
    if gold.geonameid is not None and place.geonameid == gold.geonameid:
        return True
    if gold.feature == "country" and gold.country is not None and place.country == gold.country:
        return True
    if gold.feature is None and gold.lat is not None and gold.lon is not None and _is_country(place):
        from eventwire.places import Gazetteer

        if place.country == Gazetteer.load().country_at(gold.lat, gold.lon):
            return True
    return gold.lat is not None and gold.lon is not None and \
        haversine_km(place.lat, place.lon, gold.lat, gold.lon) <= ACCURACY_KM


def _is_country(place: Place) -> bool:
    from eventwire.places import Gazetteer

    country = Gazetteer.load().countries.get(place.country or "")
    return country is not None and place.geonameid == country.geonameid


def _rate(part: int, whole: int) -> float:
    return round(part / whole, 4) if whole else 0.0


def _tally() -> dict[str, int]:
    return {"gold": 0, "found": 0, "resolved_right": 0}


def score(gold: list[GoldArticle], predicted: list[list[Place]]) -> dict[str, Any]:
    """Detection and resolution scores of ``predicted`` places (one list per gold article)."""
    n_gold = sum(1 for a in gold for t in a.toponyms if t.is_place)
    n_pred = 0
    exact = overlap = 0
    errors: list[float] = []
    by_type: dict[str, dict[str, int]] = {}
    by_feature: dict[str, dict[str, int]] = {}
    on_non_places: dict[str, int] = {}
    right = 0
    for article, places in zip(gold, predicted, strict=True):
        spans = [p for p in places if p.start is not None and p.end is not None]
        used: set[int] = set()
        neutral = 0
        for toponym in article.toponyms:
            match = next((i for i, p in enumerate(spans) if i not in used
                          and p.start < toponym.end and toponym.start < p.end), None)  # type: ignore[operator]
            if not toponym.is_place:
                if match is not None:
                    used.add(match)
                    neutral += 1
                    on_non_places[toponym.type] = on_non_places.get(toponym.type, 0) + 1
                continue
            tallies = [by_type.setdefault(toponym.type, _tally())]
            if toponym.feature:
                tallies.append(by_feature.setdefault(toponym.feature, _tally()))
            for tally in tallies:
                tally["gold"] += 1
            if match is None:
                continue
            used.add(match)
            overlap += 1
            place = spans[match]
            exact += (place.start, place.end) == (toponym.start, toponym.end)
            for tally in tallies:
                tally["found"] += 1
            if place.lat is not None and place.lon is not None and toponym.lat is not None \
                    and toponym.lon is not None:
                errors.append(haversine_km(place.lat, place.lon, toponym.lat, toponym.lon))
            if resolved_right(place, toponym):
                right += 1
                for tally in tallies:
                    tally["resolved_right"] += 1
        n_pred += len(spans) - neutral
    within = sum(1 for e in errors if e <= ACCURACY_KM)

    def rates(tally: dict[str, int]) -> dict[str, float | int]:
        return {**tally, "found_rate": _rate(tally["found"], tally["gold"]),
                "right_rate": _rate(tally["resolved_right"], tally["found"])}

    return {
        "articles": len(gold), "gold_toponyms": n_gold, "predicted_toponyms": n_pred,
        "detection_exact": _prf(exact, n_pred, n_gold),
        "detection_overlap": _prf(overlap, n_pred, n_gold),
        "resolution": {
            "resolved": len(errors),
            "accuracy_161km": round(within / len(errors), 4) if errors else 0.0,
            "median_error_km": round(statistics.median(errors), 1) if errors else None,
            "mean_error_km": round(statistics.fmean(errors), 1) if errors else None,
            # Gold toponyms both found and placed within 161 km, over all gold toponyms.
            "end_to_end_161km": round(within / n_gold, 4) if n_gold else 0.0,
        },
        # The issue-15 measures: found (overlap recall) and, of those, resolved right (id, 161 km, country).
        "found": rates({"gold": n_gold, "found": overlap, "resolved_right": right}),
        "by_type": {key: rates(value) for key, value in sorted(by_type.items())},
        "by_feature": {key: rates(value) for key, value in sorted(by_feature.items())},
        "on_non_places": dict(sorted(on_non_places.items())),
    }


def read_gold(path: str | Path) -> tuple[list[GoldArticle], int]:
    """Gold articles from a GeoVirus or GeoWebNews-style XML file, or from every ``*.xml`` of a directory."""
    source = Path(path)
    files = sorted(source.glob("*.xml")) if source.is_dir() else [source]
    if not files:
        raise GoldFormatError(f"{path}: no .xml gold files in this directory")
    articles: list[GoldArticle] = []
    misaligned = 0
    for file in files:
        root = _xml_root(file, "gold")
        reader = read_geowebnews if root.find(".//toponyms") is not None else read_geovirus
        found, bad = reader(file, root)
        articles.extend(found)
        misaligned += bad
    return articles, misaligned


def read_geowebnews(path: str | Path, root: Any = None) -> tuple[list[GoldArticle], int]:
    """The gold articles of a GeoWebNews-style XML file, and the number of toponyms whose offsets could not
    be aligned."""
    return _read_articles(path, _xml_root(path, "GeoWebNews") if root is None else root, _geowebnews_article)


def _geowebnews_article(path: str | Path, node: Any, number: int, text: str) -> tuple[GoldArticle, int]:
    misaligned = 0
    article_id = node.get("id") or f"{Path(path).stem}-{number}"
    toponyms: list[GoldToponym] = []
    for element in node.iter("toponym"):
        phrase = element.findtext("phrase") or ""
        kind = (element.findtext("type") or "Literal").strip()
        if kind not in PLACE_TYPES and kind not in NON_PLACE_TYPES:
            raise GoldFormatError(f"{path}: article {article_id}: toponym {phrase!r} has unknown type {kind!r}")
        gaztag = element.find("gaztag")
        where = gaztag if gaztag is not None else element
        try:
            start, end = int(element.findtext("start") or ""), int(element.findtext("end") or "")
            lat, lon = _number(where.findtext("lat")), _number(where.findtext("lon"))
            ident = (gaztag.get("geonameid") if gaztag is not None else None) or element.findtext("geonamesID")
            geonameid = int(ident) if ident and ident.strip() else None
        except ValueError as exc:
            raise GoldFormatError(f"{path}: article {article_id}: toponym {phrase!r} has a bad number: {exc}") \
                from exc
        if kind in PLACE_TYPES and geonameid is None and (lat is None or lon is None):
            raise GoldFormatError(f"{path}: article {article_id}: place {phrase!r} has neither a GeoNames id "
                                  "nor coordinates")
        start, end, aligned = _gold_span(text, phrase, start, end)
        misaligned += 0 if aligned else 1
        toponyms.append(GoldToponym(phrase, start, end, lat, lon, kind, geonameid,
                                    (element.findtext("country") or "").strip() or None,
                                    (element.findtext("feature") or "").strip() or None))
    return GoldArticle(article_id, text, toponyms, node.findtext("title"), node.get("url"), node.get("outlet"),
                       node.get("published")), misaligned


def _number(value: str | None) -> float | None:
    return float(value) if value is not None and value.strip() else None


def evaluate(path: str | Path, model: str | None = None) -> dict[str, Any]:
    """Run the pipeline's actor and place stages on the gold texts and score the places (also per part)."""
    from eventwire.eval.split import PARTS, part_of
    from eventwire.pipeline import STAGE_FACTORIES, Pipeline, PipelineConfig

    gold, misaligned = read_gold(path)
    keep = ("actors", "places")
    if "places" not in {name for name, _ in STAGE_FACTORIES}:
        from eventwire.places import PlaceStage

        pipeline = Pipeline(PipelineConfig(model=model), stages=[PlaceStage()])
    else:
        disabled = tuple(name for name, _ in STAGE_FACTORIES if name not in keep)
        pipeline = Pipeline(PipelineConfig(model=model, disabled=disabled))
    articles = [Article(id=g.id, text=g.text, title=g.title, url=g.url, outlet=g.outlet, published=g.published)
                for g in gold]
    annotated = list(pipeline.pipe(articles))
    predicted = [a.places for a in annotated]
    report = score(gold, predicted)
    report["gold"] = str(path)
    report["misaligned_gold_offsets"] = misaligned
    # Only aggregate figures per part: the checking part is never shown item by item.
    report["parts"] = {}
    for part in PARTS:
        chosen = [i for i, g in enumerate(gold) if part_of(g.id) == part]
        if chosen:
            sub = score([gold[i] for i in chosen], [predicted[i] for i in chosen])
            report["parts"][part] = {key: sub[key] for key in ("articles", "gold_toponyms", "found", "by_type",
                                                               "by_feature", "on_non_places")}
    return report
