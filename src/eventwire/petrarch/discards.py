"""Reader for PETRARCH discard lists (``*.discards.txt``).

One phrase per line. A sentence containing a discard phrase is not coded;
a phrase marked with a leading ``+`` discards the whole story (sports
results, celebrities: "+Manchester United"). Comments are ``#`` to end of
line and ``<!-- ... -->`` blocks.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from eventwire.errors import DictionaryFormatError
from eventwire.petrarch._lines import content_lines, normalise_phrase


@dataclass(frozen=True, slots=True)
class DiscardEntry:
    phrase: str
    story: bool
    line: int


def read_discards(path: str | Path) -> tuple[list[DiscardEntry], list[DictionaryFormatError]]:
    """Read a discard list; lines that hold no phrase become errors."""
    name = str(path)
    entries: list[DiscardEntry] = []
    errors: list[DictionaryFormatError] = []
    for number, text, _raw in content_lines(path):
        stripped = text.strip()
        story = stripped.startswith("+")
        phrase = normalise_phrase(stripped[1:] if story else stripped)
        if not phrase or "[" in phrase:
            errors.append(DictionaryFormatError(name, number, "expected a phrase, optionally preceded by '+'"))
            continue
        entries.append(DiscardEntry(phrase, story, number))
    return entries, errors
