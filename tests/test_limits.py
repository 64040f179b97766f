"""Resource limits not covered by test_ingest_bad_input.py: the per-document processing timeout,
the whole-file size limit, external XML entities, and the document-size limit on the JSONL and API paths.
"""

from __future__ import annotations

import json
import threading
import time
from pathlib import Path

from spacy.tokens import Doc

from eventwire.engines.local import run_local
from eventwire.errors import ProcessingTimeout
from eventwire.ingest import Limits, read_path
from eventwire.jobs import ingest_items
from eventwire.model import Article, Failure
from eventwire.pipeline import Pipeline, PipelineConfig, time_limit
from eventwire.store import Store


class StallingStage:
    """A stage that never finishes on articles containing STALL, and swallows every Exception while it waits."""

    name = "stalling"

    def __call__(self, article: Article, doc: Doc) -> None:
        while "STALL" in article.text:
            try:
                time.sleep(0.05)
            except Exception:  # the point: a stage's own handler must not swallow the timeout
                continue
        article.warnings.append("stalling stage done")


def _articles() -> list[Article]:
    return [Article(id=f"a{i}", text=text) for i, text in
            enumerate(["Iraq and the United States held talks.", "STALL here forever.", "Russia warned Ukraine."])]


def test_default_timeout_is_generous_and_configurable() -> None:
    assert PipelineConfig().doc_timeout == 120.0
    assert PipelineConfig(doc_timeout=5).doc_timeout == 5


def test_a_document_over_the_timeout_is_a_failure_and_the_batch_goes_on(nlp) -> None:  # type: ignore[no-untyped-def]
    config = PipelineConfig(doc_timeout=0.5)
    pipeline = Pipeline(config, nlp=nlp, stages=[StallingStage()])
    out = list(run_local(_articles(), config, processes=1, pipeline=pipeline))
    assert [type(item).__name__ for item in out] == ["Article", "Failure", "Article"]
    assert out[1] == Failure("a1", "processing took longer than 0.5 s")
    assert out[0].warnings == ["stalling stage done"] and out[2].warnings == ["stalling stage done"]  # type: ignore[union-attr]


def test_timed_out_document_is_a_failures_row_in_the_store(nlp, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    config = PipelineConfig(doc_timeout=0.5)
    pipeline = Pipeline(config, nlp=nlp, stages=[StallingStage()])
    with Store(tmp_path / "t.duckdb") as store:
        summary = ingest_items(_articles(), store, config=config, processes=1, pipeline=pipeline)
        ids = sorted(r[0] for r in store.con.execute("SELECT id FROM articles").fetchall())
        failures = store.con.execute("SELECT name, reason FROM failures").fetchall()
    assert ids == ["a0", "a2"]
    assert failures == [("a1", "processing took longer than 0.5 s")]
    assert summary.failed == 1


def test_timeout_applies_in_worker_processes() -> None:
    # The real pipeline in a forkserver pool: a near-zero limit cannot be met by any stage run.
    config = PipelineConfig(doc_timeout=1e-6, batch_size=2)
    out = list(run_local(_articles()[:1] + _articles()[2:], config, processes=2))
    assert out == [Failure("a0", "processing took longer than 1e-06 s"),
                   Failure("a2", "processing took longer than 1e-06 s")]


def test_time_limit_is_a_no_op_outside_the_main_thread() -> None:
    # Signals reach only the main thread: in the web server's worker threads the limit cannot apply,
    # so it must do nothing rather than raise (there the request body and document limits bound the work).
    outcome: list[str] = []

    def work() -> None:
        with time_limit(0.01):
            time.sleep(0.1)
        outcome.append("finished")

    thread = threading.Thread(target=work)
    thread.start()
    thread.join()
    assert outcome == ["finished"]


def test_time_limit_restores_the_previous_alarm_handler() -> None:
    import signal

    before = signal.getsignal(signal.SIGALRM)
    try:
        with time_limit(0.05):
            time.sleep(5)
    except ProcessingTimeout as exc:
        assert str(exc) == "processing took longer than 0.05 s"
    else:
        raise AssertionError("the time limit did not fire")
    assert signal.getsignal(signal.SIGALRM) == before
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)


def test_whole_file_size_limit(tmp_path: Path) -> None:
    path = tmp_path / "big.jsonl"
    path.write_text(json.dumps({"text": "x" * 5000}) + "\n", encoding="utf-8")
    [failure] = list(read_path(path, Limits(max_file_bytes=1000)))
    assert isinstance(failure, Failure) and "over the 1,000-byte limit" in failure.reason


def test_jsonl_article_over_the_character_limit_is_refused_and_the_next_line_read(tmp_path: Path) -> None:
    path = tmp_path / "mixed.jsonl"
    path.write_text(json.dumps({"id": "big", "text": "word " * 1000}) + "\n"
                    + json.dumps({"id": "ok", "text": "Iraq held talks."}) + "\n", encoding="utf-8")
    failure, article = read_path(path, Limits(max_document_chars=1000))
    assert isinstance(failure, Failure) and "over the 1,000-character limit" in failure.reason
    assert isinstance(article, Article) and article.id == "ok"


def test_external_entity_in_a_feed_is_not_resolved(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-CONTENT", encoding="utf-8")
    feed = tmp_path / "xxe.rss"
    feed.write_text(f"""<?xml version="1.0"?>
<!DOCTYPE rss [<!ENTITY xxe SYSTEM "file://{secret}">]>
<rss version="2.0"><channel><title>t</title>
<item><title>x</title><description>Leak: &xxe; and more text here.</description></item>
</channel></rss>""", encoding="utf-8")
    items = list(read_path(feed))
    assert all("TOP-SECRET" not in (item.to_json() if isinstance(item, Article) else item.reason) for item in items)
    assert [type(item) for item in items] == [Failure]


def test_external_entity_in_an_html_page_is_not_resolved(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-CONTENT", encoding="utf-8")
    page = tmp_path / "xxe.html"
    page.write_text(f"""<?xml version="1.0"?>
<!DOCTYPE html [<!ENTITY xxe SYSTEM "file://{secret}">]>
<html><head><title>Leak</title></head><body><article><p>Officials in Baghdad said &xxe; the talks went on
for a long time and that both sides would meet again next week to discuss the troop presence.</p>
</article></body></html>""", encoding="utf-8")
    for item in read_path(page):
        assert "TOP-SECRET" not in (item.to_json() if isinstance(item, Article) else item.reason)


def test_lone_surrogates_from_json_escapes_do_not_abort_the_batch(tmp_path: Path, pipeline: Pipeline) -> None:
    # Found by fuzz/fuzz_extract.py: "\ud800" in a JSON string is a lone surrogate that spaCy and DuckDB cannot
    # encode; in a title it made the whole batch's write fail. It becomes U+FFFD, one character for one.
    path = tmp_path / "surrogates.jsonl"
    path.write_text('{"id": "s1", "title": "bad \\ud800 title", "text": "Iraq and the United States held talks."}\n'
                    '{"id": "s2", "text": "Russia warned \\udfff Ukraine on Tuesday."}\n'
                    '{"id": "s3", "text": "Syria hosted talks with Russia."}\n', encoding="utf-8")
    with Store(tmp_path / "s.duckdb") as store:
        summary = ingest_items(read_path(path), store, processes=1, pipeline=pipeline)
        rows = store.con.execute("SELECT id, title, text FROM articles ORDER BY id").fetchall()
    assert (summary.stored, summary.failed) == (3, 0)
    assert rows[0][1] == "bad \ufffd title"
    assert rows[1][2] == "Russia warned \ufffd Ukraine on Tuesday."
