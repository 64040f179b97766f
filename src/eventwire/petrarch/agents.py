"""Reader for PETRARCH agent dictionaries (``*.agents.txt``).

Agents are generic roles ("minister", "police", "rebels") whose code is
combined with the actor they belong to: ``[~GOV]`` is appended
(``ARN`` + ``GOV`` = ``ARNGOV``), ``[NGO~]`` is prepended (``NGOARN``)::

    !PERSON! = MAN, MEN, WOMAN, WOMEN      # substitution set
    FOREIGN_MINISTER [~GOVFRM]             # plural generated: FOREIGN MINISTERS
    ATTORNEY_GENERAL {ATTORNEYS_GENERAL} [~GOV]   # explicit plural(s)
    POLICE {} [~COP]                       # '{}' = no plural
    CONGRESS!PERSON! [~LEG]                # one entry per member of !PERSON!
    HUMAN_RIGHTS_BODY  [NGO~]              # prefix code

Comments are ``#`` to end of line and ``<!-- ... -->`` blocks.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from eventwire.errors import DictionaryFormatError
from eventwire.petrarch._lines import content_lines, normalise_phrase

_SUBSTITUTION_SET = re.compile(r"^\s*(![A-Za-z0-9_]+!)\s*=\s*(.+)$")
_ENTRY = re.compile(r"^(?P<phrase>[^{\[]+?)\s*(?:\{(?P<plurals>[^}]*)\})?\s*\[\s*(?P<code>[^\]]*?)\s*\]\s*$")
_MARKER = re.compile(r"![A-Za-z0-9_]+!")
_AGENT_CODE = re.compile(r"^(~[A-Za-z0-9]+|[A-Za-z0-9]+~)$")


@dataclass(slots=True)
class AgentEntry:
    """One agent phrase; ``prefix`` is true for ``[CODE~]`` codes written before the actor's code."""

    phrase: str
    plurals: list[str] = field(default_factory=list)
    code: str = ""
    prefix: bool = False
    line: int = 0

    @property
    def names(self) -> list[str]:
        return [self.phrase, *self.plurals]

    def combine(self, actor_code: str | None) -> str:
        """The code of this agent attached to ``actor_code`` (``---`` when the actor is unknown)."""
        base = actor_code or "---"
        return self.code + base if self.prefix else base + self.code


def make_plural(phrase: str) -> str | None:
    """The regular English plural of a phrase (PETRARCH generates one when no ``{}`` is given).

    The head noun is the word before ``OF`` when there is one ("minister of
    health"), else the last word. None when the head already looks plural.
    """
    words = phrase.split()
    index = words.index("OF") - 1 if "OF" in words[1:] else len(words) - 1
    word = words[index]
    if word.endswith(("MEN", "PEOPLE")) or re.search(r"[^SIU]S$", word):
        return None
    if word.endswith("MAN"):
        word = word[:-3] + "MEN"
    elif re.search(r"[^AEIOU]Y$", word):
        word = word[:-1] + "IES"
    elif re.search(r"(S|SH|CH|X|Z)$", word):
        word += "ES"
    else:
        word += "S"
    return " ".join([*words[:index], word, *words[index + 1:]])


def _expand(phrase: str, sets: dict[str, list[str]]) -> list[str] | None:
    """Every phrase obtained by replacing the first ``!SET!`` marker (recursively); None if a set is unknown."""
    marker = _MARKER.search(phrase)
    if marker is None:
        return [phrase]
    members = sets.get(marker.group(0).upper())
    if members is None:
        return None
    out: list[str] = []
    for member in members:
        expanded = _expand(phrase[:marker.start()] + member + phrase[marker.end():], sets)
        if expanded is None:
            return None
        out.extend(expanded)
    return out


def read_agent_dictionary(path: str | Path) -> tuple[list[AgentEntry], list[DictionaryFormatError]]:
    """Read an agent dictionary; malformed lines become errors and the rest is still loaded."""
    name = str(path)
    entries: list[AgentEntry] = []
    errors: list[DictionaryFormatError] = []
    sets: dict[str, list[str]] = {}
    for number, text, _raw in content_lines(path):
        stripped = text.strip()
        set_match = _SUBSTITUTION_SET.match(stripped)
        if set_match:
            members = [m.strip().upper() for m in set_match.group(2).split(",") if m.strip()]
            sets[set_match.group(1).upper()] = members
            continue
        match = _ENTRY.match(stripped)
        if match is None:
            if "[" not in stripped:
                reason = "no [~CODE] or [CODE~] code"
            elif "]" not in stripped[stripped.index("["):]:
                reason = "'[' without a closing ']'"
            else:
                reason = "expected PHRASE {PLURALS} [~CODE] or [CODE~]"
            errors.append(DictionaryFormatError(name, number, reason))
            continue
        raw_code = match.group("code").replace(" ", "")
        if not _AGENT_CODE.match(raw_code):
            errors.append(DictionaryFormatError(name, number, f"agent code [{raw_code}] must be ~CODE or CODE~"))
            continue
        prefix = raw_code.endswith("~")
        code = raw_code.strip("~").upper()
        phrases = _expand(match.group("phrase"), sets)
        if phrases is None:
            errors.append(DictionaryFormatError(name, number, "unknown substitution set in "
                                                f"{match.group('phrase')!r}"))
            continue
        explicit = match.group("plurals")
        for phrase in phrases:
            normal = normalise_phrase(phrase)
            if not normal:
                errors.append(DictionaryFormatError(name, number, "empty agent phrase"))
                break
            if explicit is None:
                plural = make_plural(normal)
                plurals = [plural] if plural else []
            else:
                plurals = [normalise_phrase(p) for p in explicit.split()]
            entries.append(AgentEntry(normal, plurals, code, prefix, number))
    return entries, errors
