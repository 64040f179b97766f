"""Score the places stage on GeoVirus-format gold (``<articles><article><text/><locations/>``).

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
the median and mean error in km.
"""

from __future__ import annotations

import math
import statistics
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import defusedxml.ElementTree as ElementTree

from eventwire.errors import GoldFormatError
from eventwire.model import Article, Place

ACCURACY_KM = 161.0
_SEARCH_WINDOW = 10


@dataclass(slots=True)
class GoldToponym:
    name: str
    start: int
    end: int
    lat: float
    lon: float


@dataclass(slots=True)
class GoldArticle:
    id: str
    text: str
    toponyms: list[GoldToponym]


def read_geovirus(path: str | Path) -> tuple[list[GoldArticle], int]:
    """The gold articles of a GeoVirus XML file, and the number of toponyms whose offsets could not be aligned."""
    try:
        root = ElementTree.parse(str(path)).getroot()
    except (OSError, ElementTree.ParseError) as exc:
        raise GoldFormatError(f"{path}: not a readable GeoVirus XML file: {exc}") from exc
    articles: list[GoldArticle] = []
    misaligned = 0
    for number, node in enumerate(root.iter("article"), 1):
        text = node.findtext("text")
        if text is None:
            raise GoldFormatError(f"{path}: article {number} has no <text>")
        toponyms: list[GoldToponym] = []
        for location in node.iter("location"):
            try:
                name = location.findtext("name") or ""
                start, end = int(location.findtext("start") or ""), int(location.findtext("end") or "")
                lat, lon = float(location.findtext("lat") or ""), float(location.findtext("lon") or "")
            except ValueError as exc:
                raise GoldFormatError(f"{path}: article {number}: location {name!r} has a bad number: {exc}") \
                    from exc
            aligned = _align(text, name, start, end)
            if aligned is None:
                misaligned += 1
                aligned = (start, end)
            toponyms.append(GoldToponym(name, aligned[0], aligned[1], lat, lon))
        articles.append(GoldArticle(f"geovirus-{number}", text, toponyms))
    if not articles:
        raise GoldFormatError(f"{path}: no <article> elements found")
    return articles, misaligned


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


def score(gold: list[GoldArticle], predicted: list[list[Place]]) -> dict[str, Any]:
    """Detection and resolution scores of ``predicted`` places (one list per gold article)."""
    n_gold = sum(len(a.toponyms) for a in gold)
    n_pred = sum(1 for places in predicted for p in places if p.start is not None)
    exact = overlap = 0
    errors: list[float] = []
    for article, places in zip(gold, predicted, strict=True):
        spans = [p for p in places if p.start is not None and p.end is not None]
        exact_keys = {(p.start, p.end) for p in spans}
        exact += sum(1 for t in article.toponyms if (t.start, t.end) in exact_keys)
        used: set[int] = set()
        for toponym in article.toponyms:
            match = next((i for i, p in enumerate(spans) if i not in used
                          and p.start < toponym.end and toponym.start < p.end), None)  # type: ignore[operator]
            if match is None:
                continue
            used.add(match)
            overlap += 1
            place = spans[match]
            if place.lat is not None and place.lon is not None:
                errors.append(haversine_km(place.lat, place.lon, toponym.lat, toponym.lon))
    within = sum(1 for e in errors if e <= ACCURACY_KM)
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
    }


def evaluate(path: str | Path, model: str | None = None) -> dict[str, Any]:
    """Run the pipeline's actor and place stages on the gold texts and score the places."""
    from eventwire.pipeline import STAGE_FACTORIES, Pipeline, PipelineConfig

    gold, misaligned = read_geovirus(path)
    keep = ("actors", "places")
    if "places" not in {name for name, _ in STAGE_FACTORIES}:
        from eventwire.places import PlaceStage

        pipeline = Pipeline(PipelineConfig(model=model), stages=[PlaceStage()])
    else:
        disabled = tuple(name for name, _ in STAGE_FACTORIES if name not in keep)
        pipeline = Pipeline(PipelineConfig(model=model, disabled=disabled))
    articles = [Article(id=g.id, text=g.text) for g in gold]
    annotated = list(pipeline.pipe(articles))
    report = score(gold, [a.places for a in annotated])
    report["gold"] = str(path)
    report["misaligned_gold_offsets"] = misaligned
    return report
