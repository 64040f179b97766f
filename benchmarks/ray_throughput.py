"""Ray engine throughput on a local Ray with ``--num-cpus`` CPUs, against the local engine.

Generates N and 2N articles of ``--words`` words (as several JSONL files, so reads run in
parallel), runs ``eventwire run`` on each, and reports wall time and the marginal rate
N / (t(2N) - t(N)), which leaves out starting the actor pool and loading its pipelines.

    .venv/bin/python benchmarks/ray_throughput.py [--articles 60] [--words 600] [--num-cpus 2] [--local]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from synthetic_news import write_jsonl

from eventwire.engines.dataset import run_dataset_local
from eventwire.pipeline import PipelineConfig


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=60)
    parser.add_argument("--words", type=int, default=600)
    parser.add_argument("--num-cpus", type=int, default=2)
    parser.add_argument("--chunk-size", type=int, default=16)
    parser.add_argument("--local", action="store_true", help="Also time `run --engine local` the same way.")
    args = parser.parse_args()

    import ray

    from eventwire.engines.ray_engine import run_ray

    started = time.perf_counter()
    ray.init(num_cpus=args.num_cpus, include_dashboard=False, log_to_driver=False)
    print(f"ray.init: {time.perf_counter() - started:.1f}s")
    engines = {"ray": lambda corpus, out: run_ray([str(corpus)], str(out), PipelineConfig(),
                                                  chunk_size=args.chunk_size)}
    if args.local:
        engines["local"] = lambda corpus, out: run_dataset_local([str(corpus)], str(out), PipelineConfig(),
                                                                 processes=args.num_cpus, chunk_size=args.chunk_size)
    try:
        with tempfile.TemporaryDirectory(prefix="eventwire-ray-bench-") as tmp:
            corpora = {}
            for size, seed in ((args.articles, 11), (2 * args.articles, 12)):
                corpora[size] = Path(tmp) / f"corpus-{size}"
                write_jsonl(corpora[size], size, args.words, files=2 * args.num_cpus, seed=seed)
            for name, run in engines.items():
                times = {}
                for size, corpus in corpora.items():
                    summary = run(corpus, Path(tmp) / f"{name}-{size}")
                    times[size] = summary.seconds
                    print(f"{name}: {summary.articles} articles in {summary.seconds:.1f}s "
                          f"({summary.articles / summary.seconds:.2f} articles/s overall)", flush=True)
                rate = args.articles / max(times[2 * args.articles] - times[args.articles], 1e-9)
                print(f"{name}: marginal {rate:.2f} articles/s on {args.num_cpus} CPUs ({args.words}-word articles)")
    finally:
        ray.shutdown()


if __name__ == "__main__":
    main()
