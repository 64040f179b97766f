"""Finding the actor an annotated article gives a stretch of its text, for the actor tests."""

from __future__ import annotations

from eventwire.model import Actor, Article


def actor_of(article: Article, surface: str, occurrence: int = 0) -> Actor | None:
    """The actor with a mention over the ``occurrence``-th (from 0) ``surface`` in the article's text, or None."""
    start = -1
    for _ in range(occurrence + 1):
        start = article.text.index(surface, start + 1)
    return article.actor_at(start, start + len(surface))
