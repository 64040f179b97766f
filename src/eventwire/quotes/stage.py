"""The quote stage: direct, indirect and mixed quotes with speaker, cue, channel and anonymity.

Design:

* Direct quotes come from quotation marks (:mod:`eventwire.quotes.marks`), found
  per paragraph. A quote's ``text``/``start``/``end`` is its content *without*
  the outer marks (``text == article.text[start:end]``); a quote running over
  several paragraphs keeps the paragraph breaks and reopening marks inside its
  span, and a split quote (``"A," he said, "B."``) becomes one quote from the
  start of A to the end of B, the interrupting frame included (one span per
  quote is all the contract allows).
* Indirect quotes come from the parse: a cue verb (``data/cues.tsv``) with a
  clausal complement (``ccomp``); the content is the complement clause.
  "According to X, S" gives content S with speaker X.
* A quote mark inside an indirect quote's content, with words of the paraphrase
  around it, makes the quote *mixed* ("said terrorism was a “continuing enemy.”").
* The speaker is the subject of the cue (through coordination), resolved to the
  actor whose mention covers the speaker's head word. Fallbacks on this side:
  a pronoun with no actor takes the previous quote's speaker; an outlet
  description ("the US newspaper") takes the outlet last named as a channel; a
  direct quote with no cue takes the speaker of the nearest quote before it.

The steps live in :mod:`eventwire.quotes.indirect`, :mod:`eventwire.quotes.direct` and
:mod:`eventwire.quotes.speakers`; ``_Extraction`` below mixes them over one article.
"""

from __future__ import annotations

import bisect

from spacy.attrs import IDX
from spacy.tokens import Doc, Span, Token

from eventwire.model import Article, Quote
from eventwire.quotes.direct import DirectQuotes
from eventwire.quotes.indirect import IndirectQuotes
from eventwire.quotes.lexicon import Lexicon, default_lexicon
from eventwire.quotes.marks import MarkedQuote, find_marked, lines
from eventwire.quotes.speakers import Speakers

EDGE_PUNCT = " \t\n,;:—–-"


class QuoteStage:
    """Adds :class:`~eventwire.model.Quote` records to an article."""

    name = "quotes"

    def __init__(self, lexicon: Lexicon | None = None) -> None:
        self.lexicon = lexicon or default_lexicon()

    @classmethod
    def from_config(cls, config: object) -> QuoteStage:
        return cls(default_lexicon())

    def __call__(self, article: Article, doc: Doc) -> None:
        article.quotes.extend(_Extraction(self.lexicon, article, doc).run())


class _Extraction(IndirectQuotes, DirectQuotes, Speakers):
    """The work on one article (kept together so helpers share the text, doc and paragraph index)."""

    def __init__(self, lexicon: Lexicon, article: Article, doc: Doc) -> None:
        self.lex = lexicon
        self.article = article
        self.text = article.text
        self.doc = doc
        self.lines = lines(self.text)
        self.line_starts = [s for s, _ in self.lines]
        self.token_starts: list[int] = doc.to_array(IDX).tolist()  # without building a Token per word
        self.marked: list[MarkedQuote] = []
        # doc.ents builds a new tuple of Spans over the whole doc on every access; read once per article.
        self.ents: tuple[Span, ...] = doc.ents

    # ---- positions -------------------------------------------------------------------------------

    def line_of(self, index: int) -> int:
        return max(0, bisect.bisect_right(self.line_starts, index) - 1)

    def token_at(self, index: int) -> Token | None:
        i = bisect.bisect_right(self.token_starts, index) - 1
        if i < 0:
            return None
        token = self.doc[i]
        return token if token.idx <= index < token.idx + len(token.text) else None

    def tokens_in(self, start: int, end: int) -> list[Token]:
        lo = bisect.bisect_left(self.token_starts, start)
        hi = bisect.bisect_left(self.token_starts, end)
        return [t for t in self.doc[lo:hi] if t.idx + len(t.text) <= end]

    def trim(self, start: int, end: int) -> tuple[int, int]:
        while start < end and self.text[start] in EDGE_PUNCT:
            start += 1
        while end > start and self.text[end - 1] in EDGE_PUNCT:
            end -= 1
        return start, end

    # ---- the whole run -----------------------------------------------------------------------------

    def run(self) -> list[Quote]:
        marked = find_marked(self.text, self.lex.marks)
        self.marked = marked
        indirect = self.indirect_candidates(marked)
        direct = self.direct_candidates(marked, indirect)
        candidates = sorted(indirect + direct, key=lambda c: (c.start, c.end))
        return self.resolve(candidates)
