"""Ingest: turn input paths into :class:`~eventwire.model.Article` objects.

``read_inputs`` walks files and directories and yields, in a stable order,
either an ``Article`` or a ``Failure`` (document name and reason) for every
document found: one broken document never stops the others.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Iterator
from pathlib import Path

from eventwire.errors import DocumentError, InputNotFoundError
from eventwire.ingest.limits import Limits
from eventwire.ingest.readers import reader_for
from eventwire.model import Article, Failure

__all__ = ["Limits", "check_inputs", "read_inputs", "read_path"]

STDIN = "-"


def read_inputs(paths: Iterable[str], limits: Limits | None = None) -> Iterator[Article | Failure]:
    """Yield an Article or a Failure for every document under ``paths``.

    A directory is walked recursively in sorted order (hidden files skipped);
    ``-`` reads JSON lines from standard input.
    """
    paths = list(paths)
    check_inputs(paths)
    return _read_all(paths, limits or Limits())


def check_inputs(paths: Iterable[str]) -> None:
    """Raise InputNotFoundError for a path that does not exist.

    Checked before anything is read or a database is written: a typo fails at once, not after hours.
    """
    for raw in paths:
        if raw != STDIN and not Path(raw).exists():
            raise InputNotFoundError(f"{raw}: no such file or directory")


def _read_all(paths: list[str], limits: Limits) -> Iterator[Article | Failure]:
    for raw in paths:
        if raw == STDIN:
            from eventwire.ingest.jsonl import read_jsonl_stream

            yield from read_jsonl_stream(sys.stdin.buffer, "<stdin>", limits)
            continue
        path = Path(raw)
        if path.is_dir():
            for child in sorted(p for p in path.rglob("*") if p.is_file()):
                if any(part.startswith(".") for part in child.relative_to(path).parts):
                    continue
                yield from read_path(child, limits)
        else:
            yield from read_path(path, limits)


def read_path(path: Path, limits: Limits | None = None) -> Iterator[Article | Failure]:
    """Read one file with the reader its name calls for; failures are yielded, never raised."""
    limits = limits or Limits()
    name = str(path)
    try:
        reader = reader_for(path)
        size = path.stat().st_size
        if size > limits.max_file_bytes:
            raise DocumentError(name, f"file is {size:,} bytes, over the {limits.max_file_bytes:,}-byte limit")
        yield from reader(path, limits)
    except DocumentError as exc:
        yield Failure(exc.name, exc.reason)
    except OSError as exc:
        yield Failure(name, f"cannot read file: {exc.strerror or exc}")
