"""`eventwire run` on real Ray in local mode: same rows as `eventwire extract`, failures kept, retries safe."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from functools import partial
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest

from conftest import shared_path
from eventwire.engines.dataset import ParquetSink, run_dataset_local
from eventwire.jobs import extract
from eventwire.model import DOUBTFUL_CONFIDENCE, Article, Failure
from eventwire.pipeline import Pipeline, PipelineConfig
from eventwire.store import Store
from eventwire.store.parquet import load_dataset, part_files
from eventwire.store.query import Filters, query_aggregated_events, query_events
from eventwire.store.records import RECORD_TABLES, batch_tables

ray = pytest.importorskip("ray")
pytestmark = pytest.mark.slow

NEWS = [
    ("n1", "The United States and Iraq signed an agreement in Baghdad on Monday to expand trade, officials said."),
    ("n2", "Russian forces attacked positions near Kharkiv on Tuesday, the Ukrainian military said."),
    ("n3", "The European Union criticized China over its treatment of protesters in Hong Kong on Friday."),
    ("n4", "Iraqi Prime Minister Haider al-Abadi met US Defense Secretary Jim Mattis in Baghdad on Monday."),
    ("n5", "Turkey threatened to launch a new offensive against Kurdish fighters in northern Syria."),
]


def _write_corpus(root: Path, extra: list[tuple[str, str]] = ()) -> Path:
    root.mkdir()
    (root / "iraq.txt").write_bytes(shared_path("corpus", "iraq-us-presence.txt").read_bytes())
    with (root / "news.jsonl").open("w", encoding="utf-8") as handle:
        for number, (article_id, text) in enumerate([*NEWS, *extra]):
            handle.write(json.dumps({"id": article_id, "text": text, "outlet": f"Outlet {number % 2}",
                                     "published": f"2020-01-{number + 1:02d}",
                                     "url": f"https://news.example/{article_id}"}) + "\n")
        handle.write("{this line is not JSON\n")
    (root / "scan.html").write_bytes(b"\x00\x01\x02 not a page")
    return root


def _rows(table: Any) -> set[str]:
    return {json.dumps(row, sort_keys=True, default=str) for row in table.to_pylist()}


def _dataset_rows(out: Path, table: str) -> list[dict[str, Any]]:
    files = part_files(out, table)
    return [row for f in files for row in pq.read_table(f).to_pylist()]


@pytest.fixture(scope="module")
def local_ray() -> Iterator[None]:
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
    # The pipelines of the fault tests are classes of this module: ship them by value to the workers.
    ray.cloudpickle.register_pickle_by_value(sys.modules[__name__])
    yield
    ray.shutdown()


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _write_corpus(tmp_path_factory.mktemp("ray") / "corpus")


@pytest.fixture(scope="module")
def extracted(corpus: Path, pipeline: Pipeline) -> tuple[list[Article], list[Failure]]:
    items = list(extract([str(corpus)], pipeline=pipeline))
    return [i for i in items if isinstance(i, Article)], [i for i in items if isinstance(i, Failure)]


@pytest.fixture(scope="module")
def ray_out(corpus: Path, local_ray: None, tmp_path_factory: pytest.TempPathFactory) -> Path:
    from eventwire.engines.ray_engine import run_ray

    out = tmp_path_factory.mktemp("ray-out") / "dataset"
    summary = run_ray([str(corpus)], str(out), PipelineConfig(), chunk_size=2)
    assert (summary.articles, summary.failures, summary.files) == (len(NEWS) + 1, 2, 3)
    return out


def test_ray_writes_the_same_rows_as_extract(ray_out: Path, extracted: tuple[list[Article], list[Failure]]) -> None:
    articles, failures = extracted
    expected = batch_tables(articles)
    assert expected["events"].num_rows > 0 and expected["actors"].num_rows > 0
    for table in RECORD_TABLES:
        found = _dataset_rows(ray_out, table)
        assert len(found) == expected[table].num_rows, table
        assert {json.dumps(r, sort_keys=True, default=str) for r in found} == _rows(expected[table]), table
    assert sorted((r["name"], r["reason"]) for r in _dataset_rows(ray_out, "failures")) == sorted(
        (f.name, f.reason) for f in failures)


def test_every_row_carries_its_article_and_events_keep_nested_parties(ray_out: Path) -> None:
    ids = {row["id"] for row in _dataset_rows(ray_out, "articles")}
    for table in ("actors", "mentions", "quotes", "events", "places"):
        assert {row["article_id"] for row in _dataset_rows(ray_out, table)} <= ids
    schema = pq.read_schema(part_files(ray_out, "events")[0])
    assert str(schema.field("actor").type) == (
        "list<element: struct<actor: string, text: string, code: string, sector: string>>")


def test_local_engine_writes_the_same_dataset(corpus: Path, ray_out: Path, pipeline: Pipeline,
                                              tmp_path: Path) -> None:
    out = tmp_path / "local"
    run_dataset_local([str(corpus)], str(out), chunk_size=2, pipeline=pipeline)
    for table in (*RECORD_TABLES, "stories", "event_aggregates", "aggregated_events"):
        assert sorted(p.name for p in part_files(out, table)) == sorted(p.name for p in part_files(ray_out, table))
        local_rows = {json.dumps(r, sort_keys=True, default=str) for r in _dataset_rows(out, table)}
        ray_rows = {json.dumps(r, sort_keys=True, default=str) for r in _dataset_rows(ray_out, table)}
        assert local_rows == ray_rows, table


def test_query_commands_read_the_dataset_directly(ray_out: Path, extracted: tuple[list[Article], list[Failure]]
                                                  ) -> None:
    articles, _ = extracted
    with Store(ray_out, read_only=True) as store:
        rows, total = query_events(store.con, Filters(limit=1000, min_confidence=0))  # doubtful ones too
        assert total == sum(len(a.events) for a in articles)
        assert {(r["article_id"], r["id"]) for r in rows} == {(a.id, e.id) for a in articles for e in a.events}
        aggregated, _ = query_aggregated_events(store.con, Filters(limit=1000))
        assert sum(r["num_mentions"] for r in aggregated) == store.con.execute(
            "SELECT count(*) FROM events WHERE NOT negated AND NOT hypothetical AND confidence >= ?",
            [DOUBTFUL_CONFIDENCE]).fetchone()[0]


def test_ingest_from_parquet_loads_once(ray_out: Path, tmp_path: Path) -> None:
    with Store(tmp_path / "loaded.duckdb") as store:
        stored, skipped, failures = load_dataset(store, ray_out)
        assert (stored, skipped, failures) == (len(NEWS) + 1, 0, 2)
        counts = store.counts()
        assert counts["events"] == len(_dataset_rows(ray_out, "events"))
        assert counts["quotes"] == len(_dataset_rows(ray_out, "quotes"))
        assert load_dataset(store, ray_out) == (0, len(NEWS) + 1, 2)
        assert store.counts() == counts


def test_rewriting_a_chunk_replaces_its_parts(tmp_path: Path) -> None:
    sink = ParquetSink(str(tmp_path / "out"))
    article = Article(id="a", text="Iraq and Turkey agreed.")
    sink.write_chunk("k-000000", [article, Failure("x.bin", "binary data")])
    sink.write_chunk("k-000000", [article, Failure("x.bin", "binary data")])
    assert len(_dataset_rows(tmp_path / "out", "articles")) == 1
    assert len(_dataset_rows(tmp_path / "out", "failures")) == 1
    assert not [p for p in (tmp_path / "out").rglob("*") if p.name.startswith(".")]


# -- faults: pipelines that break on purpose, shipped to the Ray workers -------------------------------------

class BrittlePipeline(Pipeline):
    """Raises on a batch holding POISON (like a parser bug) and kills its worker once on CRASH."""

    def __init__(self, config: PipelineConfig, marker: str) -> None:
        super().__init__(config)
        self.marker = marker

    def annotate_batch(self, articles: list[Article]) -> list[Article]:
        if any("POISON" in a.text for a in articles):
            raise ValueError("the parser choked on this document")
        if any("CRASH" in a.text for a in articles) and not os.path.exists(self.marker):
            Path(self.marker).write_text("crashed once")
            os._exit(1)  # the worker process dies mid-chunk, as on a lost node
        return super().annotate_batch(articles)


def _brittle(marker: str, config: PipelineConfig) -> Pipeline:
    return BrittlePipeline(config, marker)


def test_bad_documents_and_lost_workers_do_not_fail_or_duplicate(local_ray: None, tmp_path: Path) -> None:
    from eventwire.engines.ray_engine import run_ray

    corpus = _write_corpus(tmp_path / "corpus", [
        ("poison", "POISON The ministry said the talks would resume in Geneva next week."),
        ("crash", "CRASH Egypt and Sudan agreed to share data on the Nile dam on Thursday."),
    ])
    marker = tmp_path / "crashed"
    out = tmp_path / "out"
    summary = run_ray([str(corpus)], str(out), PipelineConfig(), chunk_size=2,
                      pipeline_factory=partial(_brittle, str(marker)))
    assert marker.exists(), "the worker should have died once"
    articles = _dataset_rows(out, "articles")
    ids = [row["id"] for row in articles]
    assert sorted(ids) == sorted([*(i for i, _ in NEWS), "crash", ids_of_iraq(articles)])
    failures = {row["name"]: row["reason"] for row in _dataset_rows(out, "failures")}
    assert failures[f"{corpus / 'news.jsonl'}#6"].startswith("processing failed: ValueError: the parser choked")
    assert len(failures) == 3
    assert summary.articles == len(ids) and summary.failures == 3
    events = [(row["article_id"], row["id"]) for row in _dataset_rows(out, "events")]
    assert len(events) == len(set(events))


def ids_of_iraq(articles: list[dict[str, Any]]) -> str:
    return next(row["id"] for row in articles if row["source"].endswith("iraq.txt"))


def test_cli_run_local_then_query_and_load(corpus: Path, tmp_path: Path) -> None:
    command = Path(sys.executable).with_name("eventwire")
    if not command.exists():
        pytest.skip(f"the eventwire command is not installed next to {sys.executable}")
    out = tmp_path / "out"

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        result = subprocess.run([str(command), *args], capture_output=True, text=True, timeout=600)
        assert result.returncode == 0, result.stderr
        return result

    done = run("run", "--engine", "local", str(corpus), "-o", str(out), "--num-cpus", "1", "--chunk-size", "3")
    assert f"{len(NEWS) + 1} articles, 2 failures from 3 files" in done.stderr
    listed = run("events", "--db", str(out), "--all", "--min-confidence", "0", "--format", "json", "--limit", "1000")
    events = [json.loads(line) for line in listed.stdout.splitlines()]
    assert len(events) == len(_dataset_rows(out, "events"))
    loaded = run("ingest", "--from-parquet", str(out), "--db", str(tmp_path / "db.duckdb"))
    assert f"{len(NEWS) + 1} stored, 0 already stored, 2 failures" in loaded.stderr
    refused = subprocess.run([str(command), "ingest", str(corpus), "--db", str(out)], capture_output=True,
                             text=True, timeout=600)
    assert refused.returncode == 2 and "Parquet dataset, which is read-only" in refused.stderr
