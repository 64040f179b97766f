"""JSON-lines articles: one object per line with the contract's field names."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from eventwire.errors import DocumentError
from eventwire.ingest.document import make_article
from eventwire.ingest.limits import Limits
from eventwire.model import Article, Failure

ARTICLE_FIELDS = ("id", "title", "url", "outlet", "published", "language", "text")


def article_from_record(record: object, name: str, limits: Limits) -> Article:
    """An Article from one decoded JSON object; ``text`` is kept verbatim."""
    if not isinstance(record, dict):
        raise DocumentError(name, "line is not a JSON object")
    text = record.get("text")
    if not isinstance(text, str):
        raise DocumentError(name, "object has no 'text' string")
    fields: dict[str, str | None] = {}
    for key in ("id", "title", "url", "outlet", "language"):
        value = record.get(key)
        # A number is read as its digits ("id": 17); anything else that is not a string is refused.
        if value is not None and (isinstance(value, bool) or not isinstance(value, str | int)):
            raise DocumentError(name, f"field '{key}' must be a string")
        fields[key] = None if value is None else str(value)
    return make_article(name, text, limits, published=record.get("published"), **fields)


def read_jsonl_stream(stream: BinaryIO, name: str, limits: Limits) -> Iterator[Article | Failure]:
    """Read a JSONL stream; each bad line becomes a Failure named ``name#LINE``, a stream without any JSON line
    one Failure named ``name`` (as an empty text file is)."""
    lines = 0
    for number, raw in enumerate(_bounded_lines(stream, limits.max_line_bytes), start=1):
        line_name = f"{name}#{number}"
        if raw is None:
            lines += 1
            yield Failure(line_name, f"line longer than the {limits.max_line_bytes:,}-byte limit")
            continue
        if not raw.strip():
            continue
        lines += 1
        try:
            record = json.loads(raw.decode("utf-8"))
            yield article_from_record(record, line_name, limits)
        except UnicodeDecodeError as exc:
            yield Failure(line_name, f"line is not UTF-8 ({exc.reason} at byte {exc.start})")
        except json.JSONDecodeError as exc:
            # json's messages may end in "at" ("Unterminated string starting at"): the column completes them.
            yield Failure(line_name, f"malformed JSON: {exc.msg.removesuffix(' at')} at column {exc.colno}")
        except RecursionError:
            yield Failure(line_name, "malformed JSON: nested too deeply")
        except DocumentError as exc:
            yield Failure(exc.name, exc.reason)
    if lines == 0:
        yield Failure(name, "empty JSON-lines input: no article in it")


def _bounded_lines(stream: BinaryIO, max_bytes: int) -> Iterator[bytes | None]:
    """Lines of ``stream``; a line over ``max_bytes`` is skipped and reported as None."""
    while True:
        line = stream.readline(max_bytes + 1)
        if not line:
            return
        if len(line) > max_bytes and not line.endswith(b"\n"):
            # Drain the rest of the over-long line without holding it.
            while True:
                rest = stream.readline(1024 * 1024)
                if not rest or rest.endswith(b"\n"):
                    break
            yield None
            continue
        yield line


def read_jsonl(path: Path, limits: Limits) -> Iterator[Article | Failure]:
    with path.open("rb") as stream:
        yield from read_jsonl_stream(stream, str(path), limits)
