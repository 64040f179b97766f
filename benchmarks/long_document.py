"""Per-stage time on one long single-line document, at doubling sizes: which stages grow super-linearly.

The text repeats one news sentence (as tests/test_properties_pipeline.py's 1 MB case does). For each size it
prints the seconds spent parsing and in each stage, and the ratio to the previous size (2.0 = linear).

    .venv/bin/python benchmarks/long_document.py [--sizes 62500 125000 250000 500000 1000000]
"""

from __future__ import annotations

import argparse
import time

from eventwire.model import Article
from eventwire.nlp import parse_many
from eventwire.pipeline import Pipeline, PipelineConfig

SENTENCE = "Iran accused Washington of violating the agreement, officials said. "


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[62_500, 125_000, 250_000, 500_000, 1_000_000])
    args = parser.parse_args()
    pipeline = Pipeline(PipelineConfig(doc_timeout=None))
    previous: dict[str, float] = {}
    for size in args.sizes:
        article = Article(id="long", text=SENTENCE * (size // len(SENTENCE)), published="2020-01-01")
        costs: dict[str, float] = {}
        start = time.perf_counter()
        [doc] = parse_many(pipeline.nlp, [article.text])
        costs["parse"] = time.perf_counter() - start
        for stage in pipeline.stages:
            start = time.perf_counter()
            stage(article, doc)
            costs[stage.name] = time.perf_counter() - start
        line = "  ".join(f"{name} {seconds:7.2f}s" + (f" (x{seconds / previous[name]:.1f})" if previous.get(name)
                                                       else "") for name, seconds in costs.items())
        print(f"{len(article.text):>9,} chars, {len(article.events):>6} events: {line}", flush=True)
        previous = costs


if __name__ == "__main__":
    main()
