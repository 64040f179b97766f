"""How much the places stage adds to the pipeline, and how long the gazetteer takes to load.

Runs the default pipeline over news-like texts (the GeoVirus excerpts and the
canonical article from ../shared) twice — with the places stage and with it
disabled — after a warm-up, and reports wall time per run and the overhead.
The gazetteer load is timed in a fresh interpreter so nothing is cached.

    .venv/bin/python benchmarks/places_overhead.py [--articles N] [--repeat R]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

from eventwire.eval.places import read_geovirus
from eventwire.model import Article
from eventwire.pipeline import Pipeline, PipelineConfig

SHARED = Path(__file__).resolve().parent.parent.parent / "shared"
# Imports first (spaCy's import is the pipeline's cost, not the gazetteer's), then the load alone.
LOAD_SNIPPET = ("import time; from eventwire.places import Gazetteer; t = time.perf_counter(); Gazetteer.load(); "
                "print(time.perf_counter() - t)")


def texts(limit: int) -> list[str]:
    gold, _ = read_geovirus(SHARED / "eval" / "GeoVirus.xml")
    found = [(SHARED / "corpus" / "iraq-us-presence.txt").read_text(encoding="utf-8")]
    found.extend(g.text for g in gold)
    return found[:limit]


def run(pipeline: Pipeline, corpus: list[str]) -> float:
    articles = [Article(id=str(i), text=t) for i, t in enumerate(corpus)]
    start = time.perf_counter()
    pipeline.process_batch(articles)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=120)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    loads = [float(subprocess.run([sys.executable, "-c", LOAD_SNIPPET], check=True, capture_output=True,
                                  text=True).stdout) for _ in range(2)]
    print(f"gazetteer load in a fresh process: {min(loads):.2f} s (best of 2), {max(loads):.2f} s worst")

    corpus = texts(args.articles)
    with_places = Pipeline(PipelineConfig())
    without = Pipeline(PipelineConfig(disabled=("places",)), nlp=with_places.nlp)
    run(with_places, corpus[:5])  # warm-up: loads the gazetteer and every stage's tables
    run(without, corpus[:5])
    timings: dict[str, list[float]] = {"with places": [], "without places": []}
    for _ in range(args.repeat):
        timings["without places"].append(run(without, corpus))
        timings["with places"].append(run(with_places, corpus))
    best = {name: min(values) for name, values in timings.items()}
    chars = sum(len(t) for t in corpus)
    print(f"{len(corpus)} articles, {chars} characters, stages: {', '.join(with_places.stage_names)}")
    for name, value in best.items():
        print(f"{name:15s} {value:.2f} s (best of {args.repeat})")
    overhead = best["with places"] / best["without places"] - 1
    print(f"places overhead: {overhead:+.1%}")


if __name__ == "__main__":
    main()
