"""Country knowledge shared by the stages: names, aliases, demonyms and capitals; GeoNames ids and centroids.

``COUNTRIES`` (``data/countries.tsv``) is read with :func:`read_country_file`; ``COUNTRY_POINTS``
(``data/country_points.tsv``, rebuilt by :mod:`eventwire.places.build_data`) is a plain tab-separated table
the places gazetteer reads. Formats are in each file's header.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from eventwire.datafiles import numbered_rows
from eventwire.errors import DictionaryFormatError

DATA = Path(__file__).parent / "data"
COUNTRIES = DATA / "countries.tsv"
COUNTRY_POINTS = DATA / "country_points.tsv"
COUNTRY_COLUMNS: tuple[str, ...] = ("id", "iso3", "name", "aliases", "demonyms", "capitals")


@dataclass(slots=True)
class CountryInfo:
    iso3: str
    name: str
    demonyms: list[str]
    capitals: list[str]


def _split(value: str) -> list[str]:
    return [v.strip() for v in value.split("|") if v.strip()]


def read_country_file(path: Path = COUNTRIES) -> tuple[list[tuple[CountryInfo, list[str]]],
                                                      list[DictionaryFormatError]]:
    """Each country of a country table with its aliases, and a format error for each line that is not one."""
    rows: list[tuple[CountryInfo, list[str]]] = []
    errors: list[DictionaryFormatError] = []
    for number, fields in numbered_rows(path, len(COUNTRY_COLUMNS), header=COUNTRY_COLUMNS[0], names=COUNTRY_COLUMNS,
                                        errors=errors):
        _, iso3, name, aliases, demonyms, capitals = fields
        if len(iso3) != 3 or not iso3.isalpha() or not iso3.isupper():
            errors.append(DictionaryFormatError(str(path), number, f"{iso3!r} is not an ISO 3166 alpha-3 code"))
            continue
        rows.append((CountryInfo(iso3, name, _split(demonyms), _split(capitals)), _split(aliases)))
    return rows, errors
