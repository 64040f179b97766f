"""The magnitudes stage's knowledge: the tables under ``events/data/magnitudes_*.tsv``, read once.

Each file documents its format in its header; a malformed line raises
:class:`~eventwire.errors.DictionaryFormatError` with the file and line number.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from eventwire.datafiles import numbered_rows
from eventwire.errors import DictionaryFormatError
from eventwire.model import MAGNITUDE_KINDS

DATA_DIR = Path(__file__).resolve().parent.parent / "data"
KINDS: tuple[str, ...] = MAGNITUDE_KINDS
_SLOTS = frozenset({"patient", "subject", "state", "noun", "toll", "actor", "member", "crowd"})


@dataclass(frozen=True, slots=True)
class Predicate:
    lemma: str
    pos: str
    kind: str
    slot: str
    conditions: tuple[tuple[tuple[str, frozenset[str]], ...], ...]
    violent: bool


@dataclass(frozen=True, slots=True)
class Link:
    """Where magnitudes of one kind go (``data/magnitudes_links.tsv``)."""

    types: tuple[str, ...]
    create: str | None
    cameo: str | None
    cause: str  # violent, protest or any


@dataclass(slots=True)
class MagnitudeLexicon:
    numbers: dict[str, tuple[int, str]]
    modifiers: dict[tuple[str, ...], str]
    predicates: dict[tuple[str, str], list[Predicate]]
    counters: dict[str, str]
    cues: dict[str, list[tuple[str, ...]]]
    links: dict[str, Link]

    def cue_words(self, kind: str) -> frozenset[str]:
        return frozenset(c[0] for c in self.cues.get(kind, []) if len(c) == 1)


def _rows(name: str, width: int) -> Iterator[tuple[int, tuple[str, ...]]]:
    return numbered_rows(DATA_DIR / name, width, header=True)  # the first row names the columns


def _conditions(text: str, path: str, number: int) -> tuple[tuple[tuple[str, frozenset[str]], ...], ...]:
    if text == "-":
        return ()
    alternatives = []
    for alternative in text.split(";"):
        parts = []
        for part in alternative.split(","):
            relation, _, words = part.partition("=")
            if relation not in ("obj", "head", "to", "into", "of", "from", "prt", "any") or not words:
                raise DictionaryFormatError(path, number, f"bad condition {part!r}")
            parts.append((relation, frozenset(words.split("|"))))
        alternatives.append(tuple(parts))
    return tuple(alternatives)


@lru_cache(maxsize=1)
def default_lexicon() -> MagnitudeLexicon:
    """The shipped tables, read once."""
    numbers = {}
    for number, (word, value, cls) in _rows("magnitudes_numbers.tsv", 3):
        if cls not in ("unit", "scale", "vague", "zero", "none"):
            raise DictionaryFormatError("magnitudes_numbers.tsv", number, f"unknown class {cls!r}")
        numbers[word] = (int(value), cls)
    modifiers = {}
    for number, (phrase, effect) in _rows("magnitudes_modifiers.tsv", 2):
        if effect not in ("at_least", "approx", "upper"):
            raise DictionaryFormatError("magnitudes_modifiers.tsv", number, f"unknown effect {effect!r}")
        modifiers[tuple(phrase.split())] = effect
    predicates: dict[tuple[str, str], list[Predicate]] = {}
    path = str(DATA_DIR / "magnitudes_predicates.tsv")
    for number, (lemma, pos, kind, slot, condition, violent) in _rows("magnitudes_predicates.tsv", 6):
        if pos not in ("V", "N", "A") or slot not in _SLOTS or (kind not in KINDS and kind != "casualties"):
            raise DictionaryFormatError(path, number, f"bad pos, kind or slot: {pos} {kind} {slot}")
        predicates.setdefault((lemma, pos), []).append(
            Predicate(lemma, pos, kind, slot, _conditions(condition, path, number), violent == "yes"))
    counters = dict(tuple(row) for _, row in _rows("magnitudes_counters.tsv", 2))  # type: ignore[misc]
    cues: dict[str, list[tuple[str, ...]]] = {}
    for _, (cue, cls) in _rows("magnitudes_cues.tsv", 2):
        cues.setdefault(cls, []).append(tuple(cue.split()))
    links = {}
    for number, (kind, types, create, cameo, cause) in _rows("magnitudes_links.tsv", 5):
        if kind not in KINDS or cause not in ("violent", "protest", "any"):
            raise DictionaryFormatError("magnitudes_links.tsv", number, f"unknown kind or cause: {kind} {cause}")
        links[kind] = Link(tuple(types.split(",")), None if create == "-" else create,
                           None if cameo == "-" else cameo, cause)
    return MagnitudeLexicon(numbers, modifiers, predicates, counters, cues, links)
