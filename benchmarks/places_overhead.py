"""How much the places stages add to the pipeline, and how long the gazetteer takes to load.

Runs the default pipeline over news-like texts (the canonical article and the
GeoVirus excerpts from ../shared) and accounts CPU time (``time.process_time``,
which other processes on a shared machine do not inflate) to the parse and to
each stage, after a warm-up that loads every stage's tables. The overhead of
places is (places + event_locations) / (everything else). The gazetteer load is
timed in fresh interpreters: cold (an empty cache directory: built from the installed
GeoNames extracts) and warm (the Arrow files memory-mapped from that directory).

    .venv/bin/python benchmarks/places_overhead.py [--articles N] [--repeat R]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from stage_costs import articles_of, stage_seconds

from eventwire.eval.places import read_geovirus
from eventwire.pipeline import Pipeline, PipelineConfig

SHARED = Path(__file__).resolve().parent.parent.parent / "shared"
# Imports first (spaCy's import is the pipeline's cost, not the gazetteer's), then the load alone; then the
# process's peak resident memory and the gazetteer's size.
LOAD_SNIPPET = ("import time, resource; from eventwire.places import Gazetteer; "
                "t, c = time.perf_counter(), time.process_time(); g = Gazetteer.load(); "
                "print(time.perf_counter() - t, time.process_time() - c, "
                "resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024, g.size['places'], g.size['names'])")
PLACE_STAGES = ("places", "event_locations")


def texts(limit: int) -> list[str]:
    gold, _ = read_geovirus(SHARED / "eval" / "GeoVirus.xml")
    found = [(SHARED / "corpus" / "iraq-us-presence.txt").read_text(encoding="utf-8")]
    found.extend(g.text for g in gold)
    return found[:limit]


def gazetteer_load(cache_dir: str) -> tuple[float, float, int, int, int]:
    """Wall and CPU seconds of one gazetteer load in a fresh interpreter, its peak memory (MB), places, names."""
    env = dict(os.environ, EVENTWIRE_CACHE_DIR=cache_dir)
    result = subprocess.run([sys.executable, "-c", LOAD_SNIPPET], check=True, capture_output=True, text=True, env=env)
    wall, cpu, memory, places, names = result.stdout.split()
    return float(wall), float(cpu), int(memory), int(places), int(names)


def account(pipeline: Pipeline, corpus: list[str]) -> dict[str, float]:
    """CPU seconds spent parsing and in each stage over ``corpus``."""
    return stage_seconds(pipeline, articles_of(corpus))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=120)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as cache_dir:
        cold = gazetteer_load(cache_dir)
        warm = min(gazetteer_load(cache_dir) for _ in range(2))
        size = sum(f.stat().st_size for f in Path(cache_dir).rglob("*") if f.is_file())
    print(f"gazetteer: {cold[3]:,} places, {cold[4]:,} names, {size / 1e6:.0f} MB on disk")
    print(f"gazetteer load in a fresh process: cold {cold[0]:.2f} s wall / {cold[1]:.2f} s CPU (build, write cache, "
          f"peak {cold[2]} MB); warm {warm[0]:.2f} s wall / {warm[1]:.2f} s CPU (memory-map the cache, peak "
          f"{warm[2]} MB)")

    corpus = texts(args.articles)
    pipeline = Pipeline(PipelineConfig())
    account(pipeline, corpus[:5])  # warm-up: every stage loads its tables
    runs = [account(pipeline, corpus) for _ in range(args.repeat)]
    best = {name: min(run[name] for run in runs) for name in runs[0]}
    chars = sum(len(t) for t in corpus)
    print(f"{len(corpus)} articles, {chars} characters; CPU seconds, best of {args.repeat}:")
    for name, value in best.items():
        print(f"  {name:16s} {value:7.3f}")
    places = sum(best.get(name, 0.0) for name in PLACE_STAGES)
    rest = sum(value for name, value in best.items() if name not in PLACE_STAGES)
    print(f"places overhead: {places / rest:+.1%} of the pipeline without them")


if __name__ == "__main__":
    main()
