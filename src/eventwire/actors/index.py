"""What every step of the actor stage shares about one article: the index built once per article.

:class:`ArticleIndex` holds the text, the parse, which characters are already claimed by a mention,
the actors being built (:class:`Cluster`), each token's sentence and entity, and the quotation mask.
Each step (:mod:`~eventwire.actors.people`, :mod:`~eventwire.actors.descriptions`,
:mod:`~eventwire.actors.countries`, :mod:`~eventwire.actors.pronouns`) is a :class:`Step` over the same
index and the stage's knowledge (KB, agents table, resolver, scanners). The token helpers at the end are
the stage's parse helpers.

``index.text`` is the article's text: mentions and names are cut from it. ``index.cased`` is the text the
parse was made from; it differs from ``text`` only in letter case (lower-case feeds are parsed from a
case-restored copy, see :mod:`eventwire.nlp.truecase`), so case tests ("a capitalised word") read it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

from spacy.tokens import Doc, Token
from spacy.tokens import Span as SpacySpan

from eventwire.actors.normalize import name_key
from eventwire.model import Span
from eventwire.nlp.english import LOCATIVE_WORDS

if TYPE_CHECKING:
    from eventwire.actors.agents import AgentTable, SourcingCues
    from eventwire.actors.kb import KnowledgeBase
    from eventwire.actors.resolve import Resolver
    from eventwire.actors.scan import AliasScanner

DEFINITE = frozenset({"the", "these", "those", "both", "this", "that"})
INDEFINITE = frozenset({"a", "an", "one", "another", "some", "several", "many"})
NAMED_KINDS = frozenset({"person", "organization", "group"})

_SUBJECT_DEPS = frozenset({"nsubj", "nsubjpass", "agent", "poss"})

@dataclass(slots=True)
class Cluster:
    """An actor being built: a key that decides which mentions join it, and its mentions."""

    key: str
    name: str
    kind: str
    country: str | None = None
    sector: str | None = None
    role: str | None = None
    kb_id: str | None = None
    anonymous: bool = False
    confidence: float = 0.5
    mentions: list[Span] = field(default_factory=list)
    head: str | None = None  # head lemma of a description ("official")
    role_family: str | None = None
    plural: bool = False
    governs: bool = False  # a country that acts, or is named by its capital or government

    @property
    def first(self) -> int:
        return min(m.start for m in self.mentions)

    @property
    def last_name(self) -> str:
        words = name_key(self.name).split()
        return words[-1] if words else ""


@dataclass(slots=True)
class Context:
    """What the words around a person's name say: role text, role family, sector, country."""

    role: str | None = None
    role_family: str | None = None
    sector: str | None = None
    country: str | None = None
    former: bool = False


class PlaceCandidate(Protocol):
    """What the actor steps read of a gazetteer entry."""

    kind: str
    population: int


class PlaceNames(Protocol):
    """Place names by surface form (the places gazetteer, handed in by the pipeline): the candidates for a name,
    each with whether it matched an alternate name."""

    def candidates(self, name: str) -> Sequence[tuple[PlaceCandidate, bool]]: ...


class _NoPlaceNames:
    """No place names: a stage run on its own, without the pipeline's gazetteer."""

    def candidates(self, name: str) -> Sequence[tuple[PlaceCandidate, bool]]:
        return ()


NO_PLACE_NAMES: PlaceNames = _NoPlaceNames()


class Knowledge(Protocol):
    """What the steps read and never change (the :class:`~eventwire.actors.stage.ActorStage`): the KB, the
    agents table, the resolver, the alias scanners, the sourcing cues and the places gazetteer."""

    kb: KnowledgeBase
    agents: AgentTable
    resolver: Resolver
    scanner: AliasScanner
    sourcing: SourcingCues

    @property
    def gazetteer(self) -> PlaceNames: ...


class ArticleIndex:
    """One article's text, parse and actors in the making, built once and shared by every step."""

    def __init__(self, text: str, doc: Doc, published: str | None) -> None:
        self.text = text
        # The text the parse was made from: equal to ``text`` but for letter case (see the module docstring).
        cased = doc.user_data.get("cased_text") if doc.user_data else None
        self.cased = cased if isinstance(cased, str) and len(cased) == len(text) else text
        self.doc = doc
        # The tokens, made once: every step walks them, and spaCy builds a new Token object per visit.
        self.tokens: list[Token] = list(doc)
        self.day = day(published)
        self.claimed = bytearray(len(text))
        self.clusters: list[Cluster] = []
        self.by_key: dict[str, Cluster] = {}
        self.sentence_index: dict[int, int] = {}
        self.sentence_starts: list[int] = []
        for n, sent in enumerate(doc.sents):
            self.sentence_starts.append(sent.start_char)
            for i in range(sent.start, sent.end):
                self.sentence_index[i] = n
        self.ent_label: dict[int, SpacySpan] = {}
        for ent in doc.ents:
            for token in ent:
                self.ent_label[token.i] = ent
        self.in_quote = quotation_mask(text)

    def free(self, start: int, end: int) -> bool:
        return start < end and not any(self.claimed[start:end])

    def claim(self, start: int, end: int) -> None:
        self.claimed[start:end] = b"\x01" * (end - start)

    def add_mention(self, cluster: Cluster, start: int, end: int) -> bool:
        if not self.free(start, end):
            return False
        self.claim(start, end)
        cluster.mentions.append(Span(start, end, self.text[start:end]))
        return True

    def cluster(self, key: str, make: Cluster | None = None) -> Cluster | None:
        """The actor with ``key``; ``make`` is added under that key when there is none yet."""
        found = self.by_key.get(key)
        if found is None and make is not None:
            found = self.by_key[key] = make
            self.clusters.append(make)
        return found

    def new_cluster(self, cluster: Cluster) -> Cluster:
        self.clusters.append(cluster)
        return cluster

    def sentence_start(self, index: int) -> int:
        return self.sentence_starts[index] if 0 <= index < len(self.sentence_starts) else 0


