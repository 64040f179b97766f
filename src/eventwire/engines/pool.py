"""A pool of worker processes that each build a pipeline and annotate whole batches.

With one process the pipeline runs in this process. With more, a pool of
worker processes each loads one pipeline and processes whole batches (parse
and every stage), so all stages use all cores; batches come back in input
order, so the output is the same whatever the number of processes.

The pool is told how to build a pipeline (``build``, the :class:`~eventwire.pipeline.Pipeline` class) rather
than importing it, so that both the pipeline's ``pipe(n_process=...)`` and the local engine
(:mod:`eventwire.engines.local`) can use it without the two importing each other.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from dataclasses import dataclass
from itertools import islice
from typing import Protocol

from eventwire.config import PipelineConfig, timed_out
from eventwire.model import Article, Failure

log = logging.getLogger(__name__)


class Annotator(Protocol):
    """What the pool runs: a pipeline's batch entry point."""

    def annotate_batch(self, articles: list[Article]) -> list[Article]: ...


Build = Callable[[PipelineConfig], Annotator]

_worker_pipeline: Annotator | None = None
# An error raised while a worker loaded its pipeline (a bad --model, say); re-raised with its own
# message on the worker's first batch instead of surfacing as a broken pool.
_worker_error: BaseException | None = None


def default_processes() -> int:
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1)


def _init_worker(build: Build, config: PipelineConfig) -> None:
    global _worker_pipeline, _worker_error
    try:
        _worker_pipeline = build(config)
    except Exception as exc:
        _worker_error = exc


def annotate_items(pipeline: Annotator, items: list[Article | Failure]) -> list[Article | Failure]:
    """Annotate the Articles of ``items`` in their places; Failures pass through.

    The batch is parsed together; if that raises, each article is retried on
    its own, so a document that breaks the parser becomes a Failure and the
    rest of its batch is kept. A document whose stages run longer than
    ``doc_timeout`` becomes a Failure too (see :func:`eventwire.config.timed_out`).
    """
    articles = [item for item in items if isinstance(item, Article)]
    if not articles:
        return list(items)
    try:
        return list(_merge(items, [timed_out(a) or a for a in pipeline.annotate_batch(articles)]))
    except Exception:
        log.warning("a batch of %d articles failed; retrying them one by one", len(articles), exc_info=True)
    result: list[Article | Failure] = []
    for item in items:
        if isinstance(item, Article):
            try:
                [annotated] = pipeline.annotate_batch([item])
                result.append(timed_out(annotated) or annotated)
            except Exception as exc:  # this one document is bad, not the batch
                result.append(Failure(item.source or item.id, f"processing failed: {type(exc).__name__}: {exc}"))
        else:
            result.append(item)
    return result


def _process_in_worker(batch: list[Article | Failure]) -> list[Article | Failure]:
    if _worker_error is not None:
        raise _worker_error
    assert _worker_pipeline is not None, "worker pipeline not initialised"
    return annotate_items(_worker_pipeline, batch)


def _batches(items: Iterable[Article | Failure], size: int) -> Iterator[list[Article | Failure]]:
    iterator = iter(items)
    while batch := list(islice(iterator, size)):
        yield batch


def run_pool(items: Iterable[Article | Failure], config: PipelineConfig, build: Build, processes: int | None = None,
             pipeline: Annotator | None = None) -> Iterator[Article | Failure]:
    """Annotate every Article of ``items`` with pipelines made by ``build(config)``; Failures pass through.

    Order is preserved. Memory is bounded by the batch size times the number of
    batches in flight, not by the size of the input. A given ``pipeline`` runs in this process.
    """
    processes = processes or default_processes()
    if processes <= 1 or pipeline is not None:
        pipeline = pipeline or build(config)
        for batch in _batches(items, config.batch_size):
            yield from annotate_items(pipeline, batch)
        return
    with _threads_per_worker(processes):
        workers = _WorkerPool(build, config, processes)
        try:
            # A bounded window of batches in flight keeps memory independent of the input size;
            # collecting them first-in first-out keeps the input order.
            in_flight: deque[_Submitted] = deque()
            for batch in _batches(items, config.batch_size):
                in_flight.append(workers.submit(batch))
                if len(in_flight) >= 2 * processes:
                    yield from workers.collect(in_flight.popleft())
            while in_flight:
                yield from workers.collect(in_flight.popleft())
        finally:
            workers.shutdown()


