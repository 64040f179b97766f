"""The Ray engine: ``eventwire run --engine ray`` on a local Ray or an existing cluster.

The driver lists the input files (local paths, or fsspec URLs such as
``s3://bucket/news/`` when the filesystem package is installed). A Ray
Dataset of file names flows through two operators:

1. read tasks turn each file into chunks of up to ``chunk_size`` documents
   with the same readers as ``eventwire extract`` (one row per chunk, the
   documents pickled: Article or Failure);
2. a pool of actors, each holding one loaded :class:`~eventwire.pipeline.Pipeline`,
   annotates a chunk and writes its Parquet parts under ``OUT/<table>/``
   itself, returning only counts to the driver.

No operator holds the corpus: Ray Data streams chunks with back-pressure,
and the driver sees one small row per chunk. Part files are named after the
chunk (see :mod:`eventwire.engines.dataset`), so when a worker dies Ray
restarts the actor (``max_restarts``) and retries its chunk
(``max_task_retries``), and the retry overwrites the same files: no row is
written twice. A document that fails to read or to process is a row of
``OUT/failures/``; it never fails the job.
"""

from __future__ import annotations

import logging
import os
import pickle
import sys
import warnings
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from typing import Any

import numpy as np

from eventwire.engines.dataset import (
    DEFAULT_CHUNK_SIZE,
    ChunkResult,
    ParquetSink,
    RunSummary,
    file_chunks,
    finish_dataset,
    input_files,
)
from eventwire.engines.pool import annotate_items
from eventwire.errors import EventwireError
from eventwire.ingest import Limits
from eventwire.pipeline import Pipeline, PipelineConfig

log = logging.getLogger(__name__)

PipelineFactory = Callable[[PipelineConfig], Pipeline]
# Retry a chunk whose actor died this many times before giving up on the job (a chunk that kills its
# worker every time is a bug to report, not an input to skip silently).
MAX_RETRIES = 3


class RayEngineError(EventwireError):
    """Ray could not be started or reached, or the job failed."""


def _read_chunks(batch: dict[str, np.ndarray], chunk_size: int, limits: Limits | None) -> Iterator[dict[str, Any]]:
    """Read task: the chunks of each file in ``batch``, one output row per chunk."""
    for file in batch["file"]:
        for key, chunk in file_chunks(str(file), chunk_size, limits):
            yield {"key": np.array([key]), "payload": np.array([pickle.dumps(chunk)], dtype=object)}


class _AnnotateChunks:
    """Actor: one loaded pipeline; annotates chunks and writes their parts."""

    def __init__(self, config: PipelineConfig, out: str, started: datetime,
                 factory: PipelineFactory | None) -> None:
        self.pipeline = factory(config) if factory else Pipeline(config)
        self.sink = ParquetSink(out, started)

    def __call__(self, batch: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        results = [self.sink.write_chunk(str(key), annotate_items(self.pipeline, pickle.loads(payload)))
                   for key, payload in zip(batch["key"], batch["payload"], strict=True)]
        return {"key": np.array([r.key for r in results]),
                "articles": np.array([r.articles for r in results], dtype=np.int64),
                "failures": np.array([r.failures for r in results], dtype=np.int64)}


@contextmanager
def _stderr_silenced(silent: bool) -> Iterator[None]:
    """While Ray starts, its C++ core writes notices straight to file descriptor 2 (no logger to quiet): send
    them to /dev/null when quiet. Errors still arrive as exceptions."""
    if not silent:
        yield
        return
    sys.stderr.flush()
    saved = os.dup(2)
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, 2)
        yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)
        os.close(devnull)


