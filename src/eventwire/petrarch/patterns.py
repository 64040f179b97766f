"""Pattern matching for the PETRARCH coder: dictionary phrases and verb patterns over a sentence's words.

A sentence becomes match words (upper case, split at spaces, underscores and hyphens, each remembering its
token: :class:`SentenceWords`); dictionary phrases are found by longest match (:class:`PhraseIndex`); a verb
found in the verb dictionary (:class:`VerbMatch`) has its patterns matched in two regions (:class:`Regions`):
the words of its phrase after it and the sentence before it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

from spacy.tokens import Doc, Span, Token

from eventwire.petrarch.agents import AgentEntry
from eventwire.petrarch.verbs import VerbBlock, VerbForm

WORD = re.compile(r"[^\s\-_,]+|[-,]")


def match_words(words: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(w for word in words for w in (words_of(word) or [word]))


def words_of(text: str) -> list[str]:
    """The match words of a phrase or token: upper case, split at spaces, underscores and hyphens."""
    return WORD.findall(text.upper())


class PhraseIndex:
    """Longest-match lookup of dictionary phrases over a sentence's words (a trie keyed by words)."""

    def __init__(self) -> None:
        self.root: dict[str, object] = {}

    def add(self, phrase: str, value: object) -> None:
        node = self.root
        for word in words_of(phrase):
            node = node.setdefault(word, {})  # type: ignore[assignment]
        node.setdefault("", []).append(value)  # type: ignore[union-attr]

    def matches(self, words: list[str]) -> Iterator[tuple[int, int, list[object]]]:
        """Non-overlapping longest matches ``(start, end, values)`` over ``words``, left to right."""
        i = 0
        while i < len(words):
            node: dict[str, object] = self.root
            best: tuple[int, list[object]] | None = None
            j = i
            while j < len(words) and words[j] in node:
                node = node[words[j]]  # type: ignore[assignment]
                j += 1
                if "" in node:
                    best = (j, node[""])  # type: ignore[assignment]
            if best is None:
                i += 1
                continue
            yield i, best[0], best[1]
            i = best[0]


@dataclass(slots=True)
class SentenceWords:
    """A sentence as match words, each remembering its token."""

    words: list[str] = field(default_factory=list)
    tokens: list[int] = field(default_factory=list)
    first: dict[int, int] = field(default_factory=dict)  # token index -> index of its first word

    @classmethod
    def of(cls, sent: Span) -> SentenceWords:
        result = cls()
        for token in sent:
            result.first[token.i] = len(result.words)
            for word in words_of(token.text) or [token.text.upper()]:
                result.words.append(word)
                result.tokens.append(token.i)
        return result


@dataclass(slots=True)
class Mention:
    """A dictionary match in a sentence: token span and what it codes."""

    start: int
    end: int
    actor: str | None = None
    agent: AgentEntry | None = None


@dataclass(slots=True)
class VerbMatch:
    block: VerbBlock
    form: VerbForm
    first: int  # first and last token of the verb and its particles / preceding words
    last: int


MARKER_WORDS = frozenset({"$", "+", "%", "^"})


@dataclass(slots=True)
class Regions:
    """Where a verb's patterns match: its phrase after it (its subtree) and the sentence before it."""

    after_tokens: list[int]
    after: Region
    before: Region

    @classmethod
    def around(cls, verb: VerbMatch, sent: Span, words: SentenceWords, chunks: list[tuple[int, int]]) -> Regions:
        head = verb_token(sent.doc, verb)
        after_tokens = sorted(t.i for t in head.subtree if t.i > verb.last)
        return cls(after_tokens, Region(words, after_tokens, chunks=chunks),
                   Region(words, list(range(sent.start, verb.first)), reverse=True, chunks=chunks))


