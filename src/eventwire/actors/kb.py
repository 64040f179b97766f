"""The actor knowledge base: countries, organisations, armed groups, media and people.

The shipped KB is a set of tab-separated data files under ``eventwire/actors/data`` (each
documents its format in its header); a user KB directory (``--kb DIR``, ``$EVENTWIRE_KB``,
default ``~/.local/share/eventwire/kb``) adds JSON-lines files written by ``eventwire kb import``.
Lookups are dictionary look-ups on normalised aliases (:func:`~eventwire.actors.normalize.name_key`);
fuzzy matching goes through :mod:`eventwire.actors.resolve`, which blocks candidates with the
phonetic keys built here.

Country codes: ISO 3166-1 alpha-3 for states and actors belonging to one state; CAMEO-style
codes for international actors: ``IGO...`` for intergovernmental organisations (``IGOUNO`` the
UN, ``IGOWSTNAT`` NATO, ``IGOWSTEEC`` the EU, ...), ``IMG...`` for transnational militant
groups (``IMGMUSALQ`` al-Qaeda, ``IMGMUSISI`` the Islamic State), ``NGO...``/``MNC`` for
non-state international organisations and companies.
"""

from __future__ import annotations

import json
import logging
import os
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from eventwire.actors.normalize import name_key
from eventwire.errors import DictionaryFormatError, KnowledgeBaseError

log = logging.getLogger(__name__)

DATA_DIR = Path(__file__).parent / "data"
ENTITY_FILES: tuple[str, ...] = ("igos.tsv", "groups.tsv", "media.tsv", "people.tsv")
ENTITY_KINDS: tuple[str, ...] = ("person", "organization", "country", "group")
ENTITY_COLUMNS: tuple[str, ...] = ("id", "name", "kind", "country", "sector", "role", "start", "end", "aliases")
COUNTRY_COLUMNS: tuple[str, ...] = ("id", "iso3", "name", "aliases", "demonyms", "capitals")


def default_user_kb() -> Path:
    """Where ``eventwire kb import`` writes and the actor stage reads user entries."""
    env = os.environ.get("EVENTWIRE_KB")
    if env:
        return Path(env).expanduser()
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "eventwire" / "kb"


@dataclass(slots=True)
class Tenure:
    """One role an entity held, with its dates (``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``; None = open)."""

    role: str | None
    sector: str | None
    country: str | None
    start: str | None = None
    end: str | None = None

    def active(self, day: str | None) -> bool | None:
        """Whether the tenure covers ``day``; None when the day or the dates are unknown."""
        if day is None or (self.start is None and self.end is None):
            return None
        if self.start is not None and day < _pad(self.start, "01"):
            return False
        return not (self.end is not None and day > _pad(self.end, "31"))


def _pad(partial: str, filler: str) -> str:
    parts = partial.split("-")
    while len(parts) < 3:
        parts.append("12" if len(parts) == 1 and filler == "31" else filler)
    return "-".join(parts)


@dataclass(slots=True)
class Entity:
    id: str
    name: str
    kind: str
    country: str | None = None
    sector: str | None = None
    role: str | None = None
    aliases: list[str] = field(default_factory=list)
    tenures: list[Tenure] = field(default_factory=list)
    source: str = ""

    def tenure_at(self, day: str | None) -> Tenure | None:
        """The tenure active on ``day`` (the latest-starting one if several)."""
        active = [t for t in self.tenures if t.active(day)]
        if not active:
            return None
        return max(active, key=lambda t: t.start or "")

    def all_names(self) -> list[str]:
        return [self.name, *self.aliases]

    def to_dict(self) -> dict[str, object]:
        return {"id": self.id, "name": self.name, "kind": self.kind, "country": self.country,
                "sector": self.sector, "role": self.role, "aliases": list(self.aliases),
                "tenures": [{"role": t.role, "sector": t.sector, "country": t.country,
                             "start": t.start, "end": t.end} for t in self.tenures],
                "source": self.source}


@dataclass(slots=True)
class CountryInfo:
    iso3: str
    name: str
    demonyms: list[str]
    capitals: list[str]


# How an alias names its entity: the form changes what the mention means
# ("Baghdad" is a capital standing for the Iraqi government, "Iraqi" a nationality).
NAME, ALIAS, DEMONYM, CAPITAL = "name", "alias", "demonym", "capital"


