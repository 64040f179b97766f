"""The event knowledge: trigger lexicon, CAMEO scores, modality cues and generic actor nouns.

All of it is data under ``eventwire/events/data`` (each file documents its format in its
header); this module only reads and indexes it. A malformed line raises
:class:`~eventwire.errors.DictionaryFormatError` with the file and line number.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from eventwire.errors import DictionaryFormatError
from eventwire.events import cameo
from eventwire.model import PLOVER_TYPES

DATA_DIR = Path(__file__).resolve().parent / "data"
LIGHT = "LIGHT"
_FLAGS = {"ctl", "intent", "sym", "theme", "weak"}


@dataclass(frozen=True, slots=True)
class Entry:
    """One trigger sense: a lemma (plus an optional companion word) and what it codes."""

    pos: str
    lemma: str
    word: str | None
    type: str
    mode: str | None
    cameo: str | None
    tgt: tuple[str, ...] = ()
    src: tuple[str, ...] = ("poss", "by", "amod")
    of_target: bool = False
    obj: frozenset[str] = frozenset()
    flags: frozenset[str] = frozenset()
    line: int = 0

    @property
    def light(self) -> bool:
        return self.type == LIGHT

    def has(self, flag: str) -> bool:
        return flag in self.flags

    @property
    def specificity(self) -> int:
        return (2 if self.word else 0) + (1 if self.obj else 0)


@dataclass(slots=True)
class Lexicon:
    entries: dict[tuple[str, str], list[Entry]] = field(default_factory=dict)
    modality: dict[str, tuple[str, str]] = field(default_factory=dict)
    agents: dict[str, str] = field(default_factory=dict)
    weapons: dict[str, str] = field(default_factory=dict)
    # Word classes of grammar.tsv ("object-control", "backing", "leading", "relative") -> words.
    grammar: dict[str, frozenset[str]] = field(default_factory=dict)
    # Intended PLOVER type -> (agree_cameo, reject_cameo, threaten_cameo, threaten_mode); None where "-".
    intent: dict[str, tuple[str | None, str | None, str | None, str | None]] = field(default_factory=dict)

    def senses(self, pos: str, lemma: str) -> list[Entry]:
        return self.entries.get((pos, lemma), [])

    @staticmethod
    def score(code: str | None) -> tuple[float | None, int | None]:
        """Goldstein value and quad class of a CAMEO code (from the CAMEO authority, :mod:`eventwire.events.cameo`)."""
        return cameo.score(code)

    def words(self, kind: str) -> frozenset[str]:
        return self.grammar.get(kind, frozenset())

    def cue(self, lemma: str, where: str) -> str | None:
        found = self.modality.get(lemma)
        return found[0] if found and found[1] == where else None


def _rows(path: Path, columns: int) -> Iterator[tuple[int, list[str]]]:
    """Data rows of a tab-separated file: comments (#), blank lines and the header line skipped."""
    header_seen = False
    with path.open(encoding="utf-8") as handle:
        for number, raw in enumerate(handle, 1):
            line = raw.rstrip("\n")
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            fields = line.split("\t")
            if not header_seen:
                header_seen = True
                continue
            if len(fields) != columns:
                raise DictionaryFormatError(str(path), number, f"expected {columns} tab-separated fields, "
                                                               f"found {len(fields)}")
            yield number, [f.strip() for f in fields]


def _entry(path: Path, number: int, fields: list[str]) -> Entry:
    pos, trigger, type_, mode, code, frame = fields
    if pos not in ("V", "N"):
        raise DictionaryFormatError(str(path), number, f"pos must be V or N, not {pos!r}")
    if type_ != LIGHT and type_ not in PLOVER_TYPES:
        raise DictionaryFormatError(str(path), number, f"{type_!r} is not a PLOVER type")
    words = trigger.lower().split()
    if not 1 <= len(words) <= 2:
        raise DictionaryFormatError(str(path), number, "a trigger is one lemma or a lemma and one companion word")
    options: dict[str, object] = {}
    flags: set[str] = set()
    for item in frame.split():
        if item == "-":
            continue
        if item in _FLAGS:
            flags.add(item)
        elif item.startswith("tgt="):
            options["tgt"] = tuple(t for t in item[4:].split(",") if t and t != "-")
        elif item.startswith("src="):
            options["src"] = tuple(item[4:].split(","))
        elif item == "of=tgt":
            options["of_target"] = True
        elif item.startswith("obj="):
            options["obj"] = frozenset(item[4:].split("|"))
        else:
            raise DictionaryFormatError(str(path), number, f"unknown frame option {item!r}")
    if type_ != LIGHT:
        if cameo.lookup(code) is None:
            raise DictionaryFormatError(str(path), number, f"{code!r} is not a CAMEO code of cameo.tsv")
        if cameo.plover_of(code) != type_:
            raise DictionaryFormatError(str(path), number, f"CAMEO {code} is {cameo.plover_of(code)} in cameo.tsv, "
                                                           f"not {type_}: one code, one PLOVER type")
    return Entry(pos, words[0], words[1] if len(words) > 1 else None, type_, None if mode == "-" else mode,
                 None if code == "-" else code, flags=frozenset(flags), line=number, **options)  # type: ignore[arg-type]


def load_lexicon(data_dir: Path = DATA_DIR) -> Lexicon:
    """Read the data files of the event coder."""
    lexicon = Lexicon()
    path = data_dir / "lexicon.tsv"
    for number, fields in _rows(path, 6):
        entry = _entry(path, number, fields)
        lexicon.entries.setdefault((entry.pos, entry.lemma), []).append(entry)
    for senses in lexicon.entries.values():
        # Most specific first: a companion word, then an object constraint; light senses last.
        senses.sort(key=lambda e: (e.light, -e.specificity, e.line))
    path = data_dir / "modality.tsv"
    for _number, (cue, kind, where) in _rows(path, 3):
        lexicon.modality[cue.lower()] = (kind, where)
    path = data_dir / "agents.tsv"
    for _number, (lemma, sector) in _rows(path, 2):
        lexicon.agents[lemma.lower()] = sector
    path = data_dir / "weapons.tsv"
    for _number, (word, mode) in _rows(path, 2):
        lexicon.weapons.setdefault(word.lower(), mode)
    classes: dict[str, set[str]] = {}
    for _number, (word, kind) in _rows(data_dir / "grammar.tsv", 2):
        classes.setdefault(kind, set()).add(word.lower())
    lexicon.grammar = {kind: frozenset(words) for kind, words in classes.items()}
    path = data_dir / "intent.tsv"
    for number, (plover, agree, reject, threaten, mode) in _rows(path, 5):
        if plover not in PLOVER_TYPES:
            raise DictionaryFormatError(str(path), number, f"{plover!r} is not a PLOVER type")
        a, r, t, m = (None if v == "-" else v for v in (agree, reject, threaten, mode))
        lexicon.intent[plover] = (a, r, t, m)
    return lexicon


@lru_cache(maxsize=4)
def default_lexicon() -> Lexicon:
    return load_lexicon()