class Region:
    """Token positions a pattern side may match, in matching order (backwards before the verb)."""

    def __init__(self, words: SentenceWords, tokens: list[int], reverse: bool = False,
                 chunks: list[tuple[int, int]] | None = None) -> None:
        order = sorted(tokens, reverse=reverse)
        self.chunks = chunks or []
        self.tokens = order
        self.words: list[str] = []
        self.owner: list[int] = []
        for token in order:
            start = words.first[token]
            end = start
            while end < len(words.tokens) and words.tokens[end] == token:
                end += 1
            pieces = words.words[start:end]
            for word in (reversed(pieces) if reverse else pieces):
                self.words.append(word)
                self.owner.append(token)

    def find(self, sequences: Iterable[tuple[str, ...]], position: int, adjacent: bool,
             accept: Callable[[int], bool] | None = None) -> tuple[int, int] | None:
        """The first ``(start, end)`` at or after ``position`` where one of ``sequences`` occurs
        (and whose first token passes ``accept``)."""
        candidates = [s for s in sequences if s]
        last = position if adjacent else len(self.words) - 1
        for start in range(position, min(last, len(self.words) - 1) + 1):
            if accept is not None and not accept(self.owner[start]):
                continue
            for sequence in candidates:
                end = start + len(sequence)
                if tuple(self.words[start:end]) == sequence:
                    return start, end
        return None

    def skip_phrase(self, position: int) -> int | None:
        """The position after the next noun phrase (TABARI's '^')."""
        for index in range(position, len(self.words)):
            token = self.owner[index]
            chunk = next(((a, b) for a, b in self.chunks if a <= token < b), None)
            if chunk is None:
                continue
            end = index
            while end < len(self.words) and chunk[0] <= self.owner[end] < chunk[1]:
                end += 1
            return end
        return None

    def find_mention(self, position: int, mentions: list[Mention], adjacent: bool) -> tuple[int, int] | None:
        """The next word belonging to a dictionary mention: its token and the position after the mention."""
        last = position if adjacent else len(self.words) - 1
        for index in range(position, min(last, len(self.words) - 1) + 1):
            token = self.owner[index]
            mention = next((m for m in mentions if m.start <= token < m.end), None)
            if mention is None:
                continue
            end = index
            while end < len(self.words) and mention.start <= self.owner[end] < mention.end:
                end += 1
            return token, end
        return None

    def bind_mention(self, position: int, mentions: list[Mention], adjacent: bool, role: str,
                     roles: dict[str, int]) -> int | None:
        """:meth:`find_mention`, its token bound to ``role`` (unless bound already): the position after the mention,
        or None when there is none."""
        found = self.find_mention(position, mentions, adjacent)
        if found is None:
            return None
        roles.setdefault(role, found[0])
        return found[1]


def regular_inflections(word: str) -> set[str]:
    """Regular English inflections of a verb (over-generation is harmless: only real words occur)."""
    forms = {word + "S", word + "ED", word + "ING"}
    if re.search(r"(S|X|Z|CH|SH|O)$", word):
        forms.add(word + "ES")
    if word.endswith("E"):
        forms |= {word + "D", word[:-1] + "ING"}
    if re.search(r"[^AEIOU]Y$", word):
        forms |= {word[:-1] + "IES", word[:-1] + "IED"}
    if re.search(r"[^AEIOU][AEIOU][BDGKLMNPRST]$", word):
        forms |= {word + word[-1] + "ED", word + word[-1] + "ING"}
    return forms


def is_preposition(token: Token) -> bool:
    return token.pos_ == "ADP" or token.dep_ in ("prep", "agent", "dative", "prt")


def is_verb(token: Token) -> bool:
    # A participle used as a preposition ("according to", "following the talks") is no event.
    if token.dep_ == "prep":
        return False
    if token.pos_ == "VERB" or token.tag_.startswith("VB"):
        return token.dep_ not in ("aux", "auxpass") or token.pos_ == "VERB"
    return False


def multiword_span(token: Token, form: VerbForm) -> tuple[int, int] | None:
    """The token span of ``form`` around ``token`` (its verb word), or None when its other words are absent."""
    doc = token.doc
    first = token.i - len(form.preceding)
    if first < 0 or [doc[first + k].text.upper() for k in range(len(form.preceding))] != list(form.preceding):
        return None
    last = token.i
    for particle in form.particles:
        following = [t for t in doc[last + 1:last + 3] if t.text.upper() == particle]
        child = next((c for c in token.children if c.dep_ == "prt" and c.text.upper() == particle), None)
        if following:
            last = following[0].i
        elif child is not None:
            last = max(last, child.i)
        else:
            return None
    return first, last


def verb_token(doc: Doc, verb: VerbMatch) -> Token:
    return doc[verb.first + len(verb.form.preceding)]
