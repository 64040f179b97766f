"""What both engines of ``eventwire run`` share: input chunks, safe batch annotation, the Parquet sink.

The unit of work is a *chunk*: up to ``chunk_size`` consecutive documents of
one input file. Its key, ``<hash of the file's path or URL>-<chunk number>``,
depends only on the input, so a chunk processed twice (a retried task, a
re-run) writes the same part files with the same rows: writes are
idempotent, and a lost worker can never duplicate rows. Each part is written
to a hidden temporary name and renamed into place, so a reader never sees a
half-written file.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
import time
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from itertools import islice
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from eventwire.engines.local import run_local
from eventwire.errors import EventwireError, InputNotFoundError
from eventwire.ingest import Limits, read_path
from eventwire.model import Article, Failure
from eventwire.pipeline import Pipeline, PipelineConfig
from eventwire.store.parquet import MANIFEST
from eventwire.store.records import SCHEMA_VERSION, SCHEMAS, batch_tables, failure_row, to_arrow

DEFAULT_CHUNK_SIZE = 64

Item = Article | Failure


class RemoteInputError(EventwireError):
    """An fsspec URL cannot be listed or read (unknown protocol, filesystem package missing, ...)."""


def is_url(path: str) -> bool:
    return "://" in path


def chunk_key(file: str, number: int) -> str:
    return f"{hashlib.sha1(file.encode('utf-8', 'surrogatepass')).hexdigest()[:16]}-{number:06d}"


def _fsspec_filesystem(url: str) -> tuple[Any, str]:
    try:
        import fsspec
        from fsspec.core import url_to_fs
    except ImportError as exc:  # pragma: no cover - fsspec comes with ray[data]
        raise RemoteInputError(f"{url}: reading URLs needs the fsspec package") from exc
    try:
        return url_to_fs(url)
    except (ImportError, ValueError) as exc:
        protocol = url.split("://", 1)[0]
        known = ", ".join(sorted(p for p in fsspec.available_protocols() if len(p) > 2)[:12])
        raise RemoteInputError(
            f"{url}: no filesystem for {protocol}:// ({exc}); install its fsspec package "
            f"(e.g. s3fs for s3://, gcsfs for gs://). Known here: {known}, ..."
        ) from exc


def input_files(paths: Sequence[str]) -> list[str]:
    """Every input file under ``paths``, in the order ``eventwire extract`` reads them.

    Local directories are walked recursively in sorted order with hidden files
    skipped (as :func:`eventwire.ingest.read_inputs` does); a URL is listed
    with fsspec (``s3://bucket/prefix/`` gives every object under it).
    """
    files: list[str] = []
    for raw in paths:
        if raw == "-":
            raise InputNotFoundError("`eventwire run` cannot read standard input; give files, directories or URLs")
        if is_url(raw):
            fs, root = _fsspec_filesystem(raw)
            protocol = raw.split("://", 1)[0]
            if fs.isdir(root):
                found = sorted(p for p in fs.find(root) if not any(
                    part.startswith(".") for part in p[len(root):].split("/") if part))
                files.extend(f"{protocol}://{p.lstrip('/')}" if protocol != "file" else f"file://{p}"
                             for p in found)
            elif fs.exists(root):
                files.append(raw)
            else:
                raise InputNotFoundError(f"{raw}: no such file or directory")
            continue
        path = Path(raw)
        if not path.exists():
            raise InputNotFoundError(f"{raw}: no such file or directory")
        if path.is_dir():
            files.extend(str(child) for child in sorted(p for p in path.rglob("*") if p.is_file())
                         if not any(part.startswith(".") for part in child.relative_to(path).parts))
        else:
            files.append(str(path))
    return files


def read_file(file: str, limits: Limits | None = None) -> Iterator[Item]:
    """The documents of one local file or URL; a URL is copied to a temporary file and read like a local one."""
    if not is_url(file):
        yield from read_path(Path(file), limits)
        return
    try:
        fs, remote = _fsspec_filesystem(file)
        with tempfile.TemporaryDirectory(prefix="eventwire-") as tmp:
            local = Path(tmp) / Path(remote).name
            fs.get_file(remote, str(local))
            for item in read_path(local, limits):
                # Name documents after the URL, not the temporary copy.
                if isinstance(item, Article):
                    item.source = (item.source or "").replace(str(local), file)
                else:
                    item.name = item.name.replace(str(local), file)
                yield item
    except RemoteInputError as exc:
        yield Failure(file, str(exc))
    except OSError as exc:
        yield Failure(file, f"cannot read {file}: {exc}")


def file_chunks(file: str, chunk_size: int = DEFAULT_CHUNK_SIZE,
                limits: Limits | None = None) -> Iterator[tuple[str, list[Item]]]:
    """``(key, items)`` for the consecutive chunks of one input file (an empty file gives no chunk)."""
    chunk: list[Item] = []
    number = 0
    for item in read_file(file, limits):
        chunk.append(item)
        if len(chunk) >= chunk_size:
            yield chunk_key(file, number), chunk
            chunk, number = [], number + 1
    if chunk:
        yield chunk_key(file, number), chunk


@dataclass(slots=True)
class ChunkResult:
    key: str
    articles: int
    failures: int


@dataclass
class ParquetSink:
    """Writes chunks as part files under ``out/<table>/`` (a local path or a pyarrow filesystem URI)."""

    out: str
    # One timestamp for the whole run, so a retried chunk writes the same bytes.
    started: datetime = field(default_factory=lambda: datetime.now(UTC).replace(tzinfo=None, microsecond=0))

    def __post_init__(self) -> None:
        from pyarrow import fs as pafs

        if is_url(self.out):
            self.filesystem, self.root = pafs.FileSystem.from_uri(self.out)
        else:
            self.filesystem, self.root = pafs.LocalFileSystem(), os.path.abspath(self.out)
        self.filesystem.create_dir(self.root, recursive=True)

    def write_table(self, table_name: str, part: str, table: pa.Table | pa.RecordBatchReader) -> int:
        """Write one part file atomically (temporary name, then rename); returns the rows written."""
        directory = f"{self.root}/{table_name}"
        self.filesystem.create_dir(directory, recursive=True)
        final = f"{directory}/part-{part}.parquet"
        temporary = f"{directory}/.part-{part}.parquet.{os.getpid()}.tmp"
        schema = SCHEMAS[table_name]
        batches = table.to_batches() if isinstance(table, pa.Table) else table
        rows = 0
        with pq.ParquetWriter(temporary, schema, filesystem=self.filesystem, compression="zstd") as writer:
            for batch in batches:
                writer.write_table(pa.Table.from_batches([batch]).cast(schema))
                rows += batch.num_rows
        if rows:
            self.filesystem.move(temporary, final)
        else:
            self.filesystem.delete_file(temporary)
        return rows

    def write_chunk(self, key: str, items: list[Item]) -> ChunkResult:
        """Write one annotated chunk: a part per table that has rows, all named after the chunk."""
        articles = [item for item in items if isinstance(item, Article)]
        failures = [item for item in items if isinstance(item, Failure)]
        tables = batch_tables(articles)
        tables["failures"] = to_arrow("failures", [failure_row(f, self.started) for f in failures])
        for name, table in tables.items():
            if table.num_rows:
                self.write_table(name, key, table)
        return ChunkResult(key, len(articles), len(failures))

    def write_manifest(self, summary: dict[str, Any]) -> None:
        content = json.dumps({"schema_version": SCHEMA_VERSION, **summary}, indent=2, default=str)
        with self.filesystem.open_output_stream(f"{self.root}/{MANIFEST}") as stream:
            stream.write(content.encode("utf-8"))


@dataclass(slots=True)
class RunSummary:
    out: str
    engine: str
    files: int = 0
    chunks: int = 0
    articles: int = 0
    failures: int = 0
    derived: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0

    def add(self, result: ChunkResult) -> None:
        self.chunks += 1
        self.articles += result.articles
        self.failures += result.failures

    def to_dict(self) -> dict[str, Any]:
        return {"engine": self.engine, "files": self.files, "chunks": self.chunks, "articles": self.articles,
                "failures": self.failures, "derived": self.derived, "seconds": round(self.seconds, 2)}


def finish_dataset(sink: ParquetSink, summary: RunSummary, started: float) -> None:
    """Compute the derived tables (stories, aggregated events) over the written parts, then the manifest.

    Runs on the driver with DuckDB reading the Parquet parts: it streams, and
    is the one serial step of a run (see the README's Scale-out section). For
    a dataset written to a URL it is left to ``eventwire ingest --from-parquet``
    (DuckDB would need a network extension to read the parts back).
    """
    derived = not is_url(sink.out)
    if derived:
        from eventwire.store.aggregate import refresh_derived
        from eventwire.store.parquet import open_dataset
        from eventwire.store.records import DERIVED_TABLES

        for table in DERIVED_TABLES:
            shutil.rmtree(Path(sink.root) / table, ignore_errors=True)
        sink.write_manifest({**summary.to_dict(), "derived_tables": False})
        con = open_dataset(sink.root)
        try:
            summary.derived = refresh_derived(con)
            for table in DERIVED_TABLES:
                relation = con.sql(f'SELECT * FROM "{table}"')
                # Streamed in batches (DuckDB 2 names the reader to_arrow_reader, DuckDB 1 fetch_arrow_reader).
                reader = (relation.to_arrow_reader(50_000) if hasattr(relation, "to_arrow_reader")
                          else relation.fetch_arrow_reader(50_000))
                sink.write_table(table, "0", reader)
        finally:
            con.close()
    summary.seconds = time.perf_counter() - started
    sink.write_manifest({**summary.to_dict(), "derived_tables": derived})


def run_dataset_local(paths: Sequence[str], out: str, config: PipelineConfig | None = None,
                      processes: int | None = None, chunk_size: int = DEFAULT_CHUNK_SIZE,
                      limits: Limits | None = None, pipeline: Pipeline | None = None,
                      progress: Callable[[RunSummary], None] | None = None) -> RunSummary:
    """``eventwire run --engine local``: the Parquet dataset of ``paths``, written with local processes."""
    started = time.perf_counter()
    files = input_files(paths)
    sink = ParquetSink(out)
    summary = RunSummary(str(out), "local", files=len(files))
    # Chunks are formed before the pool; run_local keeps order, so outputs regroup by the chunk sizes.
    sizes: deque[tuple[str, int]] = deque()

    def items() -> Iterator[Item]:
        for file in files:
            for key, chunk in file_chunks(file, chunk_size, limits):
                sizes.append((key, len(chunk)))
                yield from chunk

    output = run_local(items(), config, processes, pipeline)
    for first in output:
        key, size = sizes.popleft()
        summary.add(sink.write_chunk(key, [first, *islice(output, size - 1)]))
        if progress:
            progress(summary)
    finish_dataset(sink, summary, started)
    return summary
