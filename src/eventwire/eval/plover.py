"""Score the event coder on PLOVER gold-standard records (``eventwire eval plover-gsr``).

A gold file is JSON lines, a JSON array, or a JSON object with a ``records``/``data`` list;
each record has ``id``, ``text``, ``event`` (older labels are mapped: DEMAND->REQUEST,
DISAPPROVE->ACCUSE, INVESTIGATE->ACCUSE, FIGHT->ASSAULT), ``source`` and ``target`` (lists of
``{actorText, code, sector}``, or empty), optionally ``mode`` and ``date``. Each record's text
is run through the full pipeline as one article; the event with the highest confidence is
the system's answer for the record (doubtful events, below ``DOUBTFUL`` confidence, are left out
as the default views leave them out; they still count in events per sentence).

Reported: top-type accuracy, macro-F1 over types, source and target country-code accuracy
(a record counts when a coded party has one of the gold codes), sector accuracy (over gold
parties with a sector, compared on the three-letter root), mode accuracy (over records with a
gold mode), events per sentence (every coded event counts: over-coding is an error too), and
the confusion table of gold type against the top event's type.

Every figure is given for the tuning part, the checking part and all records
(:func:`eventwire.eval.split.part_of` of the record id). The per-record error list is kept for
tuning records only: checking records are scored in aggregate and never listed one by one.

The events training corpus (``training/events/*.jsonl``: ``{id, text, events: [{type, ...}]}``,
``events: []`` for a non-event) is read too: a record's gold type is its first event's type (any
of its events' types counts as right) and a non-event's is ``(none)``. For non-events the report
adds the share given a conflict event (ASSAULT, COERCE, PROTEST).
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from eventwire.errors import GoldFormatError
from eventwire.eval.split import PARTS, part_of
from eventwire.events.candidate import DOUBTFUL
from eventwire.model import LEGACY_PLOVER_TYPES, PLOVER_TYPES, Article, Event, Party

NONE = "(none)"
CONFLICT_TYPES = frozenset({"ASSAULT", "COERCE", "PROTEST"})
PART_CHOICES = ("all", *PARTS)


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
        if isinstance(record, dict) and "event" not in record and isinstance(record.get("events"), list):
            record = corpus_record(record)
        if not isinstance(record, dict) or "text" not in record or "event" not in record:
            raise GoldFormatError(f"{path}: record {index} needs 'text' and 'event' (or 'events') fields")
        result.append(record)
    if not result:
        raise GoldFormatError(f"{path}: no gold records found")
    return result


def read_gold_files(paths: list[Path]) -> list[dict[str, Any]]:
    """Gold records of several files (a directory stands for its ``*.jsonl`` files, sorted)."""
    records: list[dict[str, Any]] = []
    for path in paths:
        files = sorted(path.glob("*.jsonl")) if path.is_dir() else [path]
        if not files:
            raise GoldFormatError(f"{path}: no *.jsonl gold files in this directory")
        for file in files:
            records.extend(read_gold(file))
    return records


def corpus_record(record: dict[str, Any]) -> dict[str, Any]:
    """A training-corpus line as a gold record: the first event's type, or (none) for a non-event."""
    events = [e for e in record["events"] if isinstance(e, dict) and e.get("type")]
    types = [str(e["type"]).upper() for e in events]
    modes = [e.get("mode") for e in events]
    return {"id": record.get("id"), "text": record.get("text"), "event": types[0] if types else NONE,
            "also": types[1:], "mode": modes[0] if modes else None, "source": [], "target": []}


def gold_type(label: str) -> tuple[str, str | None]:
    if label == NONE:
        return NONE, None
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


def shown(event: Event) -> bool:
    """Whether an event is confident enough for the default views and exports (doubtful ones are not)."""
    return event.confidence >= DOUBTFUL


def top_event(events: list[Event]) -> Event | None:
    """The record's answer: the most confident event a user is shown, the earliest on ties."""
    best: Event | None = None
    for event in events:
        if not shown(event):
            continue
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
    """The report for gold records and the articles the pipeline made of their texts (same order).

    ``errors`` lists the wrong records of the tuning part only (see the module docstring).
    """
    n = len(records)
    correct_type = 0
    src_hit = src_total = tgt_hit = tgt_total = sec_hit = sec_total = mode_hit = mode_total = 0
    n_events = non_events = non_event_conflict = 0
    confusion: Counter[tuple[str, str]] = Counter()
    errors: list[dict[str, Any]] = []
    for record, article in zip(records, articles, strict=True):
        expected, legacy_mode = gold_type(str(record["event"]))
        n_events += len(article.events)
        top = top_event(article.events)
        predicted = top.event if top else NONE
        if predicted != expected and predicted in {gold_type(str(t))[0] for t in record.get("also") or ()}:
            expected = predicted  # a sentence with several gold events: any of them is a right top event
        confusion[(expected, predicted)] += 1
        if predicted == expected:
            correct_type += 1
        if expected == NONE:
            non_events += 1
            non_event_conflict += any(e.event in CONFLICT_TYPES and shown(e) for e in article.events)
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
        if predicted != expected and part_of(str(record.get("id"))) == "tuning":
            errors.append({"id": record.get("id"), "gold": expected, "predicted": predicted,
                           "trigger": top.trigger.text if top else None})
    types = [t for t in (*PLOVER_TYPES, NONE) if any(g == t for g, _ in confusion)]
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
        "macro_f1": _macro(per_type),
        "source_country_accuracy": ratio(src_hit, src_total),
        "target_country_accuracy": ratio(tgt_hit, tgt_total),
        "sector_accuracy": ratio(sec_hit, sec_total),
        "mode_accuracy": ratio(mode_hit, mode_total),
        "events_per_sentence": ratio(n_events, n),
        "non_event_conflict_share": ratio(non_event_conflict, non_events),
        "counts": {"source": src_total, "target": tgt_total, "sector": sec_total, "mode": mode_total,
                   "events": n_events, "non_events": non_events},
        "per_type": per_type,
        "confusion": {"labels": labels,
                      "rows": {g: {p: confusion[(g, p)] for p in labels if confusion[(g, p)]} for g in types}},
        "errors": errors,
    }


