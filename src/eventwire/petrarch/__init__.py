"""PETRARCH/CAMEO interoperability: dictionary readers and a dictionary-driven coder.

Readers (each returns ``(entries, errors)``; a malformed line becomes a
:class:`~eventwire.errors.DictionaryFormatError` with file and line, and the
rest of the file is still loaded):

- :func:`eventwire.petrarch.actors.read_actor_dictionary`
- :func:`eventwire.petrarch.agents.read_agent_dictionary`
- :func:`eventwire.petrarch.verbs.read_verb_dictionary`
- :func:`eventwire.petrarch.discards.read_discards`

:func:`load_dictionaries` reads a whole directory (the ``--dictionaries DIR``
option); :class:`eventwire.petrarch.coder.PetrarchCoder` codes events with it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from eventwire.errors import DictionaryFormatError, KnowledgeBaseError
from eventwire.petrarch.actors import ActorEntry, DatedCode, code_on, read_actor_dictionary
from eventwire.petrarch.agents import AgentEntry, read_agent_dictionary
from eventwire.petrarch.discards import DiscardEntry, read_discards
from eventwire.petrarch.verbs import VerbDictionary, read_verb_dictionary

__all__ = [
    "ActorEntry", "AgentEntry", "DatedCode", "DiscardEntry", "PetrarchDictionaries", "VerbDictionary",
    "code_on", "dictionary_kind", "load_dictionaries", "read_actor_dictionary", "read_agent_dictionary",
    "read_discards", "read_verb_dictionary",
]


@dataclass(slots=True)
class PetrarchDictionaries:
    """Everything read from one dictionary directory (several files of a kind are concatenated)."""

    actors: list[ActorEntry] = field(default_factory=list)
    agents: list[AgentEntry] = field(default_factory=list)
    verbs: VerbDictionary = field(default_factory=VerbDictionary)
    discards: list[DiscardEntry] = field(default_factory=list)
    files: list[str] = field(default_factory=list)


def dictionary_kind(path: Path) -> str | None:
    """``actors``, ``agents``, ``verbs`` or ``discards`` from a PETRARCH file name, else None.

    Names follow the PETRARCH distribution: ``*.actors.txt``, ``*.agents.txt``,
    ``*.verbs.txt`` or ``CAMEO.*.txt``, ``*.discards.txt``. Other files in the
    directory (issue coding, prepositions, licences) are not dictionaries of
    these kinds and are left alone.
    """
    name = path.name.lower()
    if not name.endswith(".txt"):
        return None
    if "actor" in name:
        return "actors"
    if "agent" in name:
        return "agents"
    if "verb" in name or name.startswith("cameo"):
        return "verbs"
    if "discard" in name:
        return "discards"
    return None


def load_dictionaries(directory: str | Path) -> tuple[PetrarchDictionaries, list[DictionaryFormatError]]:
    """Read every PETRARCH dictionary in ``directory``; raises KnowledgeBaseError when it holds none."""
    root = Path(directory)
    if not root.is_dir():
        raise KnowledgeBaseError(f"{root}: not a directory of PETRARCH dictionaries")
    result = PetrarchDictionaries()
    errors: list[DictionaryFormatError] = []
    for path in sorted(root.iterdir()):
        kind = dictionary_kind(path)
        if kind is None:
            continue
        result.files.append(str(path))
        if kind == "actors":
            actors, errs = read_actor_dictionary(path)
            result.actors.extend(actors)
        elif kind == "agents":
            agents, errs = read_agent_dictionary(path)
            result.agents.extend(agents)
        elif kind == "verbs":
            verbs, errs = read_verb_dictionary(path)
            result.verbs.blocks.extend(verbs.blocks)
            for name, members in verbs.synsets.items():
                result.verbs.synsets.setdefault(name, []).extend(members)
            result.verbs.transformations.extend(verbs.transformations)
        else:
            discards, errs = read_discards(path)
            result.discards.extend(discards)
        errors.extend(errs)
    if not result.files:
        raise KnowledgeBaseError(f"{root}: no PETRARCH dictionaries found (expected *.actors.txt, *.agents.txt, "
                                 "*.verbs.txt or CAMEO.*.txt, *.discards.txt)")
    return result, errors
