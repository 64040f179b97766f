"""How much the quotes stage adds to the pipeline.

Two measurements over news-like texts (the bundled sample corpus, the quote
gold's political news articles, which are dense in quotes, the canonical article
and the GeoVirus excerpts from ../shared when present):

1. the whole pipeline with the quotes stage and with it disabled (best of
   ``--repeat`` runs after a warm-up), and the difference;
2. the quotes stage alone, timed on the already parsed and annotated articles,
   as a share of the whole pipeline's time (steadier than the difference of two
   noisy totals on shared cores).

Times are CPU seconds of this process (``time.process_time``), so other work on
the machine does not count; wall-clock totals on busy shared cores varied by
±30% between runs.

    .venv/bin/python benchmarks/quotes_overhead.py [--articles N] [--repeat R]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from stage_costs import ROOT, articles_of, news_texts, pipeline_seconds, stage_seconds

from eventwire.pipeline import Pipeline, PipelineConfig


def texts(limit: int) -> list[str]:
    gold = ROOT / "tests" / "gold" / "quotes"
    return news_texts(limit, (p.read_text(encoding="utf-8") for p in sorted(gold.glob("202[56]-*.txt"))))


def stage_alone(pipeline: Pipeline, corpus: list[str]) -> tuple[float, int]:
    """Seconds the quotes stage takes on articles already parsed and annotated by the earlier stages."""
    articles = articles_of(corpus)
    return stage_seconds(pipeline, articles)["quotes"], sum(len(a.quotes) for a in articles)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=120)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    corpus = texts(args.articles)
    with_quotes = Pipeline(PipelineConfig())
    without = Pipeline(PipelineConfig(disabled=("quotes",)), nlp=with_quotes.nlp)
    pipeline_seconds(with_quotes, corpus[:5])  # warm-up: loads every stage's tables
    pipeline_seconds(without, corpus[:5])
    timings: dict[str, list[float]] = {"with quotes": [], "without quotes": []}
    for _ in range(args.repeat):
        timings["without quotes"].append(pipeline_seconds(without, corpus))
        timings["with quotes"].append(pipeline_seconds(with_quotes, corpus))
    best = {name: min(values) for name, values in timings.items()}
    chars = sum(len(t) for t in corpus)
    print(f"{len(corpus)} articles, {chars} characters, stages: {', '.join(with_quotes.stage_names)}")
    for name, value in best.items():
        print(f"{name:15s} {value:.2f} s CPU (best of {args.repeat})")
    print(f"difference of totals: {best['with quotes'] / best['without quotes'] - 1:+.1%}")
    alone = min(stage_alone(with_quotes, corpus)[0] for _ in range(args.repeat))
    _, found = stage_alone(with_quotes, corpus)
    print(f"quotes stage alone: {alone:.3f} s CPU for {found} quotes = {alone / best['with quotes']:.1%} "
          "of the whole pipeline's time")


if __name__ == "__main__":
    main()