class Step:
    """One step of the actor stage over the shared :class:`ArticleIndex`."""

    def __init__(self, knowledge: Knowledge, index: ArticleIndex) -> None:
        self.knowledge = knowledge
        self.kb = knowledge.kb
        self.agents = knowledge.agents
        self.resolver = knowledge.resolver
        self.index = index
        # The index's containers and methods, bound once: every step reads and fills the same ones. Steps
        # read names, surfaces and letter case from the parsed (case-restored) text; mentions are cut from
        # the article's own text by ``add_mention``.
        self.text = index.cased
        self.doc = index.doc
        self.day = index.day
        self.claimed = index.claimed
        self.clusters = index.clusters
        self.by_key = index.by_key
        self.ent_label = index.ent_label
        self.sentence_index = index.sentence_index
        self.free = index.free
        self.claim = index.claim
        self.add_mention = index.add_mention
        self.cluster = index.cluster
        self.new_cluster = index.new_cluster

    def latest_mentioned(self, fits: Callable[[Cluster], bool], before: int, earliest: int = 0) -> Cluster | None:
        """Of the actors that ``fits``, the one with the latest mention starting in ``[earliest, before)`` (the
        first built on a tie); None when none is mentioned there."""
        best: tuple[int, Cluster] | None = None
        for cluster in self.clusters:
            if not fits(cluster):
                continue
            last = max((m.start for m in cluster.mentions if earliest <= m.start < before), default=None)
            if last is not None and (best is None or last > best[0]):
                best = (last, cluster)
        return best[1] if best else None

    def clause_subject(self, token: Token) -> Cluster | None:
        """The actor that is the subject of the nearest clause governing ``token`` and not containing it
        ("The RSF denied it and said its forces were attacked": the RSF); None when that subject is no actor.
        A verb conjoined to another shares its subject."""
        current = token
        for _ in range(6):
            verb = current.head
            if verb is current:
                return None
            if verb.pos_ in ("VERB", "AUX"):
                verbs = [verb]
                while verbs[-1].dep_ == "conj" and verbs[-1].head is not verbs[-1]:
                    verbs.append(verbs[-1].head)
                for candidate in verbs:
                    subject = next((c for c in candidate.children if c.dep_ in ("nsubj", "nsubjpass")
                                    and not (c.left_edge.i <= token.i <= c.right_edge.i)), None)
                    if subject is not None:
                        return next((c for c in self.clusters if any(
                            m.start <= subject.idx < m.end for m in c.mentions)), None)
            current = verb
        return None

    def word(self, token: Token) -> str:
        """A token as written in the parsed text (capitalised where a lower-case text was restored)."""
        return self.text[token.idx:token.idx + len(token.text)]


def day(published: str | None) -> str | None:
    if not published or not re.match(r"^\d{4}(-\d{2}(-\d{2})?)?$", published):
        return None
    parts = published.split("-")
    while len(parts) < 3:
        parts.append("15" if len(parts) == 2 else "07")
    return "-".join(parts)


def token_end(token: Token) -> int:
    return token.idx + len(token.text)


def word_forms(tokens: Iterable[Token]) -> list[tuple[str, ...]]:
    """Each word's acceptable forms for agent matching: lower-case text and lemma."""
    out = []
    for token in tokens:
        lower = token.lower_
        lemma = token.lemma_.lower()
        out.append((lower, lemma) if lemma != lower else (lower,))
    return out


def trim(span: SpacySpan) -> tuple[int, int] | None:
    """Character bounds of an entity span without a leading article and a trailing possessive."""
    tokens = list(span)
    while tokens and tokens[0].lower_ in {"the", "a", "an"}:
        tokens = tokens[1:]
    while tokens and (tokens[-1].tag_ == "POS" or tokens[-1].is_punct or tokens[-1].is_space):
        tokens = tokens[:-1]
    if not tokens:
        return None
    start, end = tokens[0].idx, token_end(tokens[-1])
    last = tokens[-1].text  # never doc.text: building it walks the whole document
    for suffix in ("’s", "'s"):
        if last.endswith(suffix) and len(last) > len(suffix):
            end -= len(suffix)
            break
    return start, end


def locative(ent: SpacySpan) -> bool:
    """Whether a place name is used as a location ("in Baghdad") rather than as an actor."""
    root = ent.root
    return root.dep_ == "pobj" and root.head.lower_ in LOCATIVE_WORDS


def acts(ent: SpacySpan) -> bool:
    """Whether a country name is an agent: a subject (or conjoined with one), a possessor or a passive's agent."""
    token = ent.root
    while token.dep_ == "conj" and token.head is not token:
        token = token.head
    if token.dep_ in _SUBJECT_DEPS:
        return True
    return token.dep_ == "pobj" and token.head.dep_ == "agent"






def latest_country(entity: object) -> str | None:
    tenures = getattr(entity, "tenures", [])
    if not tenures:
        return None
    return max(tenures, key=lambda t: t.start or "").country


# A quotation: curly or straight quotes, never across a paragraph break (an unclosed quote ends there).
_QUOTATION = re.compile(r"“(?:[^”\n]|\n(?!\n))*”|\"(?:[^\"\n]|\n(?!\n))*\"")


def quotation_mask(text: str) -> bytearray:
    """1 for every character inside a quotation (“...” or "..."), so pronouns there are left alone."""
    mask = bytearray(len(text))
    for match in _QUOTATION.finditer(text):
        mask[match.start():match.end()] = b"\x01" * (match.end() - match.start())
    return mask
