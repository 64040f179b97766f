"""Quote attribution: direct, indirect and mixed quotes with speaker, cue, channel and anonymity.

``QuoteStage.from_config(config)`` builds the stage; ``stage(article, doc)``
adds :class:`~eventwire.model.Quote` records (ids ``q1``, ``q2``, ... in text
order). :func:`quote_covering` lets later stages (events) find the quote an
offset lies in, for ``reported_by``.
"""

from __future__ import annotations

from eventwire.model import Article, Quote
from eventwire.quotes.stage import QuoteStage


def quote_covering(article: Article, start: int, end: int) -> Quote | None:
    """The innermost quote whose content contains ``[start, end)``, or None."""
    inside = [q for q in article.quotes if q.start <= start and end <= q.end]
    return min(inside, key=lambda q: q.end - q.start) if inside else None


__all__ = ["QuoteStage", "quote_covering"]
