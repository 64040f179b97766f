"""The public Python API: ``eventwire.load()``, ``nlp(text)``, ``nlp.pipe(...)`` and the README's example."""

from __future__ import annotations

import contextlib
import io
import re
from pathlib import Path

import pytest

import eventwire
from eventwire import Article, ConfigurationError, EventwireError, Pipeline
from eventwire.ingest.ids import article_id

README = Path(__file__).resolve().parent.parent / "README.md"

pytestmark = pytest.mark.slow


def test_public_names_cover_the_data_model_and_errors() -> None:
    for name in ("load", "Pipeline", "Article", "Actor", "Quote", "Event", "Party", "Place", "Span", "Failure",
                 "EventwireError", "ContractError", "DocumentError"):
        assert name in eventwire.__all__, name
        assert hasattr(eventwire, name), name
    assert issubclass(ConfigurationError, EventwireError)


def test_calling_the_pipeline_on_text_gives_an_annotated_article(pipeline: Pipeline) -> None:
    text = "Russia accused Ukraine of shelling Donetsk."
    article = pipeline(text, published="2024-05-01", title="Claims", url="https://example.org/a")
    assert isinstance(article, Article)
    assert article.id == article_id(text)
    assert (article.title, article.url, article.published) == ("Claims", "https://example.org/a", "2024-05-01")
    top = article.events[0]
    assert top.event == "ACCUSE"
    assert [p.code for p in top.actor] == ["RUS"]
    assert [p.code for p in top.recipient] == ["UKR"]


def test_calling_the_pipeline_on_an_article_keeps_its_id(pipeline: Pipeline) -> None:
    article = pipeline(Article(id="mine-1", text="Kenya and Ethiopia agreed on Monday to reopen their border.",
                               published="2023-03-06"))
    assert article.id == "mine-1"
    assert any(e.event == "AGREE" for e in article.events)


def test_pipe_streams_articles_in_input_order(pipeline: Pipeline) -> None:
    texts = [f"Protesters marched in Nairobi on day {n} of the strike." for n in range(5)]
    out = list(pipeline.pipe(iter(texts), batch_size=2))
    assert [a.text for a in out] == texts
    assert all(any(e.event == "PROTEST" for e in a.events) for a in out)


def test_pipe_with_worker_processes_matches_the_single_process_run(pipeline: Pipeline) -> None:
    texts = ["Iran condemned the sanctions imposed by the European Union.",
             "Police arrested 12 students in Dhaka on Sunday.",
             "The defence ministry deployed troops to the northern border."]
    alone = [a.to_dict() for a in pipeline.pipe(texts)]
    parallel = [a.to_dict() for a in pipeline.pipe(texts, n_process=2, batch_size=1)]
    assert parallel == alone


def test_load_rejects_unknown_options() -> None:
    with pytest.raises(ConfigurationError, match="unknown pipeline option"):
        eventwire.load(modle="en_core_web_sm")


def test_add_stage_runs_a_custom_stage_in_place(pipeline: Pipeline) -> None:
    custom = Pipeline(pipeline.config, nlp=pipeline.nlp, stages=list(pipeline.stages))
    seen: list[int] = []

    class CountEvents:
        name = "count_events"

        def __call__(self, article: Article, doc: object) -> None:
            seen.append(len(article.events))
            article.warnings.append(f"{len(article.events)} events")

    custom.add_stage(CountEvents(), after="events")
    assert custom.stage_names.index("count_events") == custom.stage_names.index("events") + 1
    article = custom("Police arrested 12 students in Dhaka on Sunday.")
    assert seen and seen[0] >= 1
    with pytest.raises(ConfigurationError, match="already has a stage"):
        custom.add_stage(CountEvents())
    with pytest.raises(ConfigurationError, match="no stage named"):
        custom.add_stage(type("X", (), {"name": "x", "__call__": lambda self, a, d: None})(), before="nope")
    assert f"{seen[0]} events" in article.warnings


def test_readme_python_example_runs_and_prints_what_it_says() -> None:
    readme = README.read_text(encoding="utf-8")
    section = readme.split("## Python", 1)[1].split("\n## ", 1)[0]
    code = re.search(r"```python\n(.*?)```", section, re.S)
    assert code, "README has no Python example"
    snippet = code.group(1)
    lines = snippet.splitlines()
    expected = [lines[i + 1].removeprefix("# ") for i, line in enumerate(lines[:-1])
                if line.startswith("print(") and lines[i + 1].startswith("# ")]
    assert expected, "the README example states no expected output"
    output = io.StringIO()
    with contextlib.redirect_stdout(output):
        exec(compile(snippet, "README.md", "exec"), {})
    printed = output.getvalue().splitlines()
    for line in expected:
        assert line in printed, (line, printed)
