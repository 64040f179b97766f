"""``eventwire kb import``: more actors and agents into the user KB directory.

Formats:

- ``json``: a JSON array, or JSON lines, of objects with ``id``, ``names`` (a list, or a string
  with ``|`` between names; ``name`` is accepted for a single name), and optionally ``kind``
  (person, organization, group, country; default person), ``country``, ``sector``, ``role``,
  ``start``, ``end`` (YYYY[-MM[-DD]]). Several objects with the same id are one entity with
  several roles (the shape of a Wikidata position-held query). ``sector`` is a PLOVER sector (``MED`` is
  health, ``JRN`` news media); a code only CAMEO has (``HLH``, ``SEP``) is read as its PLOVER sector.
- ``csv``: the same fields as columns of a CSV file with a header row (``names`` separated by ``|``
  or ``;``).
- ``petrarch``: a PETRARCH/TABARI/Phoenix actor dictionary (``*.actors.txt``), or an agents
  dictionary when the file name contains "agents" (``petrarch-actors``/``petrarch-agents`` force
  one). Actor codes become country and sector (``USAGOV`` -> USA, GOV; ``IGOUNOIAE`` -> IGOUNOIAE,
  IGO), date-restricted codes become dated roles, and an entry with dated codes is a person. The
  dictionary's CAMEO agent codes are written as PLOVER sectors (``USAMED``, CAMEO's media, -> USA, JRN;
  ``HLH`` -> MED; ``SEP`` -> REB: eventwire/knowledge/data/sectors.tsv).

Entities are written to ``<kb dir>/<name>.jsonl`` and agents to ``<kb dir>/agents-<name>.tsv``; the
actor stage loads them next to the shipped KB. Imports accumulate: an import into an output file that
already exists (the same file again, or another file with the same base name) adds the new ids, updates
the ids it gives again and keeps the others; ``replace=True`` makes the output exactly this import. The
report counts what was added, updated, unchanged (and, when replacing, removed); ``dry_run=True`` reads,
validates and counts without writing anything. Malformed records are reported with their line number and
skipped; the rest is imported.
"""

from __future__ import annotations

import csv
import json
import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from eventwire.actors.agents import PLOVER_SECTORS_NOTE, load_agents
from eventwire.actors.kb import Entity, Tenure, entity_from_fields, read_jsonl_entities
from eventwire.datafiles import read_rows
from eventwire.errors import DictionaryFormatError, KnowledgeBaseError
from eventwire.knowledge.sectors import is_cameo_sector, plover_sector, user_sector

FORMATS: tuple[str, ...] = ("json", "csv", "petrarch", "petrarch-actors", "petrarch-agents")
# CAMEO codes that are not states: the whole code is kept as the "country".
_INTERNATIONAL_PREFIXES = ("IGO", "IMG", "NGO", "MNC", "INT")
# CAMEO codes of armed groups: an undated actor coded with one is a group, not an organisation.
_GROUP_CODES = ("REB", "UAF", "IMG", "SEP", "INS", "RAD")


@dataclass(slots=True)
class ImportReport:
    path: Path
    entities: int = 0
    agents: int = 0
    errors: list[DictionaryFormatError] = field(default_factory=list)
    # Against what the output file held before: new ids, ids whose record changed, ids given again unchanged,
    # and (replace only) ids dropped.
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    removed: int = 0
    written: bool = False


def _merge(report: ImportReport, old: dict[str, str], new: dict[str, str], replace: bool) -> dict[str, str]:
    """The output's records (key -> serialised record) after this import; counts the changes in ``report``."""
    for key, record in new.items():
        if key not in old:
            report.added += 1
        elif old[key] != record:
            report.updated += 1
        else:
            report.unchanged += 1
    if replace:
        report.removed = sum(1 for key in old if key not in new)
        return dict(new)
    return {**old, **new}


