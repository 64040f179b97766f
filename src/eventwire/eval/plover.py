"""Score the event coder on PLOVER gold-standard records (``eventwire eval plover-gsr``).

A gold file is JSON lines, a JSON array, or a JSON object with a ``records``/``data`` list;
each record has ``id``, ``text``, ``event`` (older labels are mapped: DEMAND->REQUEST,
DISAPPROVE->ACCUSE, INVESTIGATE->ACCUSE, FIGHT->ASSAULT), ``source`` and ``target`` (lists of
``{actorText, code, sector}``, or empty), optionally ``mode`` and ``date``. Each record's text
is run through the full pipeline as one article; the event with the highest confidence is
the system's answer for the record.

Reported: top-type accuracy, macro-F1 over types, source and target country-code accuracy
(a record counts when a coded party has one of the gold codes), sector accuracy (over gold
parties with a sector, compared on the three-letter root), mode accuracy (over records with a
gold mode), events per sentence (every coded event counts: over-coding is an error too), and
the confusion table of gold type against the top event's type.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

from eventwire.errors import GoldFormatError
from eventwire.model import LEGACY_PLOVER_TYPES, PLOVER_TYPES, Article, Event, Party

NONE = "(none)"


def read_gold(path: Path) -> list[dict[str, Any]]:
    """Gold records from JSON lines or a JSON document; raises GoldFormatError on bad input."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise GoldFormatError(f"cannot read gold file {path}: {exc}") from exc
    stripped = text.lstrip()
    records: list[Any]
    if stripped.startswith("[") or (stripped.startswith("{") and "\n{" not in stripped.strip()):
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise GoldFormatError(f"{path}: not valid JSON: {exc}") from exc
        records = data if isinstance(data, list) else (data.get("records") or data.get("data") or [data])
    else:
        records = []
        for number, line in enumerate(text.splitlines(), 1):
            if not line.strip():
                continue
            try:
                records.append(json.loads(line))
            except json.JSONDecodeError as exc:
                raise GoldFormatError(f"{path}:{number}: not valid JSON: {exc}") from exc
    result = []
    for index, record in enumerate(records, 1):
        if not isinstance(record, dict) or "text" not in record or "event" not in record:
            raise GoldFormatError(f"{path}: record {index} needs 'text' and 'event' fields")
        result.append(record)
    if not result:
        raise GoldFormatError(f"{path}: no gold records found")
    return result


def gold_type(label: str) -> tuple[str, str | None]:
    label = (label or "").strip().upper()
    if label in LEGACY_PLOVER_TYPES:
        return LEGACY_PLOVER_TYPES[label]
    return label, None


def _parties(value: Any) -> list[dict[str, Any]]:
    if isinstance(value, list):
        return [p for p in value if isinstance(p, dict)]
    if isinstance(value, dict):
        return [value]
    return []


def _codes(parties: list[dict[str, Any]]) -> set[str]:
    return {_root(p.get("code")) for p in parties if p.get("code")}


def _root(code: Any) -> str:
    """Codes compare on their first three letters: gold "IGO" matches a coded "IGOUNO" (CAMEO style)."""
    return str(code or "")[:3].upper()


def top_event(events: list[Event]) -> Event | None:
    """The record's answer: the most confident event, the earliest on ties."""
    best: Event | None = None
    for event in events:
        if best is None or event.confidence > best.confidence:
            best = event
    return best


def _sector_hits(gold: list[dict[str, Any]], predicted: list[Party]) -> tuple[int, int]:
    hits = total = 0
    for party in gold:
        sector = str(party.get("sector") or "")[:3].upper()
        if not sector or "*" in sector:
            continue
        total += 1
        code = _root(party.get("code"))
        same_code = [p for p in predicted if _root(p.code) == code] or predicted
        if any((p.sector or "")[:3].upper() == sector for p in same_code):
            hits += 1
    return hits, total


