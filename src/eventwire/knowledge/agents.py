"""Agent nouns shared by the stages: what a common noun or phrase ("officials", "militants", "the newspaper",
"a statement") says about the actor it names — sector, type, role family, title, speaker class.

The table is ``data/agent_nouns.tsv`` (format and the rules its sectors follow are in its header). The actors
stage reads the rows with a type, the event coder the sectors of the party nouns, the quote stage the speaker
classes; :func:`agent_nouns` parses the file once per process. User agent dictionaries (``agents-*.tsv``,
written by ``eventwire kb import --format petrarch``) have the first five fields and are read with
:func:`read_agent_nouns`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from eventwire.datafiles import numbered_rows
from eventwire.errors import DictionaryFormatError
from eventwire.knowledge.sectors import header_sectors

DATA = Path(__file__).parent / "data"
AGENT_NOUNS = DATA / "agent_nouns.tsv"
AGENT_COLUMNS: tuple[str, ...] = ("phrase", "sector", "type", "role", "title", "party", "speaker")
# A user dictionary may stop after the title (the format `eventwire kb import` writes).
USER_COLUMNS: tuple[str, ...] = AGENT_COLUMNS[:5]
AGENT_TYPES: tuple[str, ...] = ("person", "group", "organization", "modifier")
SPEAKER_CLASSES: tuple[str, ...] = ("source", "speaker", "outlet", "document")
# Words of a phrase as spaCy splits them: a hyphen between letters is a word of its own ("plain-clothes
# officer" is plain, -, clothes, officer), so table phrases match parsed text and plain text alike.
_PHRASE_WORD = re.compile(r"[^\s-]+|-")


def phrase_words(text: str) -> tuple[str, ...]:
    return tuple(_PHRASE_WORD.findall(text.lower()))


@dataclass(frozen=True, slots=True)
class AgentNoun:
    phrase: str  # lower-case words
    sector: str | None
    type: str | None  # person, group, organization, modifier; None: no actor of its own
    role: str | None
    title: bool
    party: bool  # the noun alone is an event party of its sector when no actor covers it
    speaker: str | None  # source, speaker, outlet, document; None: not a speaker noun

    @property
    def one_word(self) -> bool:
        return " " not in self.phrase

    @property
    def words(self) -> tuple[str, ...]:
        return phrase_words(self.phrase)


class AgentNouns:
    """The shipped table: its rows in file order, indexed by phrase, and the sector codes its header defines."""

    def __init__(self, rows: tuple[AgentNoun, ...], sectors: frozenset[str]) -> None:
        self.rows = rows
        self.sectors = sectors
        self._by_phrase = {row.phrase: row for row in rows}

    def __iter__(self) -> Iterator[AgentNoun]:
        return iter(self.rows)

    def __len__(self) -> int:
        return len(self.rows)

    def get(self, phrase: str) -> AgentNoun | None:
        return self._by_phrase.get(" ".join(phrase.lower().split()))


def _optional(value: str) -> str | None:
    return None if value in ("", "-") else value


def read_agent_nouns(path: Path, sectors: frozenset[str] | None = None, unique: bool = False,
                     ) -> tuple[list[AgentNoun], list[DictionaryFormatError]]:
    """The rows of an agent-noun file and a format error for each line that is not one.

    Lines may have the five fields of a user dictionary (not a party, no speaker class) or all seven.
    ``sectors``, when given, is the set of valid sector codes; user dictionaries keep whatever codes they were
    imported with. ``unique`` makes a phrase listed twice an error (in a user dictionary the later line wins).
    """
    rows: list[AgentNoun] = []
    errors: list[DictionaryFormatError] = []
    first_line: dict[str, int] = {}
    for number, fields in numbered_rows(path, (len(USER_COLUMNS), len(AGENT_COLUMNS)), header=AGENT_COLUMNS[0],
                                        names=AGENT_COLUMNS, errors=errors):
        phrase, sector, kind, role, title = fields[:5]
        party, speaker = fields[5:] if len(fields) == len(AGENT_COLUMNS) else ("no", "-")
        problem = None
        if not phrase:
            problem = "empty phrase"
        elif kind != "-" and kind not in AGENT_TYPES:
            problem = f"type {kind!r} is not one of {', '.join(AGENT_TYPES)} or '-'"
        elif title not in ("yes", "no") or party not in ("yes", "no"):
            problem = f"title and party must be yes or no, not {title!r} and {party!r}"
        elif party == "yes" and (sector == "-" or kind == "modifier" or " " in phrase.strip()):
            problem = "a party noun is one word with a sector, not a modifier"
        elif speaker != "-" and speaker not in SPEAKER_CLASSES:
            problem = f"speaker class {speaker!r} is not one of {', '.join(SPEAKER_CLASSES)} or '-'"
        elif sectors is not None and sector != "-" and sector not in sectors:
            problem = f"sector {sector!r} is not a code of the table's header ({', '.join(sorted(sectors))})"
        key = " ".join(phrase.lower().split())
        if problem is None and unique and key in first_line:
            problem = f"{key!r} is already listed on line {first_line[key]}: one phrase, one row"
        if problem:
            errors.append(DictionaryFormatError(str(path), number, problem))
            continue
        first_line.setdefault(key, number)
        rows.append(AgentNoun(key, _optional(sector), _optional(kind), _optional(role), title == "yes",
                              party == "yes", _optional(speaker)))
    return rows, errors


def load_agent_nouns(path: Path = AGENT_NOUNS) -> AgentNouns:
    """A complete agent-noun table; a malformed line or a phrase listed twice raises DictionaryFormatError."""
    sectors = header_sectors(path)
    if not sectors:
        raise DictionaryFormatError(str(path), 1, "the header defines no sector code ('#   CODE  meaning' lines)")
    rows, errors = read_agent_nouns(path, sectors, unique=True)
    if errors:
        raise errors[0]
    return AgentNouns(tuple(rows), sectors)


@lru_cache(maxsize=1)
def agent_nouns() -> AgentNouns:
    """The shipped table, parsed once per process."""
    return load_agent_nouns()
