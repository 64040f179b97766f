"""Helpers that read a spaCy parse, shared by the stages.

- :func:`doc_text`: ``doc.text`` built once per doc (spaCy joins every token on each access).
- :func:`sentences`: the token ranges of an article's sentences, also cut at blank lines and at a title's
  line break, so that a headline is never read as part of the lead.
- :func:`line_continues`: whether a single line break is inside a sentence (a hard line break of a scraped
  PDF or e-mail) rather than the end of a title line; read from the text alone, so the case restorer asks
  it too.
- :func:`subject_of`: the subject of a verb, from its own subject dependents or, failing those, from the clause
  it hangs on (through conjunction, control, adverbial clauses; a relative pronoun stands for the noun its clause
  modifies); a stage adds its own rules through a ``rule`` callback.
- :func:`phrase_extent`: the first and last token of a noun phrase: its head and the subtrees of the dependents
  of the kinds a stage keeps on each side.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Sequence
from pathlib import Path
from typing import NamedTuple

from spacy.tokens import Doc, Token

from eventwire.datafiles import read_words
from eventwire.nlp.english import RELATIVE_PRONOUNS

_OPEN_WORDS = frozenset(read_words(Path(__file__).parent / "data" / "open_words.txt", lower=True, inline_comments=True))
# Where :func:`doc_text` keeps a doc's text.
_TEXT_KEY = "eventwire.text"
# A line of a hard-wrapped paragraph fills at least this share of the paragraph's width.
_WRAPPED_SHARE = 0.75
# Dependencies that only join words of one phrase or clause: across a line break, the sentence goes on.
_PHRASE_RELATIONS = frozenset({"amod", "nummod", "det", "poss", "case", "aux", "auxpass", "neg", "prt", "dobj",
                               "agent", "acomp", "quantmod"})
_LAST_WORD = re.compile(r"([^\W\d_]+)\W*$")
_FIRST_WORD = re.compile(r"\s*(\S+)")

# The doc last asked about and its ranges (several stages ask for the same doc in turn); one tuple, swapped
# whole, so threads reading other docs never see a half-written cache.
_last: tuple[Doc | None, list[tuple[int, int]]] = (None, [])


def doc_text(doc: Doc) -> str:
    """``doc.text``, built once per doc and kept in its ``user_data``: spaCy's ``Doc.text`` joins every token on
    each access, which per-token helpers would otherwise pay for on every call."""
    text = doc.user_data.get(_TEXT_KEY)
    length = doc[-1].idx + len(doc[-1].text_with_ws) if len(doc) else 0
    if not isinstance(text, str) or len(text) != length:  # a doc copied with another doc's user_data
        text = doc.user_data[_TEXT_KEY] = doc.text
    return text


def sentences(doc: Doc) -> list[tuple[int, int]]:
    """Token ranges of the sentences, also cut at blank lines (a headline is not part of the lead)."""
    global _last
    cached = _last
    if cached[0] is not doc:
        cached = (doc, _sentences(doc))
        _last = cached
    return list(cached[1])


def _sentences(doc: Doc) -> list[tuple[int, int]]:
    ranges: list[tuple[int, int]] = []
    for sent in doc.sents:
        start = sent.start
        for token in sent:
            if (token.is_space and token.text.count("\n") >= 2) or (token.is_space and "\n" in token.text
                                                                   and token.i > start and _ends_title(doc, token)):
                if token.i > start:
                    ranges.append((start, token.i))
                start = token.i + 1
        if start < sent.end:
            ranges.append((start, sent.end))
    return [(s, e) for s, e in ranges if any(not doc[i].is_space and not doc[i].is_punct for i in range(s, e))]


def _ends_title(doc: Doc, token: Token) -> bool:
    """Whether the line break ``token`` ends a title line: the text does not go on (:func:`line_continues`) and
    no word of one line modifies or governs a word of the other as only words of one phrase do ("killed two\n
    Iraqi youths", "the besieged\nBosnian town"); a title joined to its lead by the parser is linked by looser
    relations (compound, appos, conj, prep)."""
    if line_continues(doc_text(doc), token.idx + token.text.index("\n")):
        return False
    sent = token.sent
    start = next((t.i + 1 for t in reversed(doc[sent.start:token.i]) if "\n" in t.text), sent.start)
    end = next((t.i for t in doc[token.i + 1:sent.end] if "\n" in t.text), sent.end)
    for word in doc[start:end]:
        if (word.i < token.i) != (word.head.i < token.i) and word.dep_ in _PHRASE_RELATIONS and word.head.i in \
                range(start, end):
            return False
    return True


def line_continues(text: str, newline: int) -> bool:
    """Whether the sentence goes on after the single line break at ``text[newline]``: the line before ends
    with a comma, colon or hyphen, or with a word no title ends with (``data/open_words.txt``), or the next
    line starts in lower case in a cased line, or the paragraph is hard-wrapped (three lines or more, and the
    line before is as wide as its other lines and its next word would not have fitted)."""
    start = text.rfind("\n", 0, newline) + 1
    before = text[start:newline].rstrip()
    if not before:
        return False
    if before[-1] in ",;:-–—(/&":
        return True
    last = _LAST_WORD.search(before)
    if last is not None and before[-1].isalpha() and last.group(1).lower() in _OPEN_WORDS:
        return True
    following = _FIRST_WORD.match(text, newline + 1)
    if following is None or "\n" in text[newline + 1:following.start(1)]:
        return False
    word = following.group(1)
    if word[:1].islower() and any(c.isupper() for c in before):
        return True
    return _hard_wrapped(text, start, newline, len(word))


def _hard_wrapped(text: str, start: int, newline: int, next_word: int) -> bool:
    """Whether the line ``text[start:newline]`` is one of a paragraph wrapped at a fixed width."""
    first = text.rfind("\n\n", 0, start)
    last = text.find("\n\n", newline)
    lines = text[first + 1 if first >= 0 else 0:last if last >= 0 else len(text)].strip("\n").split("\n")
    if len(lines) < 3:
        return False
    line = text[start:newline].rstrip()
    widths = [len(x.rstrip()) for x in lines[:-1]]
    if len(line) in widths:
        widths.remove(len(line))  # the paragraph's width is measured on its other lines
    width = max(widths, default=0)
    return width > 0 and len(line) >= _WRAPPED_SHARE * width and len(line) + 1 + next_word > width


# --------------------------------------------------------------------------------------------- subjects

# Subject dependencies, in groups by preference: a verb's first child in the first group that has one wins.
ACTIVE_FIRST: tuple[tuple[str, ...], ...] = (("nsubj", "csubj"), ("nsubjpass",))
# Clause links through which a verb shares the subject of the verb it hangs on ("agreed to reopen", "met and
# agreed", "said, adding ...").
CLAUSE_LINKS: frozenset[str] = frozenset({"conj", "xcomp", "advcl"})


class Subject(NamedTuple):
    """What :func:`subject_of` found: the subject (None when there is none), whether it is a passive subject
    (``nsubjpass``), and the clause verb it was found on (where the search stopped when there is none)."""

    token: Token | None
    passive: bool
    clause: Token


# A stage's own rule, asked at each clause before the default: ``rule(clause, found, came_from)`` with the subject
# found among the clause's own children (or None) and the clause climbed from through a link (None at the start).
# It returns a Subject to end the search with, a Token to go on from (one more step; ``came_from`` stays as it
# was), or None for the default (the subject found, else a climb through a link).
SubjectRule = Callable[[Token, Subject | None, Token | None], Subject | Token | None]


def clause_subject(clause: Token, *, deps: Sequence[Collection[str]] = ACTIVE_FIRST,
                   relatives: Collection[str] = RELATIVE_PRONOUNS,
                   ignore: Callable[[Token, Token], bool] | None = None) -> Subject | None:
    """The subject among ``clause``'s own children: the first child whose dependency is in the first group of
    ``deps`` that has one (children ``ignore(child, clause)`` rejects are skipped); a relative pronoun (a word of
    ``relatives``, by default the shared English class) subject of a relative clause stands for the noun the
    clause modifies ("officials who said"), which is returned instead. None when the clause has no subject of its
    own."""
    found: Token | None = None
    rank = len(deps)
    for child in clause.children:  # one pass: spaCy builds a Token per child on every walk
        dep = child.dep_
        for r in range(rank):
            if dep in deps[r] and (ignore is None or not ignore(child, clause)):
                found, rank = child, r
                break
        if rank == 0:
            break
    if found is None:
        return None
    passive = found.dep_ == "nsubjpass"
    if found.lower_ in relatives and clause.dep_ == "relcl":
        return Subject(clause.head, passive, clause)
    return Subject(found, passive, clause)


def subject_of(verb: Token, *, links: Collection[str] = CLAUSE_LINKS, relatives: Collection[str] = RELATIVE_PRONOUNS,
               max_steps: int = 5, deps: Sequence[Collection[str]] = ACTIVE_FIRST,
               ignore: Callable[[Token, Token], bool] | None = None, rule: SubjectRule | None = None) -> Subject:
    """The subject of ``verb``: its own (:func:`clause_subject`), else, when the verb hangs on another by one of
    ``links`` (conj, xcomp, advcl by default), that verb's subject, climbing up to ``max_steps`` clauses in all.
    ``rule`` (a :data:`SubjectRule`) is asked first at each clause. Returns the subject, whether it is passive and
    the clause verb it was found on; ``Subject(None, False, clause)`` when there is none."""
    clause = verb
    came_from: Token | None = None
    for _ in range(max_steps):
        found = clause_subject(clause, deps=deps, relatives=relatives, ignore=ignore)
        if rule is not None:
            decision = rule(clause, found, came_from)
            if isinstance(decision, Subject):
                return decision
            if decision is not None:
                clause = decision
                continue
        if found is not None:
            return found
        if clause.dep_ not in links or clause.head.i == clause.i:
            return Subject(None, False, clause)
        came_from, clause = clause, clause.head
    return Subject(None, False, clause)


# --------------------------------------------------------------------------------------------- noun phrases

def phrase_extent(head: Token, *, left: Collection[str], right: Collection[str] = ()) -> tuple[int, int]:
    """The indices of the first and last token of the noun phrase headed by ``head``: the head and the whole
    subtrees of its left dependents whose relation is in ``left`` and of its right ones in ``right`` (a stage
    names what belongs to its phrases: titles and determiners, never relative clauses or appositives)."""
    start = end = head.i
    for child in head.lefts:
        if child.dep_ in left:
            start = min(start, child.left_edge.i)
    for child in head.rights:
        if child.dep_ in right:
            end = max(end, child.right_edge.i)
    return start, end
