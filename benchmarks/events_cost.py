"""What event coding costs the pipeline: the same articles with and without the events stage.

Runs the whole default pipeline (parse + every stage) over the PLOVER dev sentences and the
canonical article, once with the events stage and once without, best of ``--repeat`` runs
each, and prints both times and the relative cost. Kept short: the machine is shared.

    .venv/bin/python benchmarks/events_cost.py [--repeat 3] [--no-event-model]

``--no-event-model`` measures the rule-based coder alone (no trained event-type model).
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

from eventwire.ingest import read_path
from eventwire.model import Article
from eventwire.pipeline import Pipeline, PipelineConfig

SHARED = Path(__file__).resolve().parent.parent.parent / "shared"


def corpus() -> list[Article]:
    articles = [Article(id=f"g{i}", text=json.loads(line)["text"], published="2000-01-01")
                for i, line in enumerate((SHARED / "eval" / "plover_gsr_dev.jsonl").open(encoding="utf-8"))]
    iraq = [a for a in read_path(SHARED / "corpus" / "iraq-us-presence.txt") if isinstance(a, Article)]
    return articles + iraq * 10


class _Timed:
    """A stage wrapper that adds up the time spent in the stage."""

    def __init__(self, stage: object) -> None:
        self.stage = stage
        self.name = stage.name  # type: ignore[attr-defined]
        self.seconds = 0.0

    def __call__(self, article: Article, doc: object) -> None:
        start = time.perf_counter()
        self.stage(article, doc)  # type: ignore[operator]
        self.seconds += time.perf_counter() - start


def timed(pipeline: Pipeline, articles: list[Article]) -> float:
    copies = [Article.from_dict(a.to_dict()) for a in articles]
    start = time.perf_counter()
    for _ in pipeline.pipe(copies):
        pass
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--no-event-model", action="store_true", help="the rule-based coder alone")
    args = parser.parse_args()
    articles = corpus()
    full = Pipeline(PipelineConfig(event_model=not args.no_event_model))
    without = Pipeline(PipelineConfig(disabled=("events",)), nlp=full.nlp)
    assert "events" in full.stage_names and "events" not in without.stage_names
    timed(full, articles[:20])  # warm caches (lexicon, knowledge bases)
    full.stages = [_Timed(stage) if stage.name == "events" else stage for stage in full.stages]
    [probe] = [stage for stage in full.stages if isinstance(stage, _Timed)]
    best_with = best_without = float("inf")
    best_share = float("inf")
    for _ in range(args.repeat):
        best_without = min(best_without, timed(without, articles))
        before = probe.seconds
        total = timed(full, articles)
        inside = probe.seconds - before
        best_with = min(best_with, total)
        best_share = min(best_share, inside / (total - inside))
    chars = sum(len(a.text) for a in articles)
    print(f"{len(articles)} articles, {chars} characters; stages: {', '.join(full.stage_names)}")
    print(f"without events: {best_without:.2f} s   with events: {best_with:.2f} s   "
          f"events cost: {100 * (best_with - best_without) / best_without:+.1f}%")
    per_run = probe.seconds / args.repeat
    print(f"time inside the events stage: {per_run:.2f} s per run; within one run, the stage adds "
          f"{100 * best_share:.1f}% to the rest of the pipeline (best of {args.repeat}; robust to other load)")


if __name__ == "__main__":
    main()
