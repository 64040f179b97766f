"""What the stage benchmarks share: the news-like texts they run on, and the time the whole pipeline and each of
its stages take.

A benchmark script imports it as ``stage_costs`` (``benchmarks/`` is on ``sys.path`` when a script runs).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from pathlib import Path

from eventwire.ingest import read_inputs
from eventwire.model import Article
from eventwire.nlp import parse_many
from eventwire.pipeline import Pipeline

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
PARSE = "parse (spaCy)"


def news_texts(limit: int, extra: Iterable[str] = ()) -> list[str]:
    """The first ``limit`` of: the bundled sample corpus, ``extra``, and (from ../shared, when present) the
    canonical article and the GeoVirus excerpts."""
    found = [a.text for a in read_inputs([str(ROOT / "src" / "eventwire" / "data" / "sample")])
             if isinstance(a, Article)]
    found.extend(extra)
    iraq = SHARED / "corpus" / "iraq-us-presence.txt"
    if iraq.exists():
        found.append(iraq.read_text(encoding="utf-8"))
    geovirus = SHARED / "eval" / "GeoVirus.xml"
    if geovirus.exists():
        from eventwire.eval.places import read_geovirus

        found.extend(g.text for g in read_geovirus(geovirus)[0])
    return found[:limit]


def articles_of(texts: list[str], published: str | None = None) -> list[Article]:
    return [Article(id=str(i), text=t, published=published) for i, t in enumerate(texts)]


def pipeline_seconds(pipeline: Pipeline, texts: list[str], published: str | None = None) -> float:
    """CPU seconds of this process (other work on a shared machine does not count) that the whole pipeline, parse
    and every stage, takes on ``texts``."""
    articles = articles_of(texts, published)
    start = time.process_time()
    pipeline.annotate_batch(articles)
    return time.process_time() - start


def stage_seconds(pipeline: Pipeline, articles: list[Article],
                  clock: Callable[[], float] = time.process_time) -> dict[str, float]:
    """Seconds (by ``clock``: CPU time of this process unless told otherwise) spent parsing ``articles`` (under
    :data:`PARSE`) and then in each stage in pipeline order, each over the whole batch, every stage reading what the
    earlier ones wrote as in the pipeline. The articles are annotated in place."""
    costs: dict[str, float] = {}
    start = clock()
    docs = parse_many(pipeline.nlp, [a.text for a in articles], batch_size=pipeline.config.batch_size)
    costs[PARSE] = clock() - start
    for stage in pipeline.stages:
        start = clock()
        for article, doc in zip(articles, docs, strict=True):
            stage(article, doc)
        costs[stage.name] = clock() - start
    return costs
