"""Helpers that read a spaCy parse, shared by the stages.

- :func:`sentences`: the token ranges of an article's sentences, also cut at blank lines and at a title's
  line break, so that a headline is never read as part of the lead.
- :func:`line_continues`: whether a single line break is inside a sentence (a hard line break of a scraped
  PDF or e-mail) rather than the end of a title line; read from the text alone, so the case restorer asks
  it too.
"""

from __future__ import annotations

import re
from pathlib import Path

from spacy.tokens import Doc, Token

from eventwire.datafiles import read_words

_OPEN_WORDS = frozenset(read_words(Path(__file__).parent / "data" / "open_words.txt", lower=True, inline_comments=True))
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
    if line_continues(doc.text, token.idx + token.text.index("\n")):
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