def score(records: list[dict[str, Any]], articles: list[Article]) -> dict[str, Any]:
    """The report for gold records and the articles the pipeline made of their texts (same order)."""
    n = len(records)
    correct_type = 0
    src_hit = src_total = tgt_hit = tgt_total = sec_hit = sec_total = mode_hit = mode_total = 0
    n_events = 0
    confusion: Counter[tuple[str, str]] = Counter()
    errors: list[dict[str, Any]] = []
    for record, article in zip(records, articles, strict=True):
        expected, legacy_mode = gold_type(str(record["event"]))
        n_events += len(article.events)
        top = top_event(article.events)
        predicted = top.event if top else NONE
        confusion[(expected, predicted)] += 1
        if predicted == expected:
            correct_type += 1
        gold_src, gold_tgt = _parties(record.get("source")), _parties(record.get("target"))
        got_src = top.actor if top else []
        got_tgt = top.recipient if top else []
        if _codes(gold_src):
            src_total += 1
            src_hit += bool({_root(p.code) for p in got_src} & _codes(gold_src))
        if _codes(gold_tgt):
            tgt_total += 1
            tgt_hit += bool({_root(p.code) for p in got_tgt} & _codes(gold_tgt))
        for gold_side, got_side in ((gold_src, got_src), (gold_tgt, got_tgt)):
            hits, total = _sector_hits(gold_side, got_side)
            sec_hit += hits
            sec_total += total
        gold_mode = (record.get("mode") or legacy_mode or "").strip()
        if gold_mode:
            mode_total += 1
            mode_hit += bool(top and top.mode == gold_mode)
        if predicted != expected:
            errors.append({"id": record.get("id"), "gold": expected, "predicted": predicted,
                           "trigger": top.trigger.text if top else None})
    types = [t for t in PLOVER_TYPES if any(g == t for g, _ in confusion)]
    per_type: dict[str, dict[str, float]] = {}
    for plover in types:
        tp = confusion[(plover, plover)]
        fp = sum(c for (g, p), c in confusion.items() if p == plover and g != plover)
        fn = sum(c for (g, p), c in confusion.items() if g == plover and p != plover)
        precision = tp / (tp + fp) if tp + fp else 0.0
        recall = tp / (tp + fn) if tp + fn else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        per_type[plover] = {"precision": round(precision, 3), "recall": round(recall, 3), "f1": round(f1, 3),
                            "support": tp + fn}
    labels = [*types, *sorted({p for _, p in confusion if p not in types})]

    def ratio(a: int, b: int) -> float | None:
        return round(a / b, 3) if b else None

    return {
        "records": n,
        "top_type_accuracy": ratio(correct_type, n),
        "macro_f1": round(sum(v["f1"] for v in per_type.values()) / len(per_type), 3) if per_type else None,
        "source_country_accuracy": ratio(src_hit, src_total),
        "target_country_accuracy": ratio(tgt_hit, tgt_total),
        "sector_accuracy": ratio(sec_hit, sec_total),
        "mode_accuracy": ratio(mode_hit, mode_total),
        "events_per_sentence": ratio(n_events, n),
        "counts": {"source": src_total, "target": tgt_total, "sector": sec_total, "mode": mode_total,
                   "events": n_events},
        "per_type": per_type,
        "confusion": {"labels": labels,
                      "rows": {g: {p: confusion[(g, p)] for p in labels if confusion[(g, p)]} for g in types}},
        "errors": errors,
    }


def evaluate(path: Path, pipeline: Any = None) -> dict[str, Any]:
    """Run the pipeline over a gold file and score it."""
    from eventwire.pipeline import Pipeline

    records = read_gold(path)
    pipe = pipeline or Pipeline()
    articles = [Article(id=str(r.get("id") or i), text=str(r["text"]),
                        published=str(r["date"])[:10] if r.get("date") else None)
                for i, r in enumerate(records, 1)]
    annotated = list(pipe.process(articles))
    report = score(records, annotated)
    report["file"] = str(path)
    return report


def render(report: dict[str, Any]) -> str:
    """The report as plain-text tables."""
    def fmt(value: float | None) -> str:
        return "n/a" if value is None else f"{value:.3f}"

    lines = [
        f"PLOVER gold records: {report['records']}  ({report.get('file', '')})",
        f"  top-type accuracy        {fmt(report['top_type_accuracy'])}",
        f"  macro-F1 over types      {fmt(report['macro_f1'])}",
        f"  source country accuracy  {fmt(report['source_country_accuracy'])}  (n={report['counts']['source']})",
        f"  target country accuracy  {fmt(report['target_country_accuracy'])}  (n={report['counts']['target']})",
        f"  sector accuracy          {fmt(report['sector_accuracy'])}  (n={report['counts']['sector']})",
        f"  mode accuracy            {fmt(report['mode_accuracy'])}  (n={report['counts']['mode']})",
        f"  events per sentence      {fmt(report['events_per_sentence'])}",
        "",
        f"  {'type':<10} {'P':>6} {'R':>6} {'F1':>6} {'n':>4}",
    ]
    for plover, values in report["per_type"].items():
        lines.append(f"  {plover:<10} {values['precision']:>6.3f} {values['recall']:>6.3f} {values['f1']:>6.3f} "
                     f"{values['support']:>4}")
    labels = report["confusion"]["labels"]
    short = [label[:4] for label in labels]
    lines += ["", "  confusion (rows gold, columns top event)", "  " + " " * 10 + " ".join(f"{s:>4}" for s in short)]
    for gold, row in report["confusion"]["rows"].items():
        lines.append(f"  {gold:<10}" + " ".join(f"{row.get(p, 0) or '.':>4}" for p in labels))
    return "\n".join(lines)
