"""Property-based tests: every reader survives arbitrary bytes and keeps its invariants.

Invariants: reading never raises (only Articles and Failures come out), an
Article's text is non-empty and within the size limit, and the same bytes
always give the same article ids.
"""

from __future__ import annotations

import json
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from eventwire.ingest import Limits, read_path
from eventwire.model import Article, Failure

SUFFIXES = [".txt", ".html", ".jsonl", ".rss", ".atom", ".xml", ".warc", ".warc.gz", ".bin"]
LIMITS = Limits(max_document_chars=50_000, max_markup_bytes=200_000, max_record_bytes=200_000,
                max_line_bytes=100_000)
FUZZ = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])

# Text that stresses Unicode handling: RTL, combining marks, zero-width, astral and private-use characters.
tricky_text = st.text(
    alphabet=st.one_of(
        st.characters(codec="utf-8"),
        st.sampled_from(["\u200f", "\u202e", "\u0301", "\u200b", "\ufeff", "\U0001f600", "\ue000", "\r", "\n", "\""]),
    ),
    max_size=400,
)


def _read(tmp_path: Path, name: str, data: bytes) -> list[Article | Failure]:
    path = tmp_path / name
    path.write_bytes(data)
    return list(read_path(path, LIMITS))


def _check(items: list[Article | Failure]) -> None:
    for item in items:
        assert isinstance(item, Article | Failure)
        if isinstance(item, Article):
            assert item.text.strip()
            assert len(item.text) <= LIMITS.max_document_chars
            assert item.id
            Article.from_dict(json.loads(item.to_json()))  # contract-shaped and JSON-serialisable
        else:
            assert item.name and item.reason


@FUZZ
@given(data=st.binary(max_size=3000), suffix=st.sampled_from(SUFFIXES))
def test_any_bytes_under_any_suffix_never_crash(tmp_path: Path, data: bytes, suffix: str) -> None:
    first = _read(tmp_path, f"doc{suffix}", data)
    _check(first)
    again = _read(tmp_path, f"doc{suffix}", data)
    assert [getattr(i, "id", None) for i in first] == [getattr(i, "id", None) for i in again]


@FUZZ
@given(text=tricky_text, encoding=st.sampled_from(["utf-8", "utf-16", "cp1252", "latin-1", "utf-8-sig"]))
def test_text_in_any_encoding_reads_or_fails_cleanly(tmp_path: Path, text: str, encoding: str) -> None:
    try:
        data = text.encode(encoding)
    except UnicodeEncodeError:
        data = text.encode("utf-8", "surrogatepass")
    _check(_read(tmp_path, "doc.txt", data))


@FUZZ
@given(records=st.lists(st.one_of(
    st.fixed_dictionaries({"id": st.text(max_size=10), "text": tricky_text}, optional={
        "title": st.one_of(st.none(), st.text(max_size=30)),
        "published": st.one_of(st.none(), st.text(max_size=12), st.integers()),
        "outlet": st.one_of(st.none(), st.text(max_size=10), st.lists(st.integers(), max_size=2)),
    }),
    st.text(max_size=40),
    st.just("{\"text\": \"\\ud800 lone surrogate\"}"),
), max_size=6))
def test_jsonl_lines_each_become_an_article_or_a_failure(tmp_path: Path, records: list[object]) -> None:
    data = "\n".join(r if isinstance(r, str) else json.dumps(r) for r in records).encode("utf-8", "surrogatepass")
    items = _read(tmp_path, "batch.jsonl", data)
    _check(items)
    # The reader splits on newline bytes and skips lines of ASCII whitespace only; a file without any line is
    # one failure (as an empty text file is).
    assert len(items) == max(1, len([line for line in data.split(b"\n") if line.strip()]))


def test_numbers_in_metadata_are_read_as_text_and_booleans_refused(tmp_path: Path) -> None:
    lines = [json.dumps({"id": 17, "outlet": -3503435, "title": 2024, "text": "Talks resumed in Doha."}),
             json.dumps({"id": False, "text": "Talks resumed in Doha."})]
    article, failure = _read(tmp_path, "numbers.jsonl", "\n".join(lines).encode())
    assert isinstance(article, Article) and (article.id, article.outlet, article.title) == ("17", "-3503435", "2024")
    assert isinstance(failure, Failure) and failure.reason == "field 'id' must be a string"
