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
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import fields, replace
from itertools import islice
from typing import Protocol

from spacy.language import Language
from spacy.tokens import Doc

from eventwire.config import PipelineConfig
from eventwire.errors import ConfigurationError, ProcessingTimeout
from eventwire.model import Article, Failure
from eventwire.nlp import load_nlp, parse_many

log = logging.getLogger(__name__)


class Stage(Protocol):
    """One step of the pipeline: reads ``article`` and ``doc``, adds records to ``article``."""

    name: str

    def __call__(self, article: Article, doc: Doc) -> None: ...


StageFactory = Callable[[Language, PipelineConfig], Stage]


def _actor_stage(nlp: Language, config: PipelineConfig) -> Stage:
    from eventwire.actors import ActorStage
    from eventwire.places.gazetteer import Gazetteer

    return ActorStage.from_config(config, place_names=Gazetteer.load)


def _place_stage(nlp: Language, config: PipelineConfig) -> Stage:
    from eventwire.places import PlaceStage

    return PlaceStage.from_config(config)


def _quote_stage(nlp: Language, config: PipelineConfig) -> Stage:
    from eventwire.quotes import QuoteStage

    return QuoteStage.from_config(config)


def _event_stage(nlp: Language, config: PipelineConfig) -> Stage:
    from eventwire.events import EventStage

    return EventStage.from_config(config)


def _magnitude_stage(nlp: Language, config: PipelineConfig) -> Stage:
    from eventwire.events.magnitudes import MagnitudeStage

    return MagnitudeStage.from_config(config)


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
    ("magnitudes", _magnitude_stage),
    ("event_locations", _event_location_stage),
]



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

    def __call__(self, text: str | Article, *, id: str | None = None, title: str | None = None,
                 url: str | None = None, outlet: str | None = None, published: str | None = None,
                 language: str | None = "en") -> Article:
        """Annotate one article, given as its text (with optional metadata) or as an :class:`Article`.

        A text without ``id`` gets the stable content-hash id that ``eventwire ingest`` would give it.
        """
        article = as_article(text, id=id, title=title, url=url, outlet=outlet, published=published,
                             language=language)
        return self.annotate_batch([article])[0]

    def pipe(self, items: Iterable[str | Article], *, batch_size: int | None = None,
             n_process: int = 1) -> Iterator[Article]:
        """Annotate a stream of texts or Articles, yielding Articles in input order.

        Memory stays bounded by the batch size whatever the length of ``items``. With ``n_process > 1``
        worker processes each load their own pipeline with this pipeline's config (stages added with
        :meth:`add_stage` are not carried over to them).
        """
        articles = (as_article(item) for item in items)
        size = batch_size or self.config.batch_size
        if n_process > 1:
            from eventwire.engines.pool import run_pool

            config = replace(self.config, batch_size=size)
            sent: deque[Article] = deque()

            def remember(stream: Iterable[Article]) -> Iterator[Article]:
                for article in stream:
                    sent.append(article)
                    yield article

            # run_pool keeps the input order, so each result pairs with the oldest article sent.
            for item in run_pool(remember(articles), config, Pipeline, processes=n_process):
                original = sent.popleft()
                if isinstance(item, Failure):  # a timeout or a dead worker: the article, unannotated, says why
                    original.warnings.append(item.reason)
                    item = original
                yield item
            return
        while batch := list(islice(articles, size)):
            yield from self.annotate_batch(batch)

    def add_stage(self, stage: Stage, *, before: str | None = None, after: str | None = None) -> None:
        """Add a custom stage (any callable ``stage(article, doc)`` with a ``name``) to the pipeline.

        Without ``before``/``after`` it runs last; names must be unique.
        """
        if stage.name in self.stage_names:
            raise ConfigurationError(f"the pipeline already has a stage named {stage.name!r}")
        anchor = before or after
        if anchor is None:
            self.stages.append(stage)
            return
        if anchor not in self.stage_names:
            raise ConfigurationError(f"no stage named {anchor!r}; the stages are {', '.join(self.stage_names)}")
        index = self.stage_names.index(anchor) + (1 if after else 0)
        self.stages.insert(index, stage)

    def annotate_batch(self, articles: list[Article]) -> list[Article]:
        """Parse a batch of articles together and run every stage on each (the engines' entry point).

        An article whose stages ran past ``config.doc_timeout`` keeps what the finished stages wrote and a
        warning starting with :data:`~eventwire.config.TIMEOUT_WARNING` (the engines turn it into a Failure).
        """
        docs = parse_many(self.nlp, [a.text for a in articles], batch_size=self.config.batch_size)
        return [self._annotate(article, doc) for article, doc in zip(articles, docs, strict=True)]

    def _annotate(self, article: Article, doc: Doc) -> Article:
        """Run every stage on one parsed article; a failing stage becomes a warning."""
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


def as_article(item: str | Article, *, id: str | None = None, title: str | None = None, url: str | None = None,
               outlet: str | None = None, published: str | None = None, language: str | None = "en") -> Article:
    """An :class:`Article` for a text and its metadata (an Article passes through unchanged).

    Mojibake is repaired as ingest repairs it (``ingest.encoding.repair_text``, with a warning): the
    repaired text is the article's text, so every offset points into it.
    """
    if isinstance(item, Article):
        return item
    if not isinstance(item, str):
        raise TypeError(f"expected a text (str) or an Article, got {type(item).__name__}")
    from eventwire.ingest.encoding import repair_text
    from eventwire.ingest.ids import article_id

    text, repairs = repair_text(item)
    return Article(id=id or article_id(text), text=text, title=repair_text(title)[0] if title else title, url=url,
                   outlet=outlet, published=published, language=language, warnings=repairs)


def load(**config: object) -> Pipeline:
    """The default eventwire pipeline, like ``spacy.load``: ``nlp = eventwire.load(); article = nlp(text)``.

    Keyword arguments are :class:`PipelineConfig` fields (``model``, ``dictionaries``, ``disabled``,
    ``batch_size``, ``doc_timeout``, ...).
    """
    known = {f.name for f in fields(PipelineConfig)}
    unknown = sorted(set(config) - known)
    if unknown:
        raise ConfigurationError(f"unknown pipeline option(s) {', '.join(unknown)}; "
                                 f"the options are {', '.join(sorted(known))}")
    if "disabled" in config and not isinstance(config["disabled"], tuple):
        config["disabled"] = tuple(config["disabled"])  # type: ignore[arg-type]
    return Pipeline(PipelineConfig(**config))  # type: ignore[arg-type]
