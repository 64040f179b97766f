"""Choose the combination thresholds of events/combine.py on tuning data the model has not seen.

Four development models are trained, each without one quarter ("fold") of the tuning part
(``train_events.py --exclude-fold K``); every tuning record (PLOVER dev records and the training
corpus) is then coded with the model that did not see it (cross-validation), with the rules alone
and with each threshold varied one at a time around the current values (coordinate search). The
checking parts are never used here. Prints the figures; the chosen values are copied by hand into
``Thresholds`` in events/combine.py.

    python training/choose_thresholds.py [--rounds 2]
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import asdict, replace
from pathlib import Path
from typing import Any

from train_events import PLOVER_DEV, fold_of, read_corpus
from train_events import main as train_main

from eventwire.eval.plover import read_gold, score
from eventwire.eval.split import part_of
from eventwire.events import EventStage
from eventwire.events.classifier import EventTypeModel
from eventwire.events.combine import THRESHOLDS, Combiner, Thresholds
from eventwire.model import Article
from eventwire.pipeline import Pipeline, PipelineConfig

GRID: dict[str, tuple[float, ...]] = {
    "drop_none": (0.8, 0.9, 0.95, 0.99, 1.01),
    "doubt_none": (0.5, 0.6, 0.75, 0.9, 1.01),
    "retype": (0.5, 0.6, 0.75, 0.9, 1.01),
    "retype_below": (0.02, 0.05, 0.1, 0.2),
    "rerank": (0.0, 0.15, 0.3, 0.5, 0.7),
    "add_sentence": (0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.01),
    "add_token": (0.2, 0.3, 0.45, 0.6, 0.75),
}


def tuning_records() -> dict[str, list[dict[str, Any]]]:
    corpus, _ = read_corpus()
    sets = {"corpus": [{"id": e.id, "text": e.text, "event": e.types[0] if e.types else "(none)",
                        "also": e.types[1:], "source": [], "target": []}
                       for e in corpus if part_of(e.id) == "tuning"]}
    if PLOVER_DEV.exists():
        sets["plover"] = [r for r in read_gold(PLOVER_DEV) if part_of(str(r["id"])) == "tuning"]
    return sets


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--models", type=Path, default=Path("/tmp/eventwire-dev-models"),
                        help="directory of the development models (trained when missing)")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--parse-cache", type=Path, default=None, help="passed to train_events.py")
    args = parser.parse_args(argv)
    models = []
    for fold in range(4):
        path = args.models / f"without-fold-{fold}.npz"
        if not path.exists():
            train_main(["--exclude-fold", str(fold), "--output", str(path),
                        *(["--parse-cache", str(args.parse_cache)] if args.parse_cache else [])])
        models.append(EventTypeModel.load(path))
    pipe = Pipeline(PipelineConfig(event_model=False))
    prepared: dict[str, list[tuple[dict[str, Any], Article, Any]]] = {}
    for name, records in tuning_records().items():
        articles = [Article(id=str(r["id"]), text=str(r["text"]),
                            published=str(r["date"])[:10] if r.get("date") else None) for r in records]
        docs = list(pipe.nlp.pipe([a.text for a in articles], batch_size=64))
        for article, doc in zip(articles, docs, strict=True):
            for stage in pipe.stages:
                if stage.name not in ("events", "event_locations"):
                    stage(article, doc)
        prepared[name] = list(zip(records, articles, docs, strict=True))
        print(f"{name}: {len(records)} tuning records", file=sys.stderr)
    stage = EventStage.from_config(PipelineConfig(event_model=False))

    def evaluate(thresholds: Thresholds | None) -> dict[str, float]:
        combiners = [None if thresholds is None else Combiner(stage.coder, m, thresholds) for m in models]
        result = {}
        for name, items in prepared.items():
            for record, article, doc in items:
                stage.combine = combiners[fold_of(str(record["id"]))]
                article.events = []
                stage(article, doc)
            report = score([r for r, _, _ in items], [a for _, a, _ in items])
            result[name] = report["top_type_accuracy"] or 0.0
            if report["non_event_conflict_share"] is not None:
                result[name + "_nonevent_conflict"] = report["non_event_conflict_share"]
        result["objective"] = round(sum(result[n] for n in prepared) / len(prepared), 4)
        return result

    print("rules alone:", evaluate(None), flush=True)
    current = THRESHOLDS
    best = evaluate(current)
    print("current:", asdict(current), best, flush=True)
    for _round in range(args.rounds):
        for name, values in GRID.items():
            for value in values:
                trial = replace(current, **{name: value})
                if trial == current:
                    continue
                result = evaluate(trial)
                print(f"  {name}={value}: {result}", flush=True)
                if result["objective"] > best["objective"]:
                    current, best = trial, result
        print("after round:", asdict(current), best, flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
