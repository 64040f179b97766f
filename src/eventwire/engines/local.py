"""The local engine: run the pipeline over a stream of articles on this machine's cores.

With one process the pipeline runs in this process. With more, a pool of worker processes
(:mod:`eventwire.engines.pool`) each loads one pipeline and processes whole batches (parse and every stage),
so all stages use all cores; batches come back in input order, so the output is the same whatever the
number of processes.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from eventwire.config import PipelineConfig
from eventwire.engines.pool import annotate_items, default_processes, run_pool
from eventwire.model import Article, Failure
from eventwire.pipeline import Pipeline

__all__ = ["annotate_items", "default_processes", "run_local"]


def run_local(items: Iterable[Article | Failure], config: PipelineConfig | None = None,
              processes: int | None = None, pipeline: Pipeline | None = None) -> Iterator[Article | Failure]:
    """Annotate every Article of ``items``; Failures pass through in their place.

    Order is preserved. Memory is bounded by the batch size times the number of
    batches in flight, not by the size of the input.
    """
    return run_pool(items, config or PipelineConfig(), Pipeline, processes, pipeline)
