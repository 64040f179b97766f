"""The local engine: run the pipeline over a stream of articles on this machine's cores.

With one process the pipeline runs in this process. With more, a pool of
worker processes each loads one pipeline and processes whole batches (parse
and every stage), so all stages use all cores; batches come back in input
order, so the output is the same whatever the number of processes.
"""

from __future__ import annotations

import multiprocessing
import os
from collections import deque
from collections.abc import Iterable, Iterator
from itertools import islice
from multiprocessing.pool import AsyncResult

from eventwire.model import Article, Failure
from eventwire.pipeline import Pipeline, PipelineConfig

_worker_pipeline: Pipeline | None = None
# An error raised while a worker loaded its pipeline; re-raised on its first batch, because a
# Pool whose initializer raises would restart the worker forever instead of failing.
_worker_error: BaseException | None = None


def default_processes() -> int:
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1)


def _init_worker(config: PipelineConfig) -> None:
    global _worker_pipeline, _worker_error
    try:
        _worker_pipeline = Pipeline(config)
    except Exception as exc:
        _worker_error = exc


def _process_in_worker(batch: list[Article]) -> list[Article]:
    if _worker_error is not None:
        raise _worker_error
    assert _worker_pipeline is not None, "worker pipeline not initialised"
    return _worker_pipeline.process_batch(batch)


def _batches(items: Iterable[Article | Failure], size: int) -> Iterator[list[Article | Failure]]:
    iterator = iter(items)
    while batch := list(islice(iterator, size)):
        yield batch


def run_local(items: Iterable[Article | Failure], config: PipelineConfig | None = None,
              processes: int | None = None, pipeline: Pipeline | None = None) -> Iterator[Article | Failure]:
    """Annotate every Article of ``items``; Failures pass through in their place.

    Order is preserved. Memory is bounded by the batch size times the number of
    batches in flight, not by the size of the input.
    """
    config = config or PipelineConfig()
    processes = processes or default_processes()
    if processes <= 1 or pipeline is not None:
        pipeline = pipeline or Pipeline(config)
        for batch in _batches(items, config.batch_size):
            articles = [item for item in batch if isinstance(item, Article)]
            yield from _merge(batch, pipeline.process_batch(articles) if articles else [])
        return
    context = multiprocessing.get_context("forkserver")
    with context.Pool(processes, initializer=_init_worker, initargs=(config,)) as pool:
        # A bounded window of batches in flight keeps memory independent of the input size;
        # collecting them first-in first-out keeps the input order.
        in_flight: deque[tuple[list[Article | Failure], AsyncResult[list[Article]]]] = deque()
        for batch in _batches(items, config.batch_size):
            articles = [item for item in batch if isinstance(item, Article)]
            in_flight.append((batch, pool.apply_async(_process_in_worker, (articles,))))
            if len(in_flight) >= 2 * processes:
                done_batch, result = in_flight.popleft()
                yield from _merge(done_batch, result.get())
        while in_flight:
            done_batch, result = in_flight.popleft()
            yield from _merge(done_batch, result.get())


def _merge(batch: list[Article | Failure], annotated: list[Article]) -> Iterator[Article | Failure]:
    """The batch with each Article replaced by its annotated copy, Failures in place."""
    done = iter(annotated)
    for item in batch:
        yield next(done) if isinstance(item, Article) else item