def _macro(per_type: dict[str, dict[str, float]]) -> float | None:
    """Macro-F1 over the PLOVER types present (the non-event class is not an event type)."""
    values = [v["f1"] for t, v in per_type.items() if t != NONE]
    return round(sum(values) / len(values), 3) if values else None


def select(records: list[dict[str, Any]], part: str = "all") -> list[dict[str, Any]]:
    """The records of one part (``tuning``/``checking``), or all of them."""
    if part not in PART_CHOICES:
        raise GoldFormatError(f"unknown part {part!r}: choose one of {', '.join(PART_CHOICES)}")
    return records if part == "all" else [r for r in records if part_of(str(r.get("id"))) == part]


def score_parts(records: list[dict[str, Any]], articles: list[Article]) -> dict[str, Any]:
    """The report over all records, with ``parts``: the same figures for the tuning and checking parts."""
    report = score(records, articles)
    report["parts"] = {}
    for part in PARTS:
        chosen = [(r, a) for r, a in zip(records, articles, strict=True) if part_of(str(r.get("id"))) == part]
        if chosen:
            sub = score([r for r, _ in chosen], [a for _, a in chosen])
            sub.pop("errors")
            report["parts"][part] = sub
    return report


def evaluate(path: Path | list[Path], pipeline: Any = None, part: str = "all",
             transforms: Sequence[str] = ()) -> dict[str, Any]:
    """Run the pipeline over a gold file (or files, or directories of them) and score each part; with
    ``transforms`` (names in :mod:`eventwire.eval.transforms`) also score the texts put through each."""
    from eventwire.pipeline import Pipeline

    paths = path if isinstance(path, list) else [path]
    records = select(read_gold_files(paths), part)
    if not records:
        raise GoldFormatError(f"no gold records in the {part} part of {', '.join(map(str, paths))}")
    pipe = pipeline or Pipeline()
    annotated = list(pipe.pipe(_articles(records, [str(r["text"]) for r in records])))
    report = score_parts(records, annotated)
    if transforms:
        report["robustness"] = robustness(records, annotated, pipe, transforms)
    report["file"] = ", ".join(map(str, paths))
    report["part"] = part
    return report


def _articles(records: list[dict[str, Any]], texts: list[str]) -> list[Article]:
    """Articles as ``nlp(text)`` makes them (mojibake repaired, as ingest repairs it)."""
    from eventwire.pipeline import as_article

    return [as_article(text, id=str(r.get("id") or i), published=str(r["date"])[:10] if r.get("date") else None)
            for i, (r, text) in enumerate(zip(records, texts, strict=True), 1)]


ROBUSTNESS_FIGURES = ("top_type_accuracy", "source_country_accuracy", "target_country_accuracy")


def robustness(records: list[dict[str, Any]], clean: list[Article], pipeline: Any,
               names: Sequence[str]) -> dict[str, Any]:
    """Per transform and part: the gold figures on the transformed texts, their drop from the clean texts'
    figures, and the share of records whose top event keeps the clean text's type, source codes and target
    codes (over records whose clean top event has codes on that side). The last needs no gold parties, so it
    measures the corpus's source and target countries too."""
    from eventwire.eval.transforms import apply

    base = score_parts(records, clean)
    result: dict[str, Any] = {}
    for name in names:
        texts = [apply(name, str(r["text"])) for r in records]
        # A text the transform leaves alone keeps its clean annotation (the pipeline is deterministic).
        changed = [i for i, (t, r) in enumerate(zip(texts, records, strict=True)) if t != str(r["text"])]
        articles = list(clean)
        redone = pipeline.pipe(_articles([records[i] for i in changed], [texts[i] for i in changed]))
        for index, article in zip(changed, redone, strict=True):
            articles[index] = article
        scored = score_parts(records, articles)
        same = [_same_top(top_event(a.events), top_event(b.events)) for a, b in zip(clean, articles, strict=True)]
        parts: dict[str, Any] = {}
        for part in (*PARTS, "all"):
            chosen = [s for r, s in zip(records, same, strict=True)
                      if part == "all" or part_of(str(r.get("id"))) == part]
            if not chosen:
                continue
            before, after = (base, scored) if part == "all" else (base["parts"][part], scored["parts"][part])
            figures: dict[str, Any] = {"records": len(chosen)}
            for key in ROBUSTNESS_FIGURES:
                figures[key] = after[key]
                figures[f"{key}_drop"] = (round(before[key] - after[key], 3)
                                          if before[key] is not None and after[key] is not None else None)
            for index, side in enumerate(("type", "source", "target")):
                kept = [s[index] for s in chosen if s[index] is not None]
                figures[f"same_{side}"] = round(sum(kept) / len(kept), 3) if kept else None
            parts[part] = figures
        result[name] = {"changed": len(changed), "parts": parts}
    return result


