"""Reader for PETRARCH/TABARI actor dictionaries (``*.actors.txt``).

The format, as found in the Phoenix and validation dictionaries::

    GONDOR [GON]                 # primary phrase and its code
    +MINAS_TIRITH                # '+' lines are synonyms of the entry above
    GOLLUM                       # an entry whose codes follow on indented lines
    +SMEAGOL
        [HOB < 950601]           # code before a date (TABARI YYMMDD or YYYYMMDD)
        [HOBGOV 19950601 - 19990815]   # code within a date range (inclusive)
        [HOBREB > 990816]        # code after a date
    LORIEN  [ELR/GAL]            # '/' separates several actors coded at once
    BOROMIR  [---]               # '---' codes the actor as "no code"

Consecutive primary lines with no code between them (no blank line either) form one
entry whose codes follow. Text after the code block is ignored (an old comment style).
Underscores join the words of a phrase; a trailing underscore (TABARI's
"exact match" marker) is dropped. Comments are ``#`` to end of line and
``<!-- ... -->`` blocks. Which code applies is decided by the sentence date:
the first date-restricted code whose restriction holds wins, otherwise the
entry's first unrestricted code (see :func:`code_on`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from eventwire.errors import DictionaryFormatError
from eventwire.petrarch._lines import content_lines, normalise_phrase, parse_dictionary_date

_BRACKET = re.compile(r"\[([^\[\]]*)\]")
_CODE = re.compile(
    r"^\s*(?P<code>[^\s<>\d][^\s<>]*)?\s*"
    r"(?:(?P<op>[<>])\s*(?P<day>\d+)|(?P<lo>\d+)\s*-\s*(?P<hi>\d+))?\s*$"
)


@dataclass(frozen=True, slots=True)
class DatedCode:
    """One code of an actor and the dates it holds for (``None`` = unbounded; bounds inclusive).

    ``<date`` gives ``end = date - 1 day``, ``>date`` gives ``start = date + 1 day``.
    """

    code: str
    start: date | None = None
    end: date | None = None

    @property
    def restricted(self) -> bool:
        return self.start is not None or self.end is not None

    @property
    def codes(self) -> tuple[str, ...]:
        """The codes this entry stands for: ``ELR/GAL`` codes two actors at once."""
        return tuple(part for part in self.code.split("/") if part)

    def holds_on(self, day: date) -> bool:
        return (self.start is None or day >= self.start) and (self.end is None or day <= self.end)


@dataclass(slots=True)
class ActorEntry:
    """A primary phrase with its synonyms (``names[0]`` is the primary) and its codes."""

    names: list[str]
    codes: list[DatedCode] = field(default_factory=list)
    line: int = 0


def code_on(entry: ActorEntry, day: date | None) -> str | None:
    """The code ``entry`` has on ``day``: the first restriction that holds, else the first unrestricted code.

    With no date known, the unrestricted code is used, or the last restricted
    one (the most recent, as dictionaries list codes in time order).
    """
    if day is not None:
        for dated in entry.codes:
            if dated.restricted and dated.holds_on(day):
                return dated.code
    for dated in entry.codes:
        if not dated.restricted:
            return dated.code
    if day is None and entry.codes:
        return entry.codes[-1].code
    return None


def parse_code(text: str) -> DatedCode:
    """Parse the inside of one ``[...]`` code block; raises ``ValueError`` when malformed."""
    match = _CODE.match(text)
    if match is None and re.fullmatch(r"\s*\S+\s+\d+\s*", text):
        raise ValueError(f"code block [{text}] has a single date: write <DATE, >DATE or DATE-DATE")
    if not match or not match.group("code"):
        raise ValueError(f"code block [{text}] has no code")
    code = match.group("code")
    if match.group("op"):
        day = parse_dictionary_date(match.group("day"))
        if match.group("op") == "<":
            return DatedCode(code, None, date.fromordinal(day.toordinal() - 1))
        return DatedCode(code, date.fromordinal(day.toordinal() + 1), None)
    if match.group("lo"):
        start, end = parse_dictionary_date(match.group("lo")), parse_dictionary_date(match.group("hi"))
        if end < start:
            raise ValueError(f"date range in [{text}] ends before it starts")
        return DatedCode(code, start, end)
    return DatedCode(code)


def _codes_in(text: str, path: str, number: int,
              errors: list[DictionaryFormatError]) -> tuple[str, list[DatedCode]]:
    """Split ``text`` into the phrase before the first ``[`` and the codes in its brackets."""
    first = text.find("[")
    if first < 0:
        if "]" in text:
            errors.append(DictionaryFormatError(path, number, "']' without a matching '['"))
        return text.replace("]", ""), []
    phrase, rest = text[:first], text[first:]
    codes: list[DatedCode] = []
    for inner in _BRACKET.findall(rest):
        try:
            codes.append(parse_code(inner))
        except ValueError as exc:
            errors.append(DictionaryFormatError(path, number, str(exc)))
    # Text after the code blocks is an unmarked comment in several Phoenix files (TABARI ignored it).
    if rest.count("[") != rest.count("]"):
        errors.append(DictionaryFormatError(path, number, "unbalanced '[' ']' in the code block"))
    return phrase, codes


def read_actor_dictionary(path: str | Path) -> tuple[list[ActorEntry], list[DictionaryFormatError]]:
    """Read an actor dictionary; malformed lines become errors and the rest is still loaded."""
    name = str(path)
    entries: list[ActorEntry] = []
    errors: list[DictionaryFormatError] = []
    current: ActorEntry | None = None
    previous_line = 0
    errors_before_current = 0

    def close() -> None:
        # An entry whose code blocks were already reported as malformed is not reported twice.
        if current is not None and not current.codes and len(errors) == errors_before_current:
            errors.append(DictionaryFormatError(name, current.line, f"actor {current.names[0]!r} has no code"))

    for number, text, _raw in content_lines(path):
        adjacent = number == previous_line + 1
        previous_line = number
        stripped = text.strip()
        if stripped.startswith("["):
            _, codes = _codes_in(stripped, name, number, errors)
            if current is None:
                errors.append(DictionaryFormatError(name, number, "code line before any actor phrase"))
            else:
                current.codes.extend(codes)
            continue
        if stripped.startswith("+"):
            phrase, codes = _codes_in(stripped[1:], name, number, errors)
            synonym = normalise_phrase(phrase)
            if current is None:
                errors.append(DictionaryFormatError(name, number, "synonym ('+' line) before any actor phrase"))
            elif not synonym:
                errors.append(DictionaryFormatError(name, number, "empty synonym"))
            else:
                current.names.append(synonym)
                current.codes.extend(codes)
            continue
        line_errors: list[DictionaryFormatError] = []
        phrase, codes = _codes_in(stripped, name, number, line_errors)
        primary = normalise_phrase(phrase)
        if not primary:
            errors.extend(line_errors)
            errors.append(DictionaryFormatError(name, number, "code block without an actor phrase"))
            continue
        if current is not None and not current.codes and adjacent and len(errors) == errors_before_current:
            # Consecutive primary phrases with no code in between share the codes that follow
            # (the Phoenix country file lists a leader's name variants this way).
            errors.extend(line_errors)
            current.names.append(primary)
            current.codes.extend(codes)
            continue
        close()
        errors_before_current = len(errors)
        errors.extend(line_errors)
        current = ActorEntry([primary], codes, number)
        entries.append(current)
    close()
    errors.sort(key=lambda e: e.line)
    return entries, errors
