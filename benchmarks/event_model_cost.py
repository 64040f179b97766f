"""What the trained event-type model costs per article, in CPU time of this process.

The articles of ``throughput.py`` (about 625 words each, paragraphs of the sample corpus) are parsed
once; every stage before the events runs once; then the events stage codes them with the rules and
the model and with the rules alone, best of ``--repeat`` runs each, and the time spent inside the
model's combination (features, scoring, decisions) is added up. Times are ``time.process_time``
(CPU of this process), which the load of a shared machine moves far less than wall time.

    .venv/bin/python benchmarks/event_model_cost.py [--articles 40] [--repeat 3]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from throughput import build_corpus

from eventwire.events import EventStage
from eventwire.events.combine import Combiner
from eventwire.model import Article
from eventwire.nlp import parse_many
from eventwire.pipeline import Pipeline, PipelineConfig


class _Timed:
    """The combiner, adding up the CPU time spent in it."""

    def __init__(self, combiner: Combiner) -> None:
        self.combiner = combiner
        self.seconds = 0.0

    def __call__(self, *args: Any) -> Any:
        start = time.process_time()
        try:
            return self.combiner(*args)
        finally:
            self.seconds += time.process_time() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=40)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    pipeline = Pipeline(PipelineConfig())
    [stage] = [s for s in pipeline.stages if s.name == "events"]
    assert isinstance(stage, EventStage) and isinstance(stage.combine, Combiner)
    articles = build_corpus(args.articles)
    start = time.process_time()
    docs = parse_many(pipeline.nlp, [a.text for a in articles], batch_size=pipeline.config.batch_size)
    parse = (time.process_time() - start) / len(articles)
    for article, doc in zip(articles, docs, strict=True):
        for other in pipeline.stages:
            if other.name in ("events", "event_locations"):
                break
            other(article, doc)
    timed = _Timed(stage.combine)

    def run(combine: Any) -> float:
        stage.combine = combine
        best = float("inf")
        for _ in range(args.repeat):
            copies = [Article.from_dict(a.to_dict()) for a in articles]
            start = time.process_time()
            for article, doc in zip(copies, docs, strict=True):
                stage(article, doc)
            best = min(best, time.process_time() - start)
        return best / len(articles)

    run(timed)  # warm the caches (lexicon, knowledge bases, the model's arrays)
    timed.seconds = 0.0
    with_model = run(timed)
    inside = timed.seconds / args.repeat / len(articles)
    rules = run(None)
    print(f"{len(articles)} articles of about 625 words; CPU ms per article (best of {args.repeat}):")
    print(f"  parse {1000 * parse:.1f}; events stage with the model {1000 * with_model:.2f}, "
          f"rules alone {1000 * rules:.2f}")
    print(f"  inside the model's combination {1000 * inside:.2f} ({100 * inside / parse:.1f} % of the parse)")


if __name__ == "__main__":
    main()
