"""Where the single-machine pipeline spends its time, and extract's throughput against bare spaCy.

1. Per stage (one process): parse time and each stage's time over the same generated articles.
2. Throughput with ``--processes`` processes: bare ``nlp.pipe(texts, n_process=P)`` with the same
   model and components against eventwire's local engine (parse + every stage), in articles/s.
   Each is timed on N and 2N articles and the rate is the marginal one, N / (t(2N) - t(N)), so
   loading the model in the worker processes does not count against either.

    .venv/bin/python benchmarks/profile_pipeline.py [--articles 60] [--words 600] [--processes 2] [--cprofile]

The machine is shared: run it when nothing else is busy and read the ratio rather than the rates.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from stage_costs import stage_seconds
from synthetic_news import generate

from eventwire.engines.local import run_local
from eventwire.model import Article
from eventwire.nlp import load_nlp
from eventwire.pipeline import Pipeline, PipelineConfig


def articles(count: int, words: int, seed: int = 1) -> list[Article]:
    return [Article(id=r["id"], text=r["text"], published=r["published"], outlet=r["outlet"], url=r["url"])
            for r in generate(count, words, seed)]


def per_stage(pipeline: Pipeline, batch: list[Article]) -> dict[str, float]:
    """Seconds (wall clock) spent parsing and in each stage over ``batch`` (one process)."""
    return stage_seconds(pipeline, batch, clock=time.perf_counter)


def bare_spacy(texts: list[str], processes: int) -> float:
    nlp = load_nlp()
    start = time.perf_counter()
    for _ in nlp.pipe(texts, batch_size=32, n_process=processes):
        pass
    return time.perf_counter() - start


def eventwire_extract(batch: list[Article], processes: int) -> float:
    start = time.perf_counter()
    for _ in run_local(batch, PipelineConfig(), processes):
        pass
    return time.perf_counter() - start


def marginal(run: object, small: list, large: list) -> tuple[float, float, float]:
    """(t_small, t_large, articles/s of the extra articles)."""
    t_small = run(small)  # type: ignore[operator]
    t_large = run(large)  # type: ignore[operator]
    return t_small, t_large, (len(large) - len(small)) / max(t_large - t_small, 1e-9)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=60)
    parser.add_argument("--words", type=int, default=600)
    parser.add_argument("--processes", type=int, default=2)
    parser.add_argument("--cprofile", action="store_true", help="Also print the 25 costliest functions.")
    parser.add_argument("--skip-throughput", action="store_true")
    args = parser.parse_args()

    pipeline = Pipeline(PipelineConfig())
    batch = articles(args.articles, args.words)
    words = sum(len(a.text.split()) for a in batch)
    print(f"{len(batch)} articles, {words / len(batch):.0f} words each; stages: {', '.join(pipeline.stage_names)}")
    profiler = cProfile.Profile() if args.cprofile else None
    if profiler:
        profiler.enable()
    costs = per_stage(pipeline, batch)
    if profiler:
        profiler.disable()
    total = sum(costs.values())
    print(f"\nper stage, 1 process ({total:.1f}s, {len(batch) / total:.1f} articles/s):")
    for name, seconds in costs.items():
        print(f"  {name:<18}{1000 * seconds / len(batch):>9.1f} ms/article{100 * seconds / total:>7.1f}%")
    if profiler:
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(25)
    if args.skip_throughput:
        return

    small, large = articles(args.articles, args.words, 2), articles(2 * args.articles, args.words, 3)
    p = args.processes
    spacy_small, spacy_large, spacy_rate = marginal(lambda b: bare_spacy([a.text for a in b], p), small, large)
    ew_small, ew_large, ew_rate = marginal(lambda b: eventwire_extract(b, p), small, large)
    print(f"\nthroughput, {p} processes ({args.words}-word articles), marginal over {args.articles} extra:")
    print(f"  bare spaCy nlp.pipe   {spacy_rate:6.2f} articles/s  (t={spacy_small:.1f}s/{spacy_large:.1f}s)")
    print(f"  eventwire extract     {ew_rate:6.2f} articles/s  (t={ew_small:.1f}s/{ew_large:.1f}s)")
    print(f"  ratio                 {ew_rate / spacy_rate:6.2f}")


if __name__ == "__main__":
    main()
