"""Inputs of `eventwire run`: the file list, fsspec URLs, and chunks named after their input."""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from eventwire.engines.dataset import RemoteInputError, chunk_key, file_chunks, input_files, run_dataset_local
from eventwire.errors import InputNotFoundError
from eventwire.model import Article, Failure
from eventwire.pipeline import Pipeline
from eventwire.store.parquet import part_files


@pytest.fixture()
def corpus(tmp_path: Path) -> Path:
    root = tmp_path / "corpus"
    (root / "b").mkdir(parents=True)
    (root / ".hidden").mkdir()
    (root / "a.txt").write_text("Title\n\nTurkey and Iraq agreed to reopen the border on Monday.\n")
    (root / "b" / "c.jsonl").write_text("".join(
        json.dumps({"id": f"c{i}", "text": f"Egypt criticized Sudan over the dam, report {i} said."}) + "\n"
        for i in range(5)))
    (root / ".hidden" / "skip.txt").write_text("never read")
    return root


def test_input_files_walk_like_extract(corpus: Path) -> None:
    assert input_files([str(corpus)]) == [str(corpus / "a.txt"), str(corpus / "b" / "c.jsonl")]
    assert input_files([f"file://{corpus}"]) == [f"file://{corpus / 'a.txt'}", f"file://{corpus / 'b' / 'c.jsonl'}"]
    with pytest.raises(InputNotFoundError):
        input_files([str(corpus / "missing")])
    with pytest.raises(InputNotFoundError, match="standard input"):
        input_files(["-"])


def test_a_url_without_its_filesystem_package_is_a_clear_error() -> None:
    pytest.importorskip("fsspec")
    try:
        import s3fs  # noqa: F401
    except ImportError:
        with pytest.raises(RemoteInputError, match="s3fs"):
            input_files(["s3://eventwire-test-bucket/news/"])
    else:
        pytest.skip("s3fs is installed here")


def test_chunks_have_stable_keys_and_sizes(corpus: Path) -> None:
    path = str(corpus / "b" / "c.jsonl")
    chunks = list(file_chunks(path, chunk_size=2))
    assert [key for key, _ in chunks] == [chunk_key(path, n) for n in range(3)]
    assert [len(items) for _, items in chunks] == [2, 2, 1]
    assert [key for key, _ in file_chunks(path, chunk_size=2)] == [key for key, _ in chunks]
    assert chunk_key(path, 0) != chunk_key(str(corpus / "a.txt"), 0)


def test_url_inputs_give_the_same_records_named_by_url(corpus: Path, tmp_path: Path, pipeline: Pipeline) -> None:
    [item] = [i for _, chunk in file_chunks(f"file://{corpus / 'a.txt'}") for i in chunk]
    assert isinstance(item, Article) and item.source == f"file://{corpus / 'a.txt'}"
    local, remote = tmp_path / "local", tmp_path / "remote"
    run_dataset_local([str(corpus)], str(local), pipeline=pipeline)
    run_dataset_local([f"file://{corpus}"], str(remote), pipeline=pipeline)
    for table in ("articles", "events", "actors"):
        def rows(out: Path, table: str = table) -> list[str]:
            found = [row for f in part_files(out, table) for row in pq.read_table(f).to_pylist()]
            for row in found:
                row.pop("source", None)
            return sorted(json.dumps(row, sort_keys=True, default=str) for row in found)
        assert rows(local) == rows(remote), table


def test_an_unreadable_url_is_a_failure_not_a_crash(tmp_path: Path) -> None:
    items = [i for _, chunk in file_chunks(f"file://{tmp_path}/gone.txt") for i in chunk]
    assert len(items) == 1 and isinstance(items[0], Failure) and items[0].name.endswith("gone.txt")
