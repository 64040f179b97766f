"""Turn the hand-annotated markup in ``markup/*.txt`` into the GeoWebNews-style gold file ``places.xml``.

A markup file starts with ``key: value`` header lines (``id``, ``title``, ``url``, ``outlet``,
``published``), then a line ``---``, then the article text, in which every toponym is written
``[[phrase|type|where]]``:

* ``type`` is a GeoWebNews toponym type (``Literal``, ``Literal_Modifier``, ``Noun_Modifier``,
  ``Metonymic``, ``Embedded_Literal``; not places: ``Demonym``, ``Adjective_Modifier``,
  ``Embedded_Non_Lit``, ``Non_Toponym``, ``Homonym``, ``Language``);
* ``where`` (places only) names the GeoNames entry: ``name/ISO3[/admin1][/kind]`` — looked up in
  the installed GeoNames extracts, and it must single out exactly one entry, whose id, point,
  country and kind go into the gold — or, for a place those extracts lack, ``@lat,lon/ISO3/feature``
  with coordinates read off a map by the annotator.

Run ``python tests/gold/places/build_gold.py`` after editing the markup; the XML is what the evaluation
reads (``eventwire eval places tests/gold/places/places.xml``). The articles are written by the
eventwire developers for this set (realistic local, regional and world news, no copied text).
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

from eventwire.eval.split import split_ids
from eventwire.places.gazetteer import Candidate, Gazetteer

HERE = Path(__file__).resolve().parent
TOPONYM = re.compile(r"\[\[([^|\]]+)\|([A-Za-z_]+)(?:\|([^\]]+))?\]\]")
ERRORS: list[str] = []
PLACE_TYPES = {"Literal", "Literal_Modifier", "Noun_Modifier", "Metonymic", "Embedded_Literal"}


def entry(gazetteer: Gazetteer, where: str) -> tuple[int | None, float, float, str | None, str]:
    """(GeoNames id, lat, lon, ISO3, feature) of an annotation's ``where``."""
    parts = where.split("/")
    if parts[0].startswith("@"):
        lat, lon = (float(x) for x in parts[0][1:].split(","))
        return None, lat, lon, parts[1] or None, parts[2]
    name, country = parts[0], parts[1]
    admin1 = parts[2] if len(parts) > 2 and parts[2] else None
    kind = parts[3] if len(parts) > 3 else None
    found: list[Candidate] = []
    readings = gazetteer.candidates(name)
    if any(not alternate for _, alternate in readings):
        # The entry called so by its own name, not another that lists it among alternate names.
        readings = [pair for pair in readings if not pair[1]]
    for candidate, _ in readings:
        if candidate.country != (country or None):
            continue
        if admin1 and candidate.admin1 != admin1:
            continue
        if kind and kind not in (candidate.kind, candidate.feature):
            continue
        if candidate not in found:
            found.append(candidate)
    if not kind and len(found) > 1:
        # Several kinds share the name: a city (or capital) unless the annotation says otherwise.
        cities = [c for c in found if c.kind in ("city", "capital", "country")]
        found = cities or found
    if len(found) != 1:
        options = ", ".join(f"{c.name}/{c.country}/{c.admin1}/{c.kind}({c.population})" for c in found)
        raise LookupError(f"{where!r} matches {len(found)} entries: {options or 'none'}")
    c = found[0]
    feature = {"capital": "city"}.get(c.kind, c.kind)
    if c.kind == "feature" and c.feature:
        feature = c.feature
    return c.geonameid, c.lat, c.lon, c.country, feature


def convert(path: Path, gazetteer: Gazetteer) -> str:
    header, _, body = path.read_text(encoding="utf-8").partition("\n---\n")
    body = body.lstrip("\n")
    meta = dict(line.split(": ", 1) for line in header.splitlines() if line.strip())
    text_parts: list[str] = []
    toponyms: list[str] = []
    position = 0
    length = 0
    for match in TOPONYM.finditer(body):
        before = body[position:match.start()]
        text_parts.append(before)
        length += len(before)
        phrase, kind, where = match.group(1), match.group(2), match.group(3)
        start = length
        text_parts.append(phrase)
        length += len(phrase)
        position = match.end()
        fields = [f"<start>{start}</start>", f"<end>{start + len(phrase)}</end>", f"<phrase>{escape(phrase)}</phrase>",
                  f"<type>{kind}</type>"]
        if kind in PLACE_TYPES:
            if not where:
                raise SystemExit(f"{path.name}: place {phrase!r} has no GeoNames entry")
            try:
                geonameid, lat, lon, country, feature = entry(gazetteer, where)
            except LookupError as exc:
                ERRORS.append(f"{path.name}: {exc}")
                continue
            fields += [f"<geonamesID>{geonameid if geonameid is not None else ''}</geonamesID>",
                       f"<lat>{lat:.5f}</lat>", f"<lon>{lon:.5f}</lon>", f"<country>{country or ''}</country>",
                       f"<feature>{feature}</feature>"]
        toponyms.append(f"      <toponym>{''.join(fields)}</toponym>")
    text_parts.append(body[position:])
    text = "".join(text_parts).rstrip("\n")
    attributes = "".join(f" {key}={quoteattr(meta[key])}" for key in ("id", "url", "outlet", "published")
                         if key in meta)
    title = f"    <title>{escape(meta['title'])}</title>\n" if "title" in meta else ""
    return (f"  <article{attributes}>\n{title}    <text>{escape(text)}</text>\n    <toponyms>\n"
            + "\n".join(toponyms) + "\n    </toponyms>\n  </article>")


def main() -> None:
    gazetteer = Gazetteer.load()
    articles = [convert(path, gazetteer) for path in sorted((HERE / "markup").glob("*.txt"))]
    if ERRORS:
        raise SystemExit("\n".join(ERRORS))
    out = HERE / "places.xml"
    out.write_text("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<!-- Generated by build_gold.py from markup/: "
                   "edit the markup, not this file. -->\n<articles>\n" + "\n".join(articles) + "\n</articles>\n",
                   encoding="utf-8")
    # The split into tuning and checking parts (ids only), as eventwire.eval.split deals it.
    ids = [{"id": match} for match in re.findall(r'<article id="([^"]+)"', "\n".join(articles))]
    split = {"comment": "Ids of places.xml in each part of eventwire.eval.split.part_of: the tuning part may be "
                        "read item by item, the checking part is only scored. Written by build_gold.py.",
             **split_ids(ids)}
    (HERE / "split.json").write_text(json.dumps(split, indent=1) + "\n", encoding="utf-8")
    print(f"{out}: {len(articles)} articles", file=sys.stderr)


if __name__ == "__main__":
    main()
