"""One reader for the package's data files (``<stage>/data/*.tsv`` and ``*.txt``).

Every data file starts with ``#`` comment lines saying what it holds and its format, then holds rows of
tab-separated fields, or one entry a line. This module reads that format and nothing more: what a field means,
whether its value is valid, how a ``|``-separated list in it splits, stays with the stage that reads the file.
It imports no stage, so that every stage can use it.

- :func:`numbered_rows`: ``(line number, fields)`` for each row, for callers that report bad values by line;
- :func:`read_rows`: the fields alone;
- :func:`read_words`: the entries of a one-entry-a-line list, in file order.

Rules shared by all three: lines are read as UTF-8 (a byte-order mark is dropped); blank lines and lines whose
first non-blank character is ``#`` are comments; fields are stripped of surrounding blanks. Options cover the
variants the files use: a header row that names the columns without a ``#`` (``header``), rows whose last
fields are optional (``columns`` as a range or a set of counts), comments that start inside a line
(``inline_comments``) and keys compared in lower case (``lower``). A row with the wrong number of fields raises
:class:`~eventwire.errors.DataFileError` naming the file and the line, or, when the caller passes a list as
``errors``, is put there and skipped, so that one bad line of a user's file does not hide the rest.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator, Sequence

from eventwire.errors import DataFileError, DictionaryFormatError

PathLike = str | os.PathLike[str]


def _counts(columns: int | Iterable[int] | None) -> frozenset[int] | None:
    if columns is None:
        return None
    return frozenset((columns,) if isinstance(columns, int) else columns)


def _expected(counts: frozenset[int], names: Sequence[str]) -> str:
    low, high = min(counts), max(counts)
    if counts == {1}:
        return "one entry a line (no tab)"
    if len(counts) == 1:
        number = str(low)
    elif len(counts) > 2 and len(counts) == high - low + 1:
        number = f"{low} to {high}"
    else:
        ordered = [str(count) for count in sorted(counts)]
        number = f"{', '.join(ordered[:-1])} or {ordered[-1]}"
    return f"{number} tab-separated fields" + (f" ({', '.join(names)})" if names else "")


def numbered_rows(path: PathLike, columns: int | Iterable[int] | None = None, *, header: bool | str = False,
                  lower: bool = False, inline_comments: bool = False, names: Sequence[str] = (),
                  errors: list[DictionaryFormatError] | None = None) -> Iterator[tuple[int, tuple[str, ...]]]:
    """``(line number, fields)`` for each row of a data file; line numbers count from 1, comments included.

    ``columns``: the number of fields a row must have, or the numbers it may have (``range(5, 8)`` when the
    last two are optional); None accepts any. ``header``: True when the first row names the columns (it is
    skipped); a string when a header row may be there or not (the first row is skipped when its first field is
    that string, as in user files that may lack one). ``lower``: every field lower-cased. ``inline_comments``:
    a ``#`` anywhere starts a comment (not for files whose values may hold one, such as regular expressions).
    ``names``: the column names, quoted in the error message. ``errors``: where a row with the wrong number of
    fields goes (skipped) instead of being raised.
    """
    counts = _counts(columns)
    first = True
    with open(path, encoding="utf-8-sig") as handle:
        for number, raw in enumerate(handle, 1):
            line = raw.rstrip("\r\n")
            if inline_comments:
                line = line.split("#", 1)[0]
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            fields = tuple(field.strip() for field in line.split("\t"))
            if first:
                first = False
                if header is True or (isinstance(header, str) and header and fields[0] == header):
                    continue
            if counts is not None and len(fields) not in counts:
                error = DataFileError(os.fspath(path), number,
                                      f"expected {_expected(counts, names)}, found {len(fields)}")
                if errors is None:
                    raise error
                errors.append(error)
                continue
            yield number, tuple(field.lower() for field in fields) if lower else fields


def read_rows(path: PathLike, columns: int | Iterable[int] | None = None, *, header: bool | str = False,
              lower: bool = False, inline_comments: bool = False, names: Sequence[str] = (),
              errors: list[DictionaryFormatError] | None = None) -> Iterator[tuple[str, ...]]:
    """The fields of each row of a data file (options as :func:`numbered_rows`)."""
    for _number, fields in numbered_rows(path, columns, header=header, lower=lower, inline_comments=inline_comments,
                                         names=names, errors=errors):
        yield fields


def read_words(path: PathLike, *, lower: bool = False, inline_comments: bool = False) -> list[str]:
    """The entries of a one-entry-a-line data file, in file order; a line with a tab raises DataFileError."""
    return [fields[0] for fields in read_rows(path, 1, lower=lower, inline_comments=inline_comments)]
