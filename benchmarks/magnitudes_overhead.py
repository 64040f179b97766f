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
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from stage_costs import ROOT, articles_of, news_texts, pipeline_seconds, stage_seconds

from eventwire.pipeline import Pipeline, PipelineConfig

GOLD = ROOT / "tests" / "gold" / "magnitudes" / "magnitudes.jsonl"
PUBLISHED = "2024-01-01"


def conflict(limit: int) -> list[str]:
    snippets = [json.loads(line)["text"] for line in GOLD.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [" ".join(snippets[i:i + 8]) for i in range(0, len(snippets), 8)][:limit]


def stage_time(pipeline: Pipeline, corpus: list[str]) -> tuple[float, int]:
    """Seconds the magnitudes stage takes on articles the earlier stages have annotated, and magnitudes found."""
    articles = articles_of(corpus, PUBLISHED)
    spent = stage_seconds(pipeline, articles)["magnitudes"]
    return spent, sum(len(e.magnitudes) for a in articles for e in a.events)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=80)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    pipeline = Pipeline(PipelineConfig())
    pipeline_seconds(pipeline, news_texts(3), PUBLISHED)  # warm-up: loads every stage's tables
    for name, corpus in (("news", news_texts(args.articles)), ("conflict", conflict(args.articles))):
        whole = min(pipeline_seconds(pipeline, corpus, PUBLISHED) for _ in range(args.repeat))
        alone, found = min(stage_time(pipeline, corpus) for _ in range(args.repeat))
        characters = sum(len(t) for t in corpus)
        print(f"{name}: {len(corpus)} texts, {characters:,} characters, {found} magnitudes; pipeline {whole:.2f} s, "
              f"magnitudes stage {alone * 1000:.0f} ms = {100 * alone / whole:.2f} % of the pipeline "
              f"({1000 * alone / len(corpus):.2f} ms per text)")


if __name__ == "__main__":
    main()