def _same_top(clean: Event | None, other: Event | None) -> tuple[bool, bool | None, bool | None]:
    """Whether ``other`` has ``clean``'s type, source codes and target codes (None: ``clean`` has none there)."""
    same_type = (clean.event if clean else NONE) == (other.event if other else NONE)
    sides: list[bool | None] = []
    for side in ("actor", "recipient"):
        codes = _party_codes(clean, side)
        sides.append(codes == _party_codes(other, side) if codes else None)
    return same_type, sides[0], sides[1]


def _party_codes(event: Event | None, side: str) -> set[str]:
    return {_root(p.code) for p in getattr(event, side) if p.code} if event else set()


def render(report: dict[str, Any]) -> str:
    """The report as plain-text tables."""
    def fmt(value: float | None) -> str:
        return "n/a" if value is None else f"{value:.3f}"

    columns = [(name, rep) for name, rep in (*report.get("parts", {}).items(), ("all", report))]
    header = "".join(f"{name:>10}" for name, _ in columns)
    lines = [f"PLOVER gold records: {report['records']}  ({report.get('file', '')}; part: {report.get('part', 'all')})",
             f"  {'':<30}{header}",
             f"  {'records':<30}" + "".join(f"{rep['records']:>10}" for _, rep in columns)]
    figures = [("top-type accuracy", "top_type_accuracy", None), ("macro-F1 over types", "macro_f1", None),
               ("source country accuracy", "source_country_accuracy", "source"),
               ("target country accuracy", "target_country_accuracy", "target"),
               ("sector accuracy", "sector_accuracy", "sector"), ("mode accuracy", "mode_accuracy", "mode"),
               ("events per sentence", "events_per_sentence", None),
               ("non-events given a conflict event", "non_event_conflict_share", "non_events")]
    for label, key, count in figures:
        if count == "non_events" and not report["counts"]["non_events"]:
            continue
        cells = "".join(f"{fmt(rep[key]):>10}" for _, rep in columns)
        lines.append(f"  {label:<30}{cells}" + (f"  (n={report['counts'][count]} in all)" if count else ""))
    lines += ["", f"  per type over {report.get('part', 'all')} records",
              f"  {'type':<10} {'P':>6} {'R':>6} {'F1':>6} {'n':>4}"]
    for plover, values in report["per_type"].items():
        lines.append(f"  {plover:<10} {values['precision']:>6.3f} {values['recall']:>6.3f} {values['f1']:>6.3f} "
                     f"{values['support']:>4}")
    labels = report["confusion"]["labels"]
    short = [label[:4] for label in labels]
    lines += ["", "  confusion (rows gold, columns top event)", "  " + " " * 10 + " ".join(f"{s:>4}" for s in short)]
    for gold, row in report["confusion"]["rows"].items():
        lines.append(f"  {gold:<10}" + " ".join(f"{row.get(p, 0) or '.':>4}" for p in labels))
    if report.get("robustness"):
        lines += ["", *render_robustness(report["robustness"])]
    return "\n".join(lines)


def render_robustness(robustness: dict[str, Any]) -> list[str]:
    """The transforms' table: each figure on the transformed texts with its drop from the clean texts, and
    the share of top events that keep the clean text's type, source and target codes."""
    def cell(figures: dict[str, Any], key: str) -> str:
        value, drop = figures[key], figures[f"{key}_drop"]
        return "n/a" if value is None else f"{value:.3f} ({0.0 - drop:+.3f})"

    def share(value: float | None) -> str:
        return "n/a" if value is None else f"{value:.3f}"

    lines = ["  robustness: figures on transformed texts (change from the clean texts); same top event as clean",
             f"  {'transform':<16}{'changed':>8}  {'part':<9}{'top type':>17}{'source':>17}{'target':>17}"
             f"{'same type':>10}{'same src':>9}{'same tgt':>9}"]
    for name, entry in robustness.items():
        for part, figures in entry["parts"].items():
            lines.append(f"  {name:<16}{entry['changed']:>8}  {part:<9}"
                         + "".join(f"{cell(figures, key):>17}" for key in ROBUSTNESS_FIGURES)
                         + "".join(f"{share(figures[f'same_{side}']):>{w}}"
                                   for side, w in (("type", 10), ("source", 9), ("target", 9))))
    return lines