def _start_ray(address: str | None, num_cpus: int | None, quiet: bool) -> bool:
    """Connect to ``address`` or start a local Ray; True when this call started it (and must stop it)."""
    import ray

    if ray.is_initialized():
        return False
    # Quiet (no --verbose): Ray's start-up notices and its C++ core's log lines stay out of the user's terminal;
    # failures still reach the user as exceptions and failure rows.
    options: dict[str, Any] = {"log_to_driver": not quiet, "logging_level": logging.ERROR if quiet else logging.INFO}
    if quiet:
        os.environ.setdefault("RAY_BACKEND_LOG_LEVEL", "fatal")
        for name in ("ray", "ray.data"):
            logging.getLogger(name).setLevel(logging.ERROR)
    try:
        with _stderr_silenced(quiet):
            if address:
                ray.init(address=address, **options)
            else:
                # A private local Ray: no dashboard, nothing fetched, workers run this interpreter's environment.
                ray.init(num_cpus=num_cpus, include_dashboard=False, **options)
    except (ConnectionError, RuntimeError, ValueError) as exc:
        where = f"the Ray cluster at {address}" if address else "a local Ray"
        raise RayEngineError(f"cannot start or reach {where}: {exc}") from exc
    if quiet:
        for name in ("ray", "ray.data"):
            logging.getLogger(name).setLevel(logging.ERROR)
    return True


def run_ray(paths: Sequence[str], out: str, config: PipelineConfig | None = None, address: str | None = None,
            num_cpus: int | None = None, chunk_size: int = DEFAULT_CHUNK_SIZE, limits: Limits | None = None,
            actors: int | None = None, pipeline_factory: PipelineFactory | None = None,
            progress: Callable[[RunSummary], None] | None = None, quiet: bool = True) -> RunSummary:
    """Annotate every document under ``paths`` on Ray and write the Parquet dataset ``out``.

    ``actors`` is the size of the pipeline pool (default: the cluster's CPUs).
    ``pipeline_factory`` builds each actor's pipeline (default ``Pipeline(config)``).
    """
    import time

    import ray
    import ray.data

    started = time.perf_counter()
    config = config or PipelineConfig()
    files = input_files(paths)
    sink = ParquetSink(out)
    summary = RunSummary(str(out), "ray", files=len(files))
    started_here = _start_ray(address, num_cpus, quiet)
    try:
        context = ray.data.DataContext.get_current()
        context.enable_progress_bars = not quiet
        context.execution_options.verbose_progress = False
        cpus = max(1, int(ray.cluster_resources().get("CPU", 1)))
        pool = actors or cpus
        if files:
            dataset = ray.data.from_items([{"file": f} for f in files], override_num_blocks=min(len(files), 4 * cpus))
            chunks = dataset.map_batches(
                _read_chunks, batch_size=1, fn_kwargs={"chunk_size": chunk_size, "limits": limits},
                # Reading is light next to parsing. The actors reserve every CPU, so reads reserve none (a
                # reservation, even a fraction, would wait forever behind a full actor pool); their number is
                # capped instead.
                num_cpus=0, compute=ray.data.TaskPoolStrategy(size=cpus),
            )
            with warnings.catch_warnings():
                # Ray 2.6x flags extra remote args as deprecated but has no named parameter for these yet.
                warnings.simplefilter("ignore", DeprecationWarning)
                results = chunks.map_batches(
                    _AnnotateChunks, batch_size=1, compute=ray.data.ActorPoolStrategy(size=pool), num_cpus=1,
                    fn_constructor_kwargs={"config": config, "out": out, "started": sink.started,
                                           "factory": pipeline_factory},
                    # A dead actor is restarted and its chunk retried (bounded: a chunk that kills its worker
                    # every time fails the job instead of looping).
                    max_restarts=-1, max_task_retries=MAX_RETRIES,
                )
            for row in results.iter_rows():
                summary.add(ChunkResult(str(row["key"]), int(row["articles"]), int(row["failures"])))
                if progress:
                    progress(summary)
    except ray.exceptions.RayError as exc:
        raise RayEngineError(f"the Ray job failed: {exc}") from exc
    finally:
        if started_here:
            ray.shutdown()
    finish_dataset(sink, summary, started)
    return summary