def _write_atomically(path: Path, header: str, lines: list[str]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(header + "".join(line + "\n" for line in lines), encoding="utf-8")
    tmp.replace(path)


def _entity_record(entity: Entity) -> str:
    data = entity.to_dict()
    data.pop("source", None)  # where it was read from, not what it says
    return json.dumps(data, ensure_ascii=False)


def _stored_entities(path: Path) -> dict[str, str]:
    if not path.exists():
        return {}
    entities, _errors = read_jsonl_entities(path)
    return {e.id: _entity_record(e) for e in entities}


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "entity"


def _title(phrase: str) -> str:
    """PETRARCH phrases are upper case; give them a readable name ("AL-QAEDA" -> "Al-Qaeda")."""
    return " ".join(w if len(w) <= 3 and w.isupper() and not w.isalpha() else w.capitalize()
                    for w in phrase.split()).replace("Al-", "al-")


def import_file(path: Path, fmt: str, kb_dir: Path, known_countries: frozenset[str] = frozenset(),
                replace: bool = False, dry_run: bool = False) -> ImportReport:
    """Import ``path`` in format ``fmt`` into ``kb_dir`` (see the module's documentation for ``replace`` and
    ``dry_run``); raises KnowledgeBaseError if nothing usable."""
    if fmt not in FORMATS:
        raise KnowledgeBaseError(f"unknown import format {fmt!r}; choose one of {', '.join(FORMATS)}")
    if not path.is_file():
        raise KnowledgeBaseError(f"{path}: no such file")
    if fmt == "petrarch":
        fmt = "petrarch-agents" if "agent" in path.name.lower() else "petrarch-actors"
    if fmt == "petrarch-agents":
        return _import_petrarch_agents(path, kb_dir, replace, dry_run)
    if fmt == "petrarch-actors":
        entities, errors = _read_petrarch_actors(path, known_countries)
    elif fmt == "json":
        entities, errors = _read_json(path)
    else:
        entities, errors = _read_csv(path)
    report = ImportReport(kb_dir / f"{_slug(path.stem)}.jsonl", errors=errors)
    if not entities:
        reasons = "; ".join(str(e) for e in errors[:3])
        raise KnowledgeBaseError(f"{path}: no entity could be imported" + (f" ({reasons})" if reasons else ""))
    report.entities = len(entities)
    merged = _merge(report, _stored_entities(report.path), {e.id: _entity_record(e) for e in entities}, replace)
    if not dry_run:
        _write_atomically(report.path, f"# written by `eventwire kb import --format {fmt}` (last import: "
                                       f"{path.name}); one entity per line\n", list(merged.values()))
        report.written = True
    return report


# -- Wikidata-style JSON / CSV -------------------------------------------------------------------

def _merge_rows(rows: list[tuple[int, dict[str, object]]], source: str) -> tuple[list[Entity],
                                                                               list[DictionaryFormatError]]:
    entities: dict[str, Entity] = {}
    errors: list[DictionaryFormatError] = []
    for number, row in rows:
        try:
            names = row.get("names", row.get("name"))
            if isinstance(names, str):
                names = [n.strip() for n in re.split(r"[|;]", names) if n.strip()]
            if not isinstance(names, list) or not names or not all(isinstance(n, str) for n in names):
                raise ValueError("'names' must be a non-empty list of strings or a '|'-separated string")
            values = {k: (str(row[k]).strip() or None) if row.get(k) not in (None, "") else None
                      for k in ("id", "kind", "country", "sector", "role", "start", "end")}
            values["id"] = f"{source}:{values['id']}" if values["id"] else None
            values["sector"] = user_sector(values["sector"])
            values["kind"] = values["kind"] or "person"
            values["name"] = names[0]
            values["aliases"] = "|".join(names[1:])
            entity = entity_from_fields(values, source)
        except ValueError as exc:
            errors.append(DictionaryFormatError(source, number, str(exc)))
            continue
        existing = entities.get(entity.id)
        if existing is None:
            entities[entity.id] = entity
        else:
            existing.tenures.extend(entity.tenures)
            existing.aliases.extend(a for a in entity.all_names() if a not in existing.all_names())
    return list(entities.values()), errors


def _read_json(path: Path) -> tuple[list[Entity], list[DictionaryFormatError]]:
    text = path.read_text(encoding="utf-8-sig")
    rows: list[tuple[int, dict[str, object]]] = []
    errors: list[DictionaryFormatError] = []
    stripped = text.lstrip()
    if stripped.startswith("["):
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise KnowledgeBaseError(f"{path}:{exc.lineno}: not valid JSON: {exc.msg.removesuffix(' at')} at column "
                                     f"{exc.colno}") from exc
        for n, item in enumerate(data, 1):
            if isinstance(item, dict):
                rows.append((n, item))
            else:
                errors.append(DictionaryFormatError(str(path), n, "array item is not a JSON object"))
    else:
        for n, line in enumerate(text.splitlines(), 1):
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            try:
                item = json.loads(line)
            except json.JSONDecodeError as exc:
                errors.append(DictionaryFormatError(str(path), n, f"not valid JSON: {exc.msg.removesuffix(' at')} "
                                                                  f"at column {exc.colno}"))
                continue
            if isinstance(item, dict):
                rows.append((n, item))
            else:
                errors.append(DictionaryFormatError(str(path), n, "not a JSON object"))
    entities, more = _merge_rows(rows, _slug(path.stem))
    for error in more:
        errors.append(DictionaryFormatError(str(path), error.line, error.reason))
    return entities, errors


def _read_csv(path: Path) -> tuple[list[Entity], list[DictionaryFormatError]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        if not reader.fieldnames or "id" not in reader.fieldnames or not (
                {"names", "name"} & set(reader.fieldnames)):
            raise KnowledgeBaseError(f"{path}: the CSV header must have 'id' and 'names' columns")
        rows = [(reader.line_num, dict(row)) for row in reader]
    entities, errors = _merge_rows(rows, _slug(path.stem))
    return entities, [DictionaryFormatError(str(path), e.line, e.reason) for e in errors]


# -- PETRARCH ----------------------------------------------------------------------------------

def split_code(code: str, known_countries: frozenset[str] = frozenset()) -> tuple[str | None, str | None]:
    """A CAMEO actor code as (country, CAMEO sector): ``USAGOV`` -> (USA, GOV), ``IGOUNOIAE`` -> (IGOUNOIAE,
    IGO), ``USAMED`` -> (USA, MED): still CAMEO's MED, news media (:func:`plover_sector` reads it)."""
    code = code.strip().upper()
    if not code or code == "---":
        return None, None
    if code.startswith(_INTERNATIONAL_PREFIXES):
        return code, code[:3]
    head, rest = code[:3], code[3:]
    sector = rest[:3] if is_cameo_sector(rest[:3]) else None
    if known_countries and head not in known_countries:
        return code, sector
    return head, sector


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


def _read_petrarch_actors(path: Path, known_countries: frozenset[str]) -> tuple[list[Entity],
                                                                                list[DictionaryFormatError]]:
    from eventwire.petrarch.actors import read_actor_dictionary

    entries, errors = read_actor_dictionary(path)
    source = _slug(path.stem)
    entities: dict[str, Entity] = {}
    for entry in entries:
        if not entry.codes:
            continue
        codes = [(dated, *split_code(dated.codes[0] if dated.codes else dated.code, known_countries))
                 for dated in entry.codes]
        codes = [c for c in codes if c[1] is not None]
        if not codes:
            continue
        dated = any(c[0].restricted for c in codes)
        first_country, first_sector = codes[0][1], codes[0][2]
        if dated:
            kind = "person"
        elif first_sector is None and first_country and len(first_country) == 3:
            kind = "country"
        elif first_sector in _GROUP_CODES or (first_country or "").startswith("IMG"):
            kind = "group"
        else:
            kind = "organization"
        name = _title(entry.names[0])
        eid = f"{source}:{_slug(entry.names[0])}"
        n = 2
        while eid in entities:
            eid = f"{source}:{_slug(entry.names[0])}-{n}"
            n += 1
        # The dictionary's CAMEO sectors are read as PLOVER's here, where they enter the KB ("USAMED" is media: JRN).
        tenures = [Tenure(None, plover_sector(sector), country, _iso(d.start), _iso(d.end))
                   for d, country, sector in codes if d.restricted]
        undated = next(((country, sector) for d, country, sector in codes if not d.restricted), None)
        country, cameo = undated or (codes[-1][1], codes[-1][2])
        sector = plover_sector(cameo)
        entities[eid] = Entity(eid, name, kind, country, sector, None, [_title(n) for n in entry.names[1:]],
                               tenures, f"{source}.jsonl")
    return list(entities.values()), errors


_AGENTS_HEADER = ("# Format: the first five fields of eventwire/knowledge/data/agent_nouns.tsv "
                  "(phrase, sector, type, role, title)\n"
                  f"{PLOVER_SECTORS_NOTE}\n"
                  "phrase\tsector\ttype\trole\ttitle\n")


def _stored_agents(path: Path) -> dict[str, str]:
    """The lines of an agent file written by an earlier import, with PLOVER sectors: a file written before imports
    translated (no PLOVER line) has its CAMEO codes translated, as the actors stage reads them."""
    if not path.exists():
        return {}
    with path.open(encoding="utf-8") as handle:
        plover = PLOVER_SECTORS_NOTE in (line.rstrip("\r\n") for line in handle)
    rows: dict[str, str] = {}
    for fields in read_rows(path, header="phrase"):
        if not plover and len(fields) > 1 and is_cameo_sector(fields[1]):
            fields = (fields[0], plover_sector(fields[1]) or "-", *fields[2:])
        rows[fields[0]] = "\t".join(fields)
    return rows


def _import_petrarch_agents(path: Path, kb_dir: Path, replace: bool = False, dry_run: bool = False) -> ImportReport:
    from eventwire.petrarch.agents import read_agent_dictionary

    entries, errors = read_agent_dictionary(path)
    shipped = load_agents()
    out_path = kb_dir / f"agents-{_slug(path.stem)}.tsv"
    report = ImportReport(out_path, errors=errors)
    lines: dict[str, str] = {}
    for entry in entries:
        sector = plover_sector(entry.code.strip("~").upper()[:3])
        for n, phrase in enumerate(entry.names):
            lower = " ".join(phrase.lower().split())
            if not lower or lower in lines or shipped.get(lower) is not None:
                continue  # the shipped table's entry for a phrase wins: it also knows type and role
            kind = "person" if n == 0 else "group"
            lines[lower] = f"{lower}\t{sector or '-'}\t{kind}\t-\tno"
    if not lines:
        raise KnowledgeBaseError(f"{path}: no agent could be imported")
    report.agents = len(lines)
    merged = _merge(report, _stored_agents(out_path), lines, replace)
    if not dry_run:
        _write_atomically(out_path, "# written by `eventwire kb import --format petrarch-agents` (last import: "
                                    f"{path.name})\n" + _AGENTS_HEADER, list(merged.values()))
        report.written = True
    return report