WORKER_DIED = ("the worker process died while processing this document "
               "(out of memory, or a crash in a native library)")


@dataclass(slots=True)
class _Submitted:
    batch: list[Article | Failure]
    future: Future[list[Article | Failure]]
    generation: int


class _WorkerPool:
    """A process pool that survives the death of a worker.

    When a worker dies (killed, out of memory, a segfault in a native library) every batch in
    flight is lost with it; the pool is started anew and those batches are processed again one
    document at a time, so only a document that kills its worker again becomes a Failure and
    nothing waits forever.
    """

    def __init__(self, build: Build, config: PipelineConfig, processes: int) -> None:
        self.build = build
        self.config = config
        self.processes = processes
        self.generation = 0
        self.pool = self._start()

    def _start(self) -> ProcessPoolExecutor:
        return ProcessPoolExecutor(self.processes, mp_context=multiprocessing.get_context("forkserver"),
                                   initializer=_init_worker, initargs=(self.build, self.config))

    def _restart(self, broken_generation: int) -> None:
        if broken_generation == self.generation:  # several lost batches report one death
            self.pool.shutdown(wait=False, cancel_futures=True)
            self.pool = self._start()
            self.generation += 1

    def submit(self, batch: list[Article | Failure]) -> _Submitted:
        try:
            return _Submitted(batch, self.pool.submit(_process_in_worker, batch), self.generation)
        except BrokenProcessPool:
            self._restart(self.generation)
            return _Submitted(batch, self.pool.submit(_process_in_worker, batch), self.generation)

    def collect(self, submitted: _Submitted) -> list[Article | Failure]:
        try:
            return submitted.future.result()
        except BrokenProcessPool:
            log.warning("a worker process died; processing its batch again one document at a time")
            self._restart(submitted.generation)
            return [result for item in submitted.batch for result in self._alone(item)]

    def _alone(self, item: Article | Failure) -> list[Article | Failure]:
        if isinstance(item, Failure):
            return [item]
        generation = self.generation
        try:
            return self.pool.submit(_process_in_worker, [item]).result()
        except BrokenProcessPool:
            self._restart(generation)
            return [Failure(item.source or item.id, WORKER_DIED)]

    def shutdown(self) -> None:
        self.pool.shutdown(wait=True, cancel_futures=True)


# Thread pools of the numeric libraries under spaCy; a variable the user set is left alone.
_THREAD_VARIABLES = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "BLIS_NUM_THREADS")


@contextmanager
def _threads_per_worker(processes: int) -> Iterator[None]:
    """Start worker processes with their share of the cores as their BLAS/OpenMP thread count.

    Each library sizes its thread pool to every core by default, so N workers on N cores would run
    N² threads and thrash: 2 workers on 2 cores ran 2.5x slower than with one thread each. The
    variables are read when a process loads the library, so they are set while the pool (and the
    forkserver, on first use) starts, then restored for this process.
    """
    share = str(max(1, default_processes() // processes))
    saved = {name: os.environ.get(name) for name in _THREAD_VARIABLES}
    for name, value in saved.items():
        if value is None:
            os.environ[name] = share
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)


def _merge(batch: list[Article | Failure], annotated: list[Article | Failure]) -> Iterator[Article | Failure]:
    """The batch with each Article replaced by its annotated copy, Failures in place."""
    done = iter(annotated)
    for item in batch:
        yield next(done) if isinstance(item, Article) else item
