"""The pipeline, assembled in one place.

Like a spaCy pipeline, eventwire is a list of small stages over one data
model. The NLP stage parses the text once; each later stage is a callable
``stage(article, doc)`` that reads what earlier stages wrote on the
:class:`~eventwire.model.Article` and adds its own records. The order matters
and is fixed here: actors, places, quotes, events (events read the actors,
the places, the quotes and resolve dates through ``eventwire.time``).
"""

from __future__ import annotations

import logging
import signal
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Protocol

from spacy.language import Language
from spacy.tokens import Doc

from eventwire.errors import ProcessingTimeout
from eventwire.model import Article, Failure
from eventwire.nlp import load_nlp, parse_many

log = logging.getLogger(__name__)


class Stage(Protocol):
    """One step of the pipeline: reads ``article`` and ``doc``, adds records to ``article``."""

    name: str

    def __call__(self, article: Article, doc: Doc) -> None: ...


@dataclass(slots=True)
class PipelineConfig:
    """What a user can choose about a run; every field has a working default."""

    model: str | None = None
    # Directory of PETRARCH/CAMEO dictionaries to code with instead of the built-in lexicon.
    dictionaries: str | None = None
    # Stage names to leave out (e.g. for benchmarking one stage's cost).
    disabled: tuple[str, ...] = ()
    batch_size: int = 32
    # Seconds one document's stages may take before it becomes a Failure (None: no limit). Enforced with
    # SIGALRM, so only in the main thread of a process (CLI, local and Ray workers), not in server threads.
    doc_timeout: float | None = 120.0
    extra: dict[str, object] = field(default_factory=dict)


StageFactory = Callable[[Language, PipelineConfig], Stage]


def _actor_stage(nlp: Language, config: PipelineConfig) -> Stage:
    from eventwire.actors import ActorStage

    return ActorStage.from_config(config)


def _place_stage(nlp: Language, config: PipelineConfig) -> Stage:
    from eventwire.places import PlaceStage

    return PlaceStage.from_config(config)


def _quote_stage(nlp: Language, config: PipelineConfig) -> Stage:
    from eventwire.quotes import QuoteStage

    return QuoteStage.from_config(config)


def _event_stage(nlp: Language, config: PipelineConfig) -> Stage:
    from eventwire.events import EventStage

    return EventStage.from_config(config)


def _event_location_stage(nlp: Language, config: PipelineConfig) -> Stage:
    from eventwire.places import EventLocationStage

    return EventLocationStage.from_config(config)


# The stage factories in pipeline order. Each import is deferred so a stage's
# knowledge is only loaded when the stage is used. A stage is listed here once
# its package provides it.
STAGE_FACTORIES: list[tuple[str, StageFactory]] = [
    ("actors", _actor_stage),
    ("places", _place_stage),
    ("quotes", _quote_stage),
    ("events", _event_stage),
    ("event_locations", _event_location_stage),
]


# The start of ProcessingTimeout's message, the warning a timed-out article carries.
TIMEOUT_WARNING = "processing took longer than"


@contextmanager
def time_limit(seconds: float | None) -> Iterator[None]:
    """Raise :class:`ProcessingTimeout` in this block after ``seconds``.

    Signals are delivered to the main thread only, so elsewhere (the web server's
    worker threads) and on platforms without SIGALRM this is a no-op.
    """
    if not seconds or not hasattr(signal, "SIGALRM") or threading.current_thread() is not threading.main_thread():
        yield
        return

    def expire(signum: int, frame: object) -> None:
        raise ProcessingTimeout(seconds)

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


class Pipeline:
    """Parse articles and run every stage over them."""

    def __init__(self, config: PipelineConfig | None = None, nlp: Language | None = None,
                 stages: Sequence[Stage] | None = None) -> None:
        self.config = config or PipelineConfig()
        self.nlp = nlp or load_nlp(self.config.model)
        if stages is None:
            stages = [factory(self.nlp, self.config) for name, factory in STAGE_FACTORIES
                      if name not in self.config.disabled]
        self.stages: list[Stage] = list(stages)

    @property
    def stage_names(self) -> list[str]:
        return [stage.name for stage in self.stages]

    def annotate(self, article: Article, doc: Doc) -> Article:
        """Run every stage on one parsed article; a failing stage becomes a warning.

        Stages running past ``config.doc_timeout`` are stopped; the article keeps what the finished stages
        wrote and a warning starting with :data:`TIMEOUT_WARNING` (the engines make it a Failure).
        """
        try:
            with time_limit(self.config.doc_timeout):
                for stage in self.stages:
                    try:
                        stage(article, doc)
                    except Exception as exc:  # a bug in one stage must not lose the article
                        log.exception("stage %s failed on article %s", stage.name, article.id)
                        article.warnings.append(f"stage {stage.name} failed: {type(exc).__name__}: {exc}")
        except ProcessingTimeout as exc:
            log.warning("article %s: %s", article.id, exc)
            article.warnings.append(str(exc))
        return article

    def process_batch(self, articles: list[Article]) -> list[Article]:
        docs = parse_many(self.nlp, [a.text for a in articles], batch_size=self.config.batch_size)
        return [self.annotate(article, doc) for article, doc in zip(articles, docs, strict=True)]

    def process_items(self, articles: list[Article]) -> list[Article | Failure]:
        """:meth:`process_batch`, with each document whose stages ran past ``config.doc_timeout`` a Failure."""
        result: list[Article | Failure] = []
        for article in self.process_batch(articles):
            timed_out = next((w for w in article.warnings if w.startswith(TIMEOUT_WARNING)), None)
            result.append(Failure(article.source or article.id, timed_out) if timed_out else article)
        return result

    def process(self, articles: Iterable[Article]) -> Iterator[Article]:
        batch: list[Article] = []
        for article in articles:
            batch.append(article)
            if len(batch) >= self.config.batch_size:
                yield from self.process_batch(batch)
                batch = []
        if batch:
            yield from self.process_batch(batch)

    def __call__(self, article: Article) -> Article:
        return self.process_batch([article])[0]
