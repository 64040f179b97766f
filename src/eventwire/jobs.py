"""The main jobs, shared by the CLI, the demo and the HTTP API.

``extract`` streams annotated articles (and failures) from inputs;
``ingest`` stores them in a DuckDB file, skipping what is already stored so
an interrupted run resumes without duplicates.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from itertools import islice

from eventwire.engines.local import run_local
from eventwire.ingest import Limits, read_inputs
from eventwire.model import Article, Failure
from eventwire.pipeline import Pipeline, PipelineConfig
from eventwire.store import Store


@dataclass(slots=True)
class IngestSummary:
    read: int = 0
    stored: int = 0
    skipped: int = 0
    failed: int = 0
    failures: list[Failure] = field(default_factory=list)
    words: int = 0
    # (document name, warning) of the stored articles that carry warnings (bad date, replaced characters, ...).
    warnings: list[tuple[str, str]] = field(default_factory=list)


ProgressCallback = Callable[[IngestSummary], None]


def dated(items: Iterable[Article | Failure], published: str | None) -> Iterator[Article | Failure]:
    """``items`` with ``published`` (``YYYY-MM-DD``) given to the articles whose input carries no date."""
    for item in items:
        if published and isinstance(item, Article) and item.published is None:
            item.published = published
        yield item


def extract(paths: Iterable[str], config: PipelineConfig | None = None, processes: int | None = None,
            limits: Limits | None = None, pipeline: Pipeline | None = None,
            published: str | None = None) -> Iterator[Article | Failure]:
    """Annotated articles and failures for every document under ``paths``, in input order (``published``: the
    date of documents that carry none)."""
    return run_local(dated(read_inputs(paths, limits), published), config, processes, pipeline)


def _unseen(items: Iterable[Article | Failure], store: Store, summary: IngestSummary,
            batch_size: int) -> Iterator[Article | Failure]:
    """Drop articles already stored or already seen in this run, checking the store a batch at a time."""
    seen: set[str] = set()
    iterator = iter(items)
    while batch := list(islice(iterator, batch_size)):
        known = store.known_ids(item.id for item in batch if isinstance(item, Article))
        for item in batch:
            if isinstance(item, Article):
                summary.read += 1
                if item.id in known or item.id in seen:
                    summary.skipped += 1
                    continue
                seen.add(item.id)
            yield item


def ingest_items(items: Iterable[Article | Failure], store: Store, config: PipelineConfig | None = None,
                 processes: int | None = None, pipeline: Pipeline | None = None,
                 progress: ProgressCallback | None = None, write_batch_size: int = 64) -> IngestSummary:
    """Annotate and store ``items``; every ``write_batch_size`` articles are committed together."""
    config = config or PipelineConfig()
    summary = IngestSummary()
    pending: list[Article] = []
    pending_failures: list[Failure] = []

    def flush() -> None:
        summary.stored += store.write_batch(pending, pending_failures)
        pending.clear()
        pending_failures.clear()
        if progress:
            progress(summary)

    for item in run_local(_unseen(items, store, summary, write_batch_size), config, processes, pipeline):
        if isinstance(item, Failure):
            summary.failed += 1
            summary.failures.append(item)
            pending_failures.append(item)
        else:
            summary.words += len(item.text.split())
            summary.warnings.extend((item.source or item.id, warning) for warning in item.warnings)
            pending.append(item)
        if len(pending) + len(pending_failures) >= write_batch_size:
            flush()
    flush()
    return summary


def ingest(paths: Iterable[str], store: Store, config: PipelineConfig | None = None,
           processes: int | None = None, limits: Limits | None = None,
           progress: ProgressCallback | None = None, published: str | None = None) -> IngestSummary:
    """Read, annotate and store every document under ``paths`` (``published``: the date of documents that carry
    none)."""
    return ingest_items(dated(read_inputs(paths, limits), published), store, config, processes, progress=progress)