@dataclass(slots=True)
class KnowledgeBase:
    entities: dict[str, Entity] = field(default_factory=dict)
    countries: dict[str, CountryInfo] = field(default_factory=dict)
    # name_key(alias) -> [(entity id, alias form)]
    index: dict[str, list[tuple[str, str]]] = field(default_factory=lambda: defaultdict(list))
    # last name token of people -> entity ids (surname-only mentions, blocking)
    surnames: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    errors: list[DictionaryFormatError] = field(default_factory=list)
    _blocks: dict[str, set[str]] | None = None

    # -- building ---------------------------------------------------------------------------
    def add(self, entity: Entity) -> None:
        existing = self.entities.get(entity.id)
        if existing is not None:
            # Another line for the same id: one more tenure and more aliases.
            existing.tenures.extend(entity.tenures)
            for alias in entity.all_names():
                if alias not in existing.all_names():
                    existing.aliases.append(alias)
                    self._index_alias(existing, alias, ALIAS)
            return
        self.entities[entity.id] = entity
        self._index_alias(entity, entity.name, NAME)
        for alias in entity.aliases:
            self._index_alias(entity, alias, ALIAS)
        self._blocks = None

    def _index_alias(self, entity: Entity, alias: str, form: str) -> None:
        key = name_key(alias)
        if not key:
            return
        bucket = self.index[key]
        if not any(eid == entity.id for eid, _ in bucket):
            bucket.append((entity.id, form))
        if entity.kind == "person":
            last = key.split()[-1]
            if len(last) > 1:
                self.surnames[last].add(entity.id)
        self._blocks = None

    def add_country(self, info: CountryInfo, aliases: list[str]) -> None:
        self.countries[info.iso3] = info
        entity = Entity(id=f"country:{info.iso3}", name=info.name, kind="country", country=info.iso3,
                        aliases=aliases, source="countries.tsv")
        self.add(entity)
        for demonym in info.demonyms:
            self._index_alias(entity, demonym, DEMONYM)
        for capital in info.capitals:
            self._index_alias(entity, capital, CAPITAL)

    # -- looking up -------------------------------------------------------------------------
    def exact(self, text: str) -> list[tuple[Entity, str]]:
        """Entities with ``text`` among their names (normalised), with the alias form."""
        return [(self.entities[eid], form) for eid, form in self.index.get(name_key(text), ())]

    def country_of(self, text: str) -> tuple[str, str] | None:
        """(ISO3, form) when ``text`` names a country, a nationality or a capital."""
        for entity, form in self.exact(text):
            if entity.kind == "country" and entity.country:
                return entity.country, form
        return None

    @property
    def blocks(self) -> dict[str, set[str]]:
        """Phonetic and spelling block keys of every name token -> entity ids (built on first use)."""
        if self._blocks is None:
            from eventwire.actors.resolve import block_keys

            blocks: dict[str, set[str]] = defaultdict(set)
            for key, bucket in self.index.items():
                ids = [eid for eid, form in bucket if form in (NAME, ALIAS)]
                if not ids:
                    continue
                for block in block_keys(key):
                    blocks[block].update(ids)
            self._blocks = blocks
        return self._blocks

    def __len__(self) -> int:
        return len(self.entities)


# -- reading files --------------------------------------------------------------------------

def _data_lines(path: Path) -> Iterator[tuple[int, list[str]]]:
    """Numbered, tab-split lines of a data file, comments, blanks and the header row skipped."""
    with path.open(encoding="utf-8") as handle:
        header_seen = False
        for number, raw in enumerate(handle, 1):
            line = raw.rstrip("\n").rstrip("\r")
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            fields = line.split("\t")
            if not header_seen and fields[0] == "id":
                header_seen = True
                continue
            yield number, fields


def _opt(value: str) -> str | None:
    value = value.strip()
    return value or None


def _split(value: str) -> list[str]:
    return [v.strip() for v in value.split("|") if v.strip()]


def _check_date(value: str | None) -> str | None:
    if value is None:
        return None
    parts = value.split("-")
    if not (1 <= len(parts) <= 3 and all(p.isdigit() for p in parts) and len(parts[0]) == 4
            and all(len(p) == 2 for p in parts[1:])):
        raise ValueError(f"date {value!r} is not YYYY, YYYY-MM or YYYY-MM-DD")
    return value


def entity_from_fields(values: dict[str, str | None], source: str) -> Entity:
    """Build an entity from named fields; raises ValueError with a reason a user can act on."""
    eid, name, kind = values.get("id"), values.get("name"), values.get("kind") or "organization"
    if not eid:
        raise ValueError("missing id")
    if not name:
        raise ValueError("missing name")
    if kind not in ENTITY_KINDS:
        raise ValueError(f"kind {kind!r} is not one of {', '.join(ENTITY_KINDS)}")
    start, end = _check_date(values.get("start")), _check_date(values.get("end"))
    if start and end and start > end:
        raise ValueError(f"start {start} is after end {end}")
    country, sector, role = values.get("country"), values.get("sector"), values.get("role")
    tenures = [Tenure(role, sector, country, start, end)] if (role or start or end) else []
    aliases = _split(values.get("aliases") or "")
    return Entity(eid, name, kind, country, sector, role, aliases, tenures, source)


