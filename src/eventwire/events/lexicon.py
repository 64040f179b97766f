"""The event knowledge: trigger lexicon, CAMEO scores, modality cues and word classes.

All of it is data under ``eventwire/events/data`` (each file documents its format in its
header); this module only reads and indexes it. The generic actor nouns come from the shared agent-noun
table (:mod:`eventwire.knowledge.agents`). A malformed line raises
:class:`~eventwire.errors.DictionaryFormatError` with the file and line number.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from eventwire.datafiles import numbered_rows
from eventwire.errors import DictionaryFormatError
from eventwire.events import cameo
from eventwire.knowledge.agents import agent_nouns
from eventwire.model import PLOVER_TYPES

DATA_DIR = Path(__file__).resolve().parent / "data"
# The sector the generic actor nouns give a quantity word ("thousands", "members"): the party is the noun of
# its "of" phrase.
QUANT = "QUANT"
LIGHT = "LIGHT"
# A sense that codes nothing ("fired 200 workers", "shot a film"): it wins over the trigger's event senses.
NONE = "NONE"
_FLAGS = {"ctl", "intent", "sym", "theme", "weak"}
# CAMEO root of a governing act -> its column in detail.tsv.
DETAIL_FAMILIES = {"02": "appeal", "10": "demand", "12": "reject", "03": "intend", "13": "threaten"}
_FAMILY_TYPES = {"appeal": "REQUEST", "demand": "REQUEST", "reject": "REJECT", "intend": "AGREE",
                 "threaten": "THREATEN"}
NONEVENT_CLASSES = frozenset({"hazard", "object", "place", "military-vehicle", "accident", "sport"})
_CONTENT_CLASSES = frozenset({"act", "threat", "threat-mode", "proposal", "mobilize", "consult"})


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
    # The entry applies only when the source found for it has one of these sectors ("the army carried out
    # the strike" is an attack, "workers went on strike" a protest); chosen after the roles are found.
    sectors: frozenset[str] = frozenset()
    # Further companion words, all needed besides ``word`` ("step up security", "put under house arrest").
    also: tuple[str, ...] = ()

    @property
    def light(self) -> bool:
        return self.type == LIGHT

    def has(self, flag: str) -> bool:
        return flag in self.flags

    @property
    def specificity(self) -> int:
        return (2 if self.word else 0) + len(self.also) + (1 if self.obj else 0)


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
    # CAMEO detail of acts about acts (detail.tsv): inner code prefix -> family -> code.
    detail: dict[str, dict[str, str]] = field(default_factory=dict)
    # Demand code -> the fourth digit of a protest for it (topics.tsv).
    topics: dict[str, str] = field(default_factory=dict)
    # Words that are not political actors or events (nonevents.tsv): word -> class (hazard, object, place,
    # military-vehicle).
    nonevents: dict[str, str] = field(default_factory=dict)
    # What acts are about (content.tsv): (class, word) -> value; class "act" (value a CAMEO code), "mobilize"
    # or "consult" (value a mode of that type).
    content: dict[tuple[str, str], str] = field(default_factory=dict)

    def senses(self, pos: str, lemma: str) -> list[Entry]:
        return self.entries.get((pos, lemma), [])

    @staticmethod
    def score(code: str | None) -> tuple[float | None, int | None]:
        """Goldstein value and quad class of a CAMEO code (from the CAMEO authority, :mod:`eventwire.events.cameo`)."""
        return cameo.score(code)

    def detail_code(self, inner: str | None, governing: str | None) -> str | None:
        """The CAMEO code of an appeal, demand, rejection, intention or threat (``governing``) about an act
        coded ``inner`` ("urged ... to release" -> 0253), or None when CAMEO has no finer code."""
        family = DETAIL_FAMILIES.get((governing or "")[:2])
        code = inner or ""
        while family and code:
            row = self.detail.get(code)
            if row is not None and row.get(family):
                return row[family]
            code = code[:-1]
        return None

    def protest_code(self, protest: str | None, demand: str | None) -> str | None:
        """A protest's CAMEO code with what it demands ("141" + a demand for resignation -> "1411")."""
        digit = self.topics.get(demand or "")
        if not protest or digit is None or len(protest) != 3 or not protest.startswith("14") or protest == "140":
            return None
        code = protest + digit
        return code if cameo.plover_of(code) == "PROTEST" and code in cameo.cameo_codes() else None

    def words(self, kind: str) -> frozenset[str]:
        return self.grammar.get(kind, frozenset())

    def cue(self, lemma: str, where: str) -> str | None:
        found = self.modality.get(lemma)
        return found[0] if found and found[1] == where else None


def _rows(path: Path, columns: int) -> Iterator[tuple[int, tuple[str, ...]]]:
    """Data rows of a tab-separated file: comments (#), blank lines and the header line skipped."""
    return numbered_rows(path, columns, header=True)


