"""The actors stage's agents table: title and role words -> sector, kind of referent and role family.

The shipped rows are the agent nouns with a type in the shared table (``eventwire.knowledge.agents``,
``knowledge/data/agent_nouns.tsv``, format in its header); PETRARCH/CAMEO agent dictionaries imported with
``eventwire kb import --format petrarch`` add ``agents-*.tsv`` files in the user KB directory, with the first
five fields of that format. Phrases are matched on lower-case words or lemmas, longest first. Sectors are
PLOVER's in every row (news media JRN, health MED), as in every other output of the pipeline.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from itertools import islice
from pathlib import Path

from eventwire.actors.kb import DATA_DIR
from eventwire.datafiles import read_rows
from eventwire.errors import DictionaryFormatError
from eventwire.knowledge.agents import AgentNoun, agent_nouns, phrase_words, read_agent_nouns
from eventwire.knowledge.sectors import is_cameo_sector, plover_sector

# Role families that may stand for one another when a name is checked against the KB.
_COMPATIBLE: dict[str, frozenset[str]] = {
    "minister": frozenset({"foreign-minister", "defence-minister", "interior-minister", "minister",
                           "head-of-government"}),
    "official": frozenset({"foreign-minister", "defence-minister", "interior-minister", "minister", "official",
                           "diplomat", "spokesperson", "head-of-state", "head-of-government", "royal"}),
    "military": frozenset({"military", "military-commander"}),
    "military-commander": frozenset({"military", "military-commander"}),
    "head-of-state": frozenset({"head-of-state", "royal"}),
    "royal": frozenset({"head-of-state", "royal", "defence-minister", "foreign-minister", "head-of-government"}),
}


@dataclass(frozen=True, slots=True)
class Agent:
    phrase: str
    sector: str | None
    type: str
    role: str | None
    title: bool

    @property
    def words(self) -> tuple[str, ...]:
        return phrase_words(self.phrase)


def roles_compatible(mention_role: str | None, kb_role: str | None) -> bool | None:
    """Whether a role family in the text can describe a KB role family; None when either is unknown."""
    if mention_role is None or kb_role is None:
        return None
    if mention_role == kb_role:
        return True
    return kb_role in _COMPATIBLE.get(mention_role, frozenset()) or mention_role in _COMPATIBLE.get(
        kb_role, frozenset())


@dataclass(frozen=True, slots=True)
class AgentMatch:
    start: int  # index of the first word
    end: int  # index after the last word
    agent: Agent


class AgentTable:
    """Agent phrases indexed by their first word; matching is longest-first over a word sequence."""

    def __init__(self, agents: Iterable[Agent] = ()) -> None:
        self._by_first: dict[str, list[Agent]] = defaultdict(list)
        self._last_words: set[str] = set()
        self.errors: list[DictionaryFormatError] = []
        for agent in agents:
            self.add(agent)

    def add(self, agent: Agent) -> None:
        bucket = self._by_first[agent.words[0]]
        bucket[:] = [a for a in bucket if a.phrase != agent.phrase]
        bucket.append(agent)
        bucket.sort(key=lambda a: -len(a.words))
        self._last_words.add(agent.words[-1])

    def __contains__(self, word: str) -> bool:
        return word in self._by_first

    def __iter__(self) -> Iterator[Agent]:
        for bucket in self._by_first.values():
            yield from bucket

    def ends_a_phrase(self, word: str) -> bool:
        """Whether some agent phrase ends with ``word`` (a cheap test before matching a noun phrase)."""
        return word in self._last_words

    def get(self, phrase: str) -> Agent | None:
        words = phrase_words(phrase)
        if not words:
            return None
        return next((a for a in self._by_first.get(words[0], ()) if a.words == words), None)

    def match(self, forms: Sequence[Sequence[str]]) -> list[AgentMatch]:
        """Non-overlapping agent phrases in a word sequence, longest first from left to right.

        ``forms[i]`` lists the acceptable forms of word ``i`` (e.g. its lower-case text and its lemma).
        """
        found: list[AgentMatch] = []
        i = 0
        while i < len(forms):
            best: AgentMatch | None = None
            for first in forms[i]:
                for agent in self._by_first.get(first, ()):
                    n = len(agent.words)
                    if i + n <= len(forms) and all(agent.words[k] in forms[i + k] for k in range(n)):
                        if best is None or n > best.end - best.start:
                            best = AgentMatch(i, i + n, agent)
                        break
            if best is not None:
                found.append(best)
                i = best.end
            else:
                i += 1
        return found

    def match_text(self, text: str) -> list[AgentMatch]:
        words = [w for w in phrase_words(" ".join(w.strip(",.;:()\"'") for w in text.split())) if w]
        forms = [(w, w[:-1]) if w.endswith("s") and len(w) > 3 else (w,) for w in words]
        return self.match(forms)

    def role_family(self, text: str | None) -> str | None:
        """The role family of a role text ("Secretary of Defense" -> defence-minister)."""
        if not text:
            return None
        for m in sorted(self.match_text(text), key=lambda m: -(m.end - m.start)):
            if m.agent.role:
                return m.agent.role
        return None


def _agent(noun: AgentNoun) -> Agent | None:
    """The actors stage's view of an agent noun; None for nouns it makes no actor of (no type)."""
    if noun.type is None:
        return None
    return Agent(noun.phrase, noun.sector, noun.type, noun.role, noun.title)


# The line `eventwire kb import` writes in a user agent dictionary whose sectors it has put in PLOVER's codes; a
# file without it was imported before that, so its CAMEO codes are read as CAMEO's (MED: news media, JRN).
PLOVER_SECTORS_NOTE = "# sectors: PLOVER (CAMEO codes translated on import)"


def read_agent_file(path: Path) -> tuple[list[Agent], list[DictionaryFormatError]]:
    """The agents of a user agent dictionary (``agents-*.tsv``) and a format error for each bad line."""
    nouns, errors = read_agent_nouns(path)
    with path.open(encoding="utf-8") as handle:
        plover = any(line.rstrip("\r\n") == PLOVER_SECTORS_NOTE for line in islice(handle, 5))
    if not plover:
        nouns = [replace(noun, sector=plover_sector(noun.sector)) if noun.sector and is_cameo_sector(noun.sector)
                 else noun for noun in nouns]
    agents = [_agent(noun) for noun in nouns]
    return [agent for agent in agents if agent is not None], errors


def load_agents(user_dirs: Iterable[Path] = ()) -> AgentTable:
    """The shared table's agent nouns with a type, plus ``agents-*.tsv`` files in the user KB directories.

    User entries override shipped ones with the same phrase.
    """
    table = AgentTable(agent for agent in map(_agent, agent_nouns()) if agent is not None)
    for directory in user_dirs:
        if not directory.is_dir():
            continue
        for path in sorted(directory.glob("agents-*.tsv")):
            agents, errors = read_agent_file(path)
            table.errors.extend(errors)
            for agent in agents:
                table.add(agent)
    return table


@dataclass(frozen=True, slots=True)
class SourcingCues:
    """Words that mark an unnamed description as an anonymous source (``data/sourcing.tsv``)."""

    verbs: frozenset[str]
    phrases: tuple[str, ...]


def load_sourcing(data_dir: Path = DATA_DIR) -> SourcingCues:
    verbs: set[str] = set()
    phrases: list[str] = []
    for kind, text in read_rows(data_dir / "sourcing.tsv", 2, header="kind", lower=True):
        if kind == "verb":
            verbs.add(text)
        elif kind == "phrase":
            phrases.append(text)
    return SourcingCues(frozenset(verbs), tuple(phrases))