def read_entity_file(path: Path) -> tuple[list[Entity], list[DictionaryFormatError]]:
    """Read an entity TSV file (format in the shipped files' headers): entities and line errors."""
    entities: list[Entity] = []
    errors: list[DictionaryFormatError] = []
    for number, fields in _data_lines(path):
        if len(fields) != len(ENTITY_COLUMNS):
            errors.append(DictionaryFormatError(str(path), number, f"expected {len(ENTITY_COLUMNS)} tab-separated "
                                                f"fields ({', '.join(ENTITY_COLUMNS)}), found {len(fields)}"))
            continue
        try:
            entities.append(entity_from_fields({c: _opt(v) for c, v in zip(ENTITY_COLUMNS, fields, strict=True)},
                                               path.name))
        except ValueError as exc:
            errors.append(DictionaryFormatError(str(path), number, str(exc)))
    return entities, errors


def read_country_file(path: Path) -> tuple[list[tuple[CountryInfo, list[str]]], list[DictionaryFormatError]]:
    rows: list[tuple[CountryInfo, list[str]]] = []
    errors: list[DictionaryFormatError] = []
    for number, fields in _data_lines(path):
        if len(fields) != len(COUNTRY_COLUMNS):
            errors.append(DictionaryFormatError(str(path), number, f"expected {len(COUNTRY_COLUMNS)} tab-separated "
                                                f"fields ({', '.join(COUNTRY_COLUMNS)}), found {len(fields)}"))
            continue
        _, iso3, name, aliases, demonyms, capitals = (f.strip() for f in fields)
        if len(iso3) != 3 or not iso3.isalpha() or not iso3.isupper():
            errors.append(DictionaryFormatError(str(path), number, f"{iso3!r} is not an ISO 3166 alpha-3 code"))
            continue
        rows.append((CountryInfo(iso3, name, _split(demonyms), _split(capitals)), _split(aliases)))
    return rows, errors


def read_jsonl_entities(path: Path) -> tuple[list[Entity], list[DictionaryFormatError]]:
    """Read a user KB file: one JSON object per line (fields as :meth:`Entity.to_dict`)."""
    entities: list[Entity] = []
    errors: list[DictionaryFormatError] = []
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, 1):
            if not line.strip() or line.startswith("#"):
                continue
            try:
                data = json.loads(line)
                if not isinstance(data, dict):
                    raise ValueError("not a JSON object")
                entity = entity_from_fields({k: data.get(k) for k in ("id", "name", "kind", "country", "sector",
                                                                       "role")}, path.name)
                entity.aliases = [str(a) for a in data.get("aliases") or []]
                entity.tenures = [Tenure(t.get("role"), t.get("sector"), t.get("country"),
                                         _check_date(t.get("start")), _check_date(t.get("end")))
                                  for t in data.get("tenures") or []]
                entities.append(entity)
            except (ValueError, AttributeError, TypeError) as exc:
                errors.append(DictionaryFormatError(str(path), number, str(exc)))
    return entities, errors


def load_kb(user_dirs: Iterable[Path] = (), data_dir: Path = DATA_DIR) -> KnowledgeBase:
    """The shipped KB plus every ``*.jsonl`` file in ``user_dirs`` (missing directories are fine).

    Malformed lines are skipped and kept in ``kb.errors`` (path, line number, reason).
    """
    kb = KnowledgeBase()
    countries, errors = read_country_file(data_dir / "countries.tsv")
    kb.errors.extend(errors)
    for info, aliases in countries:
        kb.add_country(info, aliases)
    for name in ENTITY_FILES:
        path = data_dir / name
        if not path.exists():
            continue
        entities, errors = read_entity_file(path)
        kb.errors.extend(errors)
        for entity in entities:
            kb.add(entity)
    for directory in user_dirs:
        if not directory.is_dir():
            continue
        for path in sorted(directory.glob("*.jsonl")):
            entities, errors = read_jsonl_entities(path)
            kb.errors.extend(errors)
            for entity in entities:
                kb.add(entity)
    for error in kb.errors:
        log.warning("knowledge base: %s", error)
    return kb


@lru_cache(maxsize=4)
def cached_kb(user_dirs: tuple[str, ...] = ()) -> KnowledgeBase:
    """One loaded KB per process and user-directory set (stages in a process pool share it)."""
    try:
        return load_kb(tuple(Path(d) for d in user_dirs))
    except OSError as exc:
        raise KnowledgeBaseError(f"cannot read the actor knowledge base: {exc}") from exc
