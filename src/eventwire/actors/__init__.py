"""Actors: named and described actors, coreferenced within an article and resolved to a knowledge base.

``ActorStage`` is the pipeline stage; :func:`actor_for_token_span` finds the actor a stretch of
text refers to (other stages use it to attach quotes and event parties to actors).
"""

from __future__ import annotations

from eventwire.actors.stage import ActorStage
from eventwire.model import Actor, Article


def actor_for_token_span(article: Article, start_char: int, end_char: int) -> Actor | None:
    """The actor with a mention overlapping ``[start_char, end_char)`` (longest overlap wins)."""
    return article.actor_at(start_char, end_char)


__all__ = ["ActorStage", "actor_for_token_span"]
