"""Choose the combination thresholds of events/combine.py on tuning data the model has not seen,
and measure the whole coder (rules + model) honestly.

Four development models are trained, each without one quarter ("fold") of the tuning part
(``train_events.py --folds DIR``); every tuning record (PLOVER dev records, the training corpus and
the news-style files) is then coded with the model that did not see it (cross-validation), with the
rules alone and with each threshold varied one at a time around the current values (coordinate
search, ``--rounds``). The checking parts are never used to choose anything. Prints the figures; the
chosen values are copied by hand into ``Thresholds`` in events/combine.py.

``--report`` (run by ``make train`` after the model is trained, with ``--rounds 0``) writes the
coder's top-type accuracy and non-event figures to training/report.json: on the tuning part the
out-of-fold ones above, on the checking parts the rules with the shipped model, in aggregate only
(no checking record is printed or listed).

    python training/choose_thresholds.py [--rounds 2] [--report]
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from dataclasses import asdict, replace
from pathlib import Path
from typing import Any

from train_events import CORPUS, FOLDS, NEWS_PREFIX, PLOVER_DEV, ROOT, fold_of
from train_events import main as train_main

from eventwire.eval.plover import read_gold, score
from eventwire.eval.split import part_of
from eventwire.events import EventStage
from eventwire.events.classifier import MODEL_FILE, EventTypeModel
from eventwire.events.combine import THRESHOLDS, Combiner, Thresholds
from eventwire.model import Article
from eventwire.nlp import parse_many
from eventwire.pipeline import Pipeline, PipelineConfig, Stage

REPORT = ROOT / "report.json"
GRID: dict[str, tuple[float, ...]] = {
    "drop_none": (0.8, 0.9, 0.95, 0.99, 1.01),
    "doubt_none": (0.5, 0.6, 0.75, 0.9, 1.01),
    "retype": (0.5, 0.6, 0.75, 0.9, 1.01),
    "retype_below": (0.02, 0.05, 0.1, 0.2),
    "rerank": (0.0, 0.15, 0.3, 0.5, 0.7),
    "add_sentence": (0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.01),
    "add_token": (0.2, 0.3, 0.45, 0.6, 0.75),
}


def records_of(part: str, news: bool = True) -> dict[str, list[dict[str, Any]]]:
    """The gold records of one part, by set (corpus, news, plover), read as ``eventwire eval plover-gsr`` reads
    them (the text as written: the figures match that command's)."""
    sets: dict[str, list[dict[str, Any]]] = {}
    for path in sorted(CORPUS.glob("*.jsonl")):
        origin = "news" if path.name.startswith(NEWS_PREFIX) else "corpus"
        if news or origin != "news":
            sets.setdefault(origin, []).extend(r for r in read_gold(path) if part_of(str(r["id"])) == part)
    if PLOVER_DEV.exists():
        sets["plover"] = [r for r in read_gold(PLOVER_DEV) if part_of(str(r["id"])) == part]
    return sets


Prepared = dict[str, list[tuple[dict[str, Any], Article, Any]]]


def prepare(pipe: Pipeline, part: str, news: bool = True) -> Prepared:
    """The records of a part parsed as the pipeline parses them, with the stages before the events run."""
    before = pipe.stages[:pipe.stage_names.index("events")]
    prepared: Prepared = {}
    for name, records in records_of(part, news).items():
        articles = [Article(id=str(r["id"]), text=str(r["text"]),
                            published=str(r["date"])[:10] if r.get("date") else None) for r in records]
        docs = parse_many(pipe.nlp, [a.text for a in articles], batch_size=64)
        for article, doc in zip(articles, docs, strict=True):
            for stage in before:
                stage(article, doc)
        prepared[name] = list(zip(records, articles, docs, strict=True))
        print(f"{name}: {len(records)} {part} records", file=sys.stderr)
    return prepared


def evaluate(stage: EventStage, prepared: Prepared, combiner_of: Callable[[str], Combiner | None],
             after: list[Stage]) -> dict[str, Any]:
    """Aggregate figures of each set coded with the combiner chosen for each record id (None: rules alone); the
    stages after the events run too (magnitudes can make an event doubtful), as in ``eventwire eval``."""
    result: dict[str, Any] = {}
    for name, items in prepared.items():
        for record, article, doc in items:
            stage.combine = combiner_of(str(record["id"]))
            article.events = []
            stage(article, doc)
            for later in after:
                later(article, doc)
        report = score([r for r, _, _ in items], [a for _, a, _ in items])
        result[name] = report["top_type_accuracy"] or 0.0
        result[name + "_macro_f1"] = report["macro_f1"]
        if report["non_event_conflict_share"] is not None:
            result[name + "_nonevent_conflict"] = report["non_event_conflict_share"]
    result["objective"] = round(sum(result[n] for n in prepared) / len(prepared), 4)
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--models", type=Path, default=Path("/tmp/eventwire-dev-models"),
                        help="directory of the development models (train_events.py --folds; trained when missing)")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--only", default=",".join(GRID),
                        help="comma-separated thresholds to vary (default all; a shorter search for a retrained model)")
    parser.add_argument("--report", type=Path, nargs="?", const=REPORT, default=None,
                        help=f"write the coder's figures (both parts) into this report (default {REPORT})")
    parser.add_argument("--parse-cache", type=Path, default=None, help="passed to train_events.py")
    parser.add_argument("--without-news", action="store_true", help="passed to train_events.py; no news records")
    args = parser.parse_args(argv)
    if not all((args.models / f"without-fold-{fold}.npz").exists() for fold in range(FOLDS)):
        train_main(["--cross-validate-only", "--folds", str(args.models),
                    *(["--parse-cache", str(args.parse_cache)] if args.parse_cache else []),
                    *(["--without-news"] if args.without_news else [])])
    models = [EventTypeModel.load(args.models / f"without-fold-{fold}.npz") for fold in range(FOLDS)]
    pipe = Pipeline(PipelineConfig(event_model=False))
    prepared = prepare(pipe, "tuning", not args.without_news)
    stage = EventStage.from_config(PipelineConfig(event_model=False))
    after = pipe.stages[pipe.stage_names.index("events") + 1:]

    def cross_validated(thresholds: Thresholds | None) -> dict[str, Any]:
        combiners = [None if thresholds is None else Combiner(stage.coder, m, thresholds) for m in models]
        return evaluate(stage, prepared, lambda record_id: combiners[fold_of(record_id)], after)

    rules = cross_validated(None)
    print("rules alone:", rules, flush=True)
    current = THRESHOLDS
    best = cross_validated(current)
    print("current:", asdict(current), best, flush=True)
    varied = [name for name in args.only.split(",") if name]
    if set(varied) - set(GRID):
        parser.error(f"unknown thresholds {sorted(set(varied) - set(GRID))}: choose among {', '.join(GRID)}")
    for _round in range(args.rounds):
        for name in varied:
            values = GRID[name]
            for value in values:
                trial = replace(current, **{name: value})
                if trial == current:
                    continue
                result = cross_validated(trial)
                print(f"  {name}={value}: {result}", flush=True)
                if result["objective"] > best["objective"]:
                    current, best = trial, result
        print("after round:", asdict(current), best, flush=True)
    if args.report is not None:
        if current != THRESHOLDS:
            print("the search moved the thresholds: copy them into events/combine.py before --report", file=sys.stderr)
            return 1
        checking = prepare(pipe, "checking", not args.without_news)
        shipped = Combiner(stage.coder, EventTypeModel.load(MODEL_FILE), THRESHOLDS)
        held = {"rules": evaluate(stage, checking, lambda _id: None, after),
                "rules_and_model": evaluate(stage, checking, lambda _id: shipped, after)}
        report = json.loads(args.report.read_text(encoding="utf-8")) if args.report.exists() else {}
        report["coder"] = {
            "comment": "Top-type accuracy (a non-event is right when no event is shown) and the share of non-events "
                       "given a conflict event. tuning_cross_validated: each tuning record coded with a model "
                       "fitted without its fold; checking: the shipped model, scored in aggregate only.",
            "thresholds": asdict(THRESHOLDS),
            "tuning_cross_validated": {"rules": rules, "rules_and_model": best},
            "checking": held}
        args.report.write_text(json.dumps(report, indent=1, sort_keys=True) + "\n", encoding="utf-8")
        print("checking part:", held, flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
