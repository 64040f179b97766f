"""How much the magnitudes stage adds to the pipeline.

Two corpora: general news (the bundled sample corpus, the canonical article and the GeoVirus excerpts
from ../shared when present), and conflict news, the worst case (the magnitude gold snippets joined eight
to an article, nearly every sentence a casualty, arrest or crowd report). For each, the whole pipeline is
timed (best of ``--repeat`` runs after a warm-up), and the magnitudes stage alone on the same articles
already parsed and annotated by the earlier stages; the stage's share is its time over the pipeline's.

Times are CPU seconds of this process (``time.process_time``), so other work on the shared machine does
not count.

    .venv/bin/python benchmarks/magnitudes_overhead.py [--articles N] [--repeat R]
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

from eventwire.events.magnitudes import MagnitudeStage
from eventwire.ingest import read_inputs
from eventwire.model import Article
from eventwire.nlp import parse_many
from eventwire.pipeline import Pipeline, PipelineConfig

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
GOLD = ROOT / "tests" / "gold" / "magnitudes" / "magnitudes.jsonl"


def news(limit: int) -> list[str]:
    found = [a.text for a in read_inputs([str(ROOT / "src" / "eventwire" / "data" / "sample")])
             if isinstance(a, Article)]
    iraq = SHARED / "corpus" / "iraq-us-presence.txt"
    if iraq.exists():
        found.append(iraq.read_text(encoding="utf-8"))
    geovirus = SHARED / "eval" / "GeoVirus.xml"
    if geovirus.exists():
        from eventwire.eval.places import read_geovirus

        found.extend(g.text for g in read_geovirus(geovirus)[0])
    return found[:limit]


def conflict(limit: int) -> list[str]:
    snippets = [json.loads(line)["text"] for line in GOLD.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [" ".join(snippets[i:i + 8]) for i in range(0, len(snippets), 8)][:limit]


def pipeline_time(pipeline: Pipeline, corpus: list[str]) -> float:
    articles = [Article(id=str(i), text=t, published="2024-01-01") for i, t in enumerate(corpus)]
    start = time.process_time()
    pipeline.annotate_batch(articles)
    return time.process_time() - start


def stage_time(pipeline: Pipeline, corpus: list[str]) -> tuple[float, int]:
    """Seconds the magnitudes stage takes on articles the earlier stages have annotated, and magnitudes found."""
    articles = [Article(id=str(i), text=t, published="2024-01-01") for i, t in enumerate(corpus)]
    docs = parse_many(pipeline.nlp, corpus)
    names = [s.name for s in pipeline.stages]
    earlier = pipeline.stages[:names.index("magnitudes")]
    for article, doc in zip(articles, docs, strict=True):
        for stage in earlier:
            stage(article, doc)
    magnitudes = MagnitudeStage.from_config(pipeline.config)
    start = time.process_time()
    for article, doc in zip(articles, docs, strict=True):
        magnitudes(article, doc)
    spent = time.process_time() - start
    return spent, sum(len(e.magnitudes) for a in articles for e in a.events)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=80)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    pipeline = Pipeline(PipelineConfig())
    pipeline_time(pipeline, news(3))  # warm-up: loads every stage's tables
    for name, corpus in (("news", news(args.articles)), ("conflict", conflict(args.articles))):
        whole = min(pipeline_time(pipeline, corpus) for _ in range(args.repeat))
        alone, found = min(stage_time(pipeline, corpus) for _ in range(args.repeat))
        characters = sum(len(t) for t in corpus)
        print(f"{name}: {len(corpus)} texts, {characters:,} characters, {found} magnitudes; pipeline {whole:.2f} s, "
              f"magnitudes stage {alone * 1000:.0f} ms = {100 * alone / whole:.2f} % of the pipeline "
              f"({1000 * alone / len(corpus):.2f} ms per text)")


if __name__ == "__main__":
    main()
