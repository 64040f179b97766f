"""Scoring event magnitudes against gold snippets.

Gold format: JSON lines ``{id, text, published, magnitudes: {kind: value}}``, one news sentence or
snippet per line; ``magnitudes`` holds the figure of each kind the snippet states for its political event
(a vague plural is its documented lower bound: "dozens" 24, "hundreds" 200; an accident, a disaster or a
number that counts no one gives ``{}``). The system's figure of a kind for a snippet is the largest figure
of that kind over the snippet's events.

Per kind: ``accuracy`` is the share of gold figures the system reports exactly; ``precision`` the share of
reported figures that are right (a figure reported where the gold has none is wrong); ``wrong`` is
``1 - precision``. Scores are given for the tuning and the checking part of the split
(:mod:`eventwire.eval.split`) and for both; only the tuning part's errors are ever listed.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from eventwire.errors import GoldFormatError
from eventwire.eval.split import PARTS, part_of
from eventwire.model import MAGNITUDE_KINDS, Article

# The kinds the targets are set on.
MAIN_KINDS: tuple[str, ...] = ("killed", "injured", "arrested")


def read_gold(path: str | Path) -> list[dict[str, Any]]:
    records = []
    for number, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            raise GoldFormatError(f"{path}:{number}: not JSON: {exc}") from exc
        if not isinstance(record, dict) or not {"id", "text", "magnitudes"} <= set(record):
            raise GoldFormatError(f"{path}:{number}: a record needs id, text and magnitudes")
        wrong = [k for k in record["magnitudes"] if k not in MAGNITUDE_KINDS]
        if wrong:
            raise GoldFormatError(f"{path}:{number}: unknown magnitude kind(s) {', '.join(wrong)}")
        records.append(record)
    return records


def predicted(article: Article) -> dict[str, int]:
    """The figure of each kind the system reports for an article: the largest over its events."""
    result: dict[str, int] = {}
    for event in article.events:
        if event.hypothetical:
            continue
        for magnitude in event.magnitudes:
            result[magnitude.kind] = max(result.get(magnitude.kind, magnitude.value), magnitude.value)
    return result


def _empty() -> dict[str, int]:
    return {"gold": 0, "exact": 0, "reported": 0, "correct": 0}


def _finish(counts: dict[str, int]) -> dict[str, Any]:
    accuracy = counts["exact"] / counts["gold"] if counts["gold"] else None
    precision = counts["correct"] / counts["reported"] if counts["reported"] else None
    return {**counts, "accuracy": accuracy, "precision": precision,
            "wrong": None if precision is None else 1 - precision}


def score(pairs: Iterable[tuple[dict[str, int], dict[str, int]]]) -> dict[str, Any]:
    """Per-kind and overall figures for (gold, predicted) pairs."""
    kinds = {kind: _empty() for kind in MAGNITUDE_KINDS}
    records = 0
    for gold, found in pairs:
        records += 1
        for kind in MAGNITUDE_KINDS:
            row = kinds[kind]
            if kind in gold:
                row["gold"] += 1
                row["exact"] += int(found.get(kind) == gold[kind])
            if kind in found:
                row["reported"] += 1
                row["correct"] += int(gold.get(kind) == found[kind])
    main, every = _empty(), _empty()
    for kind, row in kinds.items():
        for key in every:
            every[key] += row[key]
            if kind in MAIN_KINDS:
                main[key] += row[key]
    return {"records": records, "kinds": {k: _finish(v) for k, v in kinds.items() if v["gold"] or v["reported"]},
            "main": _finish(main), "all": _finish(every)}


def evaluate(path: str | Path, pipeline: Any = None, model: str | None = None) -> dict[str, Any]:
    """Run the pipeline over the gold snippets; figures per part, and the tuning part's errors."""
    if pipeline is None:
        from eventwire.pipeline import Pipeline, PipelineConfig

        pipeline = Pipeline(PipelineConfig(model=model))
    records = read_gold(path)
    articles = [Article(id=str(r["id"]), text=str(r["text"]), published=r.get("published")) for r in records]
    results = list(pipeline.pipe(articles))
    pairs: dict[str, list[tuple[dict[str, int], dict[str, int]]]] = {part: [] for part in PARTS}
    errors = []
    for record, article in zip(records, results, strict=True):
        gold = {k: int(v) for k, v in record["magnitudes"].items()}
        found = predicted(article)
        part = part_of(str(record["id"]))
        pairs[part].append((gold, found))
        if part == "tuning" and gold != found:
            errors.append({"id": record["id"], "text": record["text"], "gold": gold, "predicted": found})
    return {
        "gold": str(path),
        "parts": {part: score(pairs[part]) for part in PARTS},
        "both": score(pairs["tuning"] + pairs["checking"]),
        "tuning_errors": errors,
    }


def render(report: dict[str, Any]) -> str:
    """A plain-text table of the report (no checking-part items)."""

    def cell(value: float | None) -> str:
        return "-" if value is None else f"{value:.3f}"

    lines = []
    for name, part in (*report["parts"].items(), ("both", report["both"])):
        lines.append(f"{name}: {part['records']} snippets")
        lines.append(f"  {'kind':<13} {'gold':>5} {'exact':>6} {'accuracy':>9} {'reported':>9} {'precision':>10}")
        rows = [*part["kinds"].items(), ("main (k/i/a)", part["main"]), ("all", part["all"])]
        for kind, row in rows:
            lines.append(f"  {kind:<13} {row['gold']:>5} {row['exact']:>6} {cell(row['accuracy']):>9} "
                         f"{row['reported']:>9} {cell(row['precision']):>10}")
    return "\n".join(lines)
