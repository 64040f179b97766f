"""Helpers that read a spaCy parse, shared by the stages.

- :func:`sentences`: the token ranges of an article's sentences, also cut at blank lines and at a title's
  line break, so that a headline is never read as part of the lead.
"""

from __future__ import annotations

from spacy.tokens import Doc, Token

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
    previous = doc[token.i - 1]
    return previous.text not in ",;:-"
