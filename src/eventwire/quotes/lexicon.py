"""The quote stage's knowledge, read from the documented data files in ``quotes/data``."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

from eventwire.datafiles import numbered_rows, read_words
from eventwire.errors import DictionaryFormatError
from eventwire.knowledge.agents import agent_nouns

DATA = Path(str(resources.files("eventwire.quotes") / "data"))

# A capitalised name (outlet, platform): capitalised words, optionally joined by short function words.
NAME_PATTERN = r"(?P<name>[A-Z][\w&'’-]*(?:\s+(?:(?:of|the|for|and|de|al|el)\s+)?[A-Z][\w&'’-]*)*)"
CUE_CLASSES = ("speech", "cognition", "description")
CUE_NOUN_CLASSES = ("speech", "cognition")
FRAME_VERB_CLASSES = ("author", "light", "frame")


@dataclass(frozen=True, slots=True)
class ChannelPattern:
    pattern: re.Pattern[str]
    channel: str  # "{NAME}" for the matched name, else a literal channel
    # True when the name is any capitalised phrase ({NAME}), False for a closed list of names.
    open_name: bool = False

    def name_of(self, match: re.Match[str]) -> str:
        if self.channel == "{NAME}":
            return match.group("name")
        return self.channel


@dataclass(frozen=True, slots=True)
class Lexicon:
    # Opening mark -> the marks that close it.
    marks: dict[str, str]
    # Single-word cue lemma -> class; phrasal cues as (lemma, particle) -> class.
    cues: dict[str, str]
    phrasal_cues: dict[tuple[str, str], str]
    channels: tuple[ChannelPattern, ...]
    anonymity: tuple[re.Pattern[str], ...]
    # Speaker nouns (lemma) -> source, speaker, outlet or document (knowledge/data/agent_nouns.tsv).
    nouns: dict[str, str]
    # Nominal cues ("claim", "warning") -> class; authorship participles and light verbs (frame_verbs.tsv).
    cue_nouns: dict[str, str]
    author_verbs: frozenset[str]
    light_verbs: frozenset[str]
    # Verbs that, coordinated after a cue, carry on the writer's account ("said X but declined to ...").
    frame_verbs: frozenset[str]
    # Abbreviations whose full stop ends no sentence ("Sen.", "Mr.").
    abbreviations: frozenset[str]
    # The verbs of the phrasal cues ("point" of "point out"), derived from ``phrasal_cues``.
    phrasal_heads: frozenset[str] = frozenset()

    def __post_init__(self) -> None:
        object.__setattr__(self, "phrasal_heads", frozenset(verb for verb, _ in self.phrasal_cues))

    def cue_class(self, lemma: str, particles: tuple[str, ...] = ()) -> str | None:
        for particle in particles:
            found = self.phrasal_cues.get((lemma, particle))
            if found:
                return found
        return self.cues.get(lemma)


def _pairs(path: Path) -> Iterator[tuple[int, tuple[str, str]]]:
    """The numbered rows of a two-column file, neither field empty."""
    for number, (key, value) in numbered_rows(path, 2):
        if not key or not value:
            raise DictionaryFormatError(str(path), number, "expected 2 TAB-separated fields, both non-empty")
        yield number, (key, value)


def _classed(path: Path, number: int, fields: tuple[str, str], classes: tuple[str, ...]) -> tuple[str, str]:
    key, cls = fields
    if cls not in classes:
        raise DictionaryFormatError(str(path), number, f"class {cls!r} is not one of {', '.join(classes)}")
    return key.lower(), cls


def load_lexicon(directory: Path = DATA) -> Lexicon:
    """Read the data files of ``directory``; a malformed line raises DictionaryFormatError."""
    marks: dict[str, str] = {}
    path = directory / "quote_marks.tsv"
    for number, (opener, closers) in numbered_rows(path, 2):
        if len(opener) != 1 or not closers:
            raise DictionaryFormatError(str(path), number, "expected one opening mark, a TAB, and its closing marks")
        marks[opener] = closers
    cues: dict[str, str] = {}
    phrasal: dict[tuple[str, str], str] = {}
    path = directory / "cues.tsv"
    for number, fields in _pairs(path):
        key, cls = _classed(path, number, fields, CUE_CLASSES)
        words = key.split()
        if len(words) == 1:
            cues[key] = cls
        elif len(words) == 2:
            phrasal[(words[0], words[1])] = cls
        else:
            raise DictionaryFormatError(str(path), number, "a cue is a lemma or a lemma and one particle")
    channels = []
    path = directory / "channels.tsv"
    for number, (pattern, channel) in _pairs(path):
        try:
            compiled = re.compile(pattern.replace("{NAME}", NAME_PATTERN))
        except re.error as exc:
            raise DictionaryFormatError(str(path), number, f"bad regular expression: {exc}") from exc
        if channel == "{NAME}" and "name" not in compiled.groupindex:
            raise DictionaryFormatError(str(path), number,
                                        "channel {NAME} needs {NAME} or (?P<name>...) in the pattern")
        channels.append(ChannelPattern(compiled, channel, "{NAME}" in pattern))
    anonymity = []
    path = directory / "anonymity.txt"
    for number, (pattern,) in numbered_rows(path, 1):
        try:
            anonymity.append(re.compile(pattern, re.IGNORECASE))
        except re.error as exc:
            raise DictionaryFormatError(str(path), number, f"bad regular expression: {exc}") from exc
    # Speaker nouns are the one-word rows of the shared agent-noun table that have a speaker class.
    nouns = {noun.phrase: noun.speaker for noun in agent_nouns() if noun.speaker and noun.one_word}
    cue_nouns: dict[str, str] = {}
    path = directory / "cue_nouns.tsv"
    for number, fields in _pairs(path):
        key, cls = _classed(path, number, fields, CUE_NOUN_CLASSES)
        cue_nouns[key] = cls
    frame_verbs: dict[str, set[str]] = {cls: set() for cls in FRAME_VERB_CLASSES}
    path = directory / "frame_verbs.tsv"
    for number, fields in _pairs(path):
        key, cls = _classed(path, number, fields, FRAME_VERB_CLASSES)
        frame_verbs[cls].add(key)
    abbreviations = frozenset(read_words(directory / "abbreviations.txt"))
    return Lexicon(marks, cues, phrasal, tuple(channels), tuple(anonymity), nouns, cue_nouns,
                   frozenset(frame_verbs["author"]), frozenset(frame_verbs["light"]), frozenset(frame_verbs["frame"]),
                   abbreviations)


@lru_cache(maxsize=1)
def default_lexicon() -> Lexicon:
    return load_lexicon(DATA)
