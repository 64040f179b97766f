"""Ingest: turn input paths into :class:`~eventwire.model.Article` objects.

``read_inputs`` walks files and directories and yields, in a stable order,
either an ``Article`` or a ``Failure`` (document name and reason) for every
document found: one broken document never stops the others.
"""

from __future__ import annotations

import os
import stat
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

    A directory is walked recursively in sorted order (hidden files skipped; a folder that cannot be read,
    a broken link, a named pipe or another special file is a Failure); ``-`` reads JSON lines from standard input.
    """
    paths = list(paths)
    check_inputs(paths)
    return _read_all(paths, limits or Limits())


def check_inputs(paths: Iterable[str]) -> None:
    """Raise InputNotFoundError for a path that does not exist (or is a broken symbolic link).

    Checked before anything is read or a database is written: a typo fails at once, not after hours.
    """
    for raw in paths:
        if raw != STDIN and not Path(raw).exists():
            path = Path(raw)
            if path.is_symlink():
                raise InputNotFoundError(f"{raw}: broken symbolic link (its target {os.readlink(path)} does not "
                                         "exist)")
            raise InputNotFoundError(f"{raw}: no such file or directory")


def _walk(root: Path) -> Iterator[Path | Failure]:
    """Every file under ``root`` in sorted path order (hidden files and folders skipped), and a Failure for each
    folder that cannot be read; special files and broken links are yielded too, for ``read_path`` to report."""
    found: list[tuple[str, Path | Failure]] = []

    def unreadable(exc: OSError) -> None:
        name = str(exc.filename or root)
        found.append((name, Failure(name, f"cannot read directory: {exc.strerror or exc}")))

    for folder, subfolders, files in os.walk(root, onerror=unreadable):
        subfolders[:] = [d for d in subfolders if not d.startswith(".")]
        found.extend((str(Path(folder) / f), Path(folder) / f) for f in files if not f.startswith("."))
    for _name, item in sorted(found, key=lambda pair: pair[0]):
        yield item


def _read_all(paths: list[str], limits: Limits) -> Iterator[Article | Failure]:
    for raw in paths:
        if raw == STDIN:
            from eventwire.ingest.jsonl import read_jsonl_stream

            yield from read_jsonl_stream(sys.stdin.buffer, "<stdin>", limits)
            continue
        path = Path(raw)
        if path.is_dir():
            for item in _walk(path):
                if isinstance(item, Failure):
                    yield item
                else:
                    yield from read_path(item, limits)
        else:
            yield from read_path(path, limits)


_SPECIAL_FILES = ((stat.S_ISFIFO, "a named pipe"), (stat.S_ISSOCK, "a socket"), (stat.S_ISCHR, "a character device"),
                  (stat.S_ISBLK, "a block device"), (stat.S_ISDIR, "a directory"))


def _not_a_document(path: Path) -> str | None:
    """Why ``path`` is not a file to read (a broken link, a pipe, ...), or None for a regular file."""
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        if path.is_symlink():
            return f"broken symbolic link (its target {os.readlink(path)} does not exist)"
        return "no such file"
    if stat.S_ISREG(mode):
        return None
    kind = next((name for test, name in _SPECIAL_FILES if test(mode)), "not a regular file")
    return f"not a regular file ({kind}): skipped"


def read_path(path: Path, limits: Limits | None = None) -> Iterator[Article | Failure]:
    """Read one file with the reader its name calls for; failures are yielded, never raised."""
    limits = limits or Limits()
    name = str(path)
    try:
        # Checked before opening: opening a named pipe would wait for a writer forever.
        problem = _not_a_document(path)
        if problem:
            raise DocumentError(name, problem)
        reader = reader_for(path)
        size = path.stat().st_size
        if size > limits.max_file_bytes:
            raise DocumentError(name, f"file is {size:,} bytes, over the {limits.max_file_bytes:,}-byte limit")
        yield from reader(path, limits)
    except DocumentError as exc:
        yield Failure(exc.name, exc.reason)
    except OSError as exc:
        yield Failure(name, f"cannot read file: {exc.strerror or exc}")