def _entry(path: Path, number: int, fields: tuple[str, ...]) -> Entry:
    pos, trigger, type_, mode, code, frame = fields
    if pos not in ("V", "N"):
        raise DictionaryFormatError(str(path), number, f"pos must be V or N, not {pos!r}")
    if type_ not in (LIGHT, NONE) and type_ not in PLOVER_TYPES:
        raise DictionaryFormatError(str(path), number, f"{type_!r} is not a PLOVER type")
    words = trigger.lower().split()
    if not 1 <= len(words) <= 3:
        raise DictionaryFormatError(str(path), number, "a trigger is a lemma and at most two companion words")
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
        elif item.startswith("sector="):
            options["sectors"] = frozenset(item[7:].split("|"))
        else:
            raise DictionaryFormatError(str(path), number, f"unknown frame option {item!r}")
    if type_ not in (LIGHT, NONE):
        if cameo.lookup(code) is None:
            raise DictionaryFormatError(str(path), number, f"{code!r} is not a CAMEO code of cameo.tsv")
        if mode != "-" and (type_, mode) not in cameo.plover_modes():
            raise DictionaryFormatError(str(path), number, f"{mode!r} is not a {type_} mode of the PLOVER manual "
                                                           "(plover_modes.tsv)")
        if cameo.plover_of(code) != type_:
            raise DictionaryFormatError(str(path), number, f"CAMEO {code} is {cameo.plover_of(code)} in cameo.tsv, "
                                                           f"not {type_}: one code, one PLOVER type")
    return Entry(pos, words[0], words[1] if len(words) > 1 else None, type_, None if mode == "-" else mode,
                 None if code == "-" else code, flags=frozenset(flags), line=number, also=tuple(words[2:]),
                 **options)  # type: ignore[arg-type]


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
    path = data_dir / "weapons.tsv"
    for _number, (word, mode) in _rows(path, 2):
        lexicon.weapons.setdefault(word.lower(), mode)
    classes: dict[str, set[str]] = {}
    for _number, (word, kind) in _rows(data_dir / "grammar.tsv", 2):
        classes.setdefault(kind, set()).add(word.lower())
    lexicon.grammar = {kind: frozenset(words) for kind, words in classes.items()}
    lexicon.agents = _generic_actor_nouns(lexicon.words("quantity"))
    path = data_dir / "nonevents.tsv"
    for number, (word, kind) in _rows(path, 2):
        if kind not in NONEVENT_CLASSES:
            raise DictionaryFormatError(str(path), number, f"class must be one of {sorted(NONEVENT_CLASSES)}")
        lexicon.nonevents[word.lower()] = kind
    path = data_dir / "detail.tsv"
    columns = ("appeal", "demand", "reject", "intend", "threaten")
    for number, (inner, *codes) in _rows(path, 6):
        row: dict[str, str] = {}
        for family, code in zip(columns, codes, strict=True):
            if code == "-":
                continue
            if cameo.plover_of(code) != _FAMILY_TYPES[family]:
                raise DictionaryFormatError(str(path), number, f"{family} code {code} is not a "
                                                               f"{_FAMILY_TYPES[family]} code of cameo.tsv")
            row[family] = code
        lexicon.detail[inner] = row
    path = data_dir / "topics.tsv"
    for number, (demand, digit) in _rows(path, 2):
        if not (digit.isdigit() and cameo.plover_of(demand) == "REQUEST"):
            raise DictionaryFormatError(str(path), number, "expected a REQUEST code and one digit")
        lexicon.topics[demand] = digit
    path = data_dir / "content.tsv"
    for number, (word, kind, value) in _rows(path, 3):
        mode_of = {"mobilize": "MOBILIZE", "consult": "CONSULT", "threat-mode": "THREATEN"}.get(kind, "")
        valid = cameo.lookup(value) is not None if kind in ("act", "threat") \
            else value == "-" if kind == "proposal" else (mode_of, value) in cameo.plover_modes()
        if kind not in _CONTENT_CLASSES or not valid:
            raise DictionaryFormatError(str(path), number, "expected act/threat + a CAMEO code, or mobilize/consult/"
                                                           "threat-mode + a mode of that type in plover_modes.tsv")
        lexicon.content[(kind, word.lower())] = value
    path = data_dir / "intent.tsv"
    for number, (plover, agree, reject, threaten, mode) in _rows(path, 5):
        if plover not in PLOVER_TYPES:
            raise DictionaryFormatError(str(path), number, f"{plover!r} is not a PLOVER type")
        a, r, t, m = (None if v == "-" else v for v in (agree, reject, threaten, mode))
        lexicon.intent[plover] = (a, r, t, m)
    return lexicon


def _generic_actor_nouns(quantities: frozenset[str]) -> dict[str, str]:
    """The party nouns of the shared agent-noun table (knowledge/data/agent_nouns.tsv) -> sector, the fallback
    when no actor covers a party's noun; quantity words map to QUANT."""
    nouns = {noun.phrase: noun.sector for noun in agent_nouns() if noun.party and noun.sector}
    nouns.update(dict.fromkeys(quantities, QUANT))
    return nouns


@lru_cache(maxsize=4)
def default_lexicon() -> Lexicon:
    return load_lexicon()
