"""Train the event-type model shipped in src/eventwire/events/model/ (``make train``).

Reads the project's own labelled corpus (training/events/*.jsonl, see training/README.md) and the
PLOVER dev gold records of ../shared/eval/plover_gsr_dev.jsonl when present. Every record is put in
the tuning or the checking part by ``eventwire.eval.split.part_of(id)``; the model is fitted on the
tuning parts only and scored on the checking parts, so the figures this prints are held-out ones.
The split (ids only) is written to training/splits/, the aggregate figures to training/report.json.

Deterministic: the same data, spaCy model and library versions give a byte-identical model file.
CPU only; about a minute on one core. Needs the optional dependency: pip install -e ".[train]".
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from eventwire.eval.plover import gold_type
from eventwire.eval.split import part_of, split_ids
from eventwire.events.classifier import (
    LABELS,
    MODEL_FILE,
    NONE,
    LinearModel,
    Row,
    fit_linear,
    model_bytes,
    training_rows,
)
from eventwire.nlp import load_nlp, model_name

ROOT = Path(__file__).resolve().parent
CORPUS = ROOT / "events"
SPLITS = ROOT / "splits"
PLOVER_DEV = ROOT.parent.parent / "shared" / "eval" / "plover_gsr_dev.jsonl"
# Inverse regularisation strengths, chosen once by 4-fold cross-validation on the tuning part
# (python training/train_events.py --select-c); fixed here so `make train` is quick and repeatable.
SENTENCE_C = 8.0
TOKEN_C = 4.0
_EVT = re.compile(r"\(EVT: ([^)]*)\)")


@dataclass
class Example:
    id: str
    text: str
    types: list[str]  # gold PLOVER types of the sentence ([] for a non-event)
    triggers: list[tuple[str, str]] = field(default_factory=list)  # (trigger text, type)
    origin: str = "corpus"


def read_corpus(directory: Path = CORPUS) -> tuple[list[Example], Counter[str]]:
    """The corpus lines as examples; malformed lines are counted, not fatal."""
    examples: list[Example] = []
    problems: Counter[str] = Counter()
    for path in sorted(directory.glob("*.jsonl")):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
                text, events = str(record["text"]), record["events"]
                types = [str(e["type"]).upper() for e in events]
            except (json.JSONDecodeError, KeyError, TypeError) as exc:
                problems[f"{path.name}:{number}: {type(exc).__name__}"] += 1
                continue
            if any(t not in LABELS or t == NONE for t in types):
                problems["unknown event type"] += 1
                continue
            triggers = [(str(e.get("trigger") or ""), str(e["type"]).upper()) for e in events]
            examples.append(Example(str(record["id"]), text, types, triggers))
    return examples, problems


def read_plover(path: Path = PLOVER_DEV) -> list[Example]:
    """The PLOVER dev records (both parts: only tuning ones are trained on), triggers from the EVT markup."""
    if not path.exists():
        return []
    examples = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        record = json.loads(line)
        plover, _ = gold_type(str(record["event"]))
        markup = str((record.get("textInfo") or {}).get("markup") or "")
        triggers = [(word.strip(), plover) for word in _EVT.findall(markup) if word.strip()]
        examples.append(Example(str(record["id"]), str(record["text"]), [plover], triggers, origin="plover"))
    return examples


def rows_of(examples: list[Example], docs: list[Any]) -> tuple[list[Row], list[Row]]:
    """Sentence rows and token rows of every example (see classifier.training_rows)."""
    sentence_rows: list[Row] = []
    token_rows: list[Row] = []
    for example, doc in zip(examples, docs, strict=True):
        sentences, tokens = training_rows(example.id, example.text, doc, example.types, example.triggers)
        sentence_rows.extend(sentences)
        token_rows.extend(tokens)
    return sentence_rows, token_rows


def parse(texts: list[str], cache: Path | None) -> list[Any]:
    """The spaCy docs of the texts; with a cache directory, parsed once per set of texts and spaCy model."""
    from spacy.tokens import DocBin

    nlp = load_nlp()
    key = hashlib.sha256("\x00".join([model_name(), *texts]).encode("utf-8")).hexdigest()[:16]
    path = cache / f"docs-{key}.spacy" if cache else None
    if path is not None and path.exists():
        return list(DocBin().from_bytes(path.read_bytes()).get_docs(nlp.vocab))
    docs = list(nlp.pipe(texts, batch_size=64))
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(DocBin(docs=docs).to_bytes())
    return docs


def fit(rows: list[Row], c: float) -> LinearModel:
    return fit_linear([r[0] for r in rows], [r[1] for r in rows], [r[2] for r in rows], c=c)


def accuracy(model: LinearModel, rows: list[Row]) -> float | None:
    """Share of rows whose top label is right (a sentence with several gold types: any of them)."""
    if not rows:
        return None
    gold: dict[str, set[str]] = {}
    features: dict[str, list[str]] = {}
    for row in rows:
        gold.setdefault(row[3] + str(id(row[0])), set()).add(row[1])
        features[row[3] + str(id(row[0]))] = row[0]
    keys = sorted(gold)
    top = model.probabilities([features[k] for k in keys]).argmax(axis=1)
    return round(sum(LABELS[t] in gold[k] for k, t in zip(keys, top, strict=True)) / len(keys), 3)


def non_event_figures(model: LinearModel, rows: list[Row]) -> dict[str, Any]:
    """How the sentence model separates non-events: recall/precision of NONE as the top label."""
    single = {r[3]: r for r in rows}
    ordered = sorted(single)
    if not ordered:
        return {}
    top = model.probabilities([single[k][0] for k in ordered]).argmax(axis=1)
    gold_none = [single[k][1] == NONE for k in ordered]
    said_none = [LABELS[t] == NONE for t in top]
    tp = sum(g and s for g, s in zip(gold_none, said_none, strict=True))
    return {"non_events": sum(gold_none),
            "recall": round(tp / max(1, sum(gold_none)), 3), "precision": round(tp / max(1, sum(said_none)), 3)}


def fold_of(record_id: str, folds: int = 4) -> int:
    return int.from_bytes(hashlib.sha256(b"eventwire-cv:" + record_id.encode()).digest()[:4], "big") % folds


def select_c(rows: list[Row], grid: tuple[float, ...]) -> dict[float, float]:
    """Cross-validated accuracy of each C on the tuning rows (folds by a hash of the record id)."""
    result = {}
    for c in grid:
        scores = []
        for fold in range(4):
            train = [r for r in rows if fold_of(r[3]) != fold]
            held = [r for r in rows if fold_of(r[3]) == fold]
            scores.append(accuracy(fit(train, c), held) or 0.0)
        result[c] = round(float(np.mean(scores)), 4)
        print(f"  C={c}: {result[c]}", file=sys.stderr, flush=True)
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--output", type=Path, default=MODEL_FILE)
    parser.add_argument("--select-c", choices=("sentence", "all"), default=None,
                        help="cross-validate C of the sentence model (or of both models) on the tuning part and stop")
    parser.add_argument("--exclude-fold", type=int, choices=range(4), default=None,
                        help="leave this quarter of the tuning part (fold_of) out of training, to choose the "
                             "combination thresholds on it (training/choose_thresholds.py); writes only --output")
    parser.add_argument("--parse-cache", type=Path, default=None,
                        help="directory to keep parsed docs in between runs (experiments; make train parses afresh)")
    parser.add_argument("--no-lower-copies", action="store_true",
                        help="do not add a lower-cased copy of each tuning sentence")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    corpus, problems = read_corpus()
    plover = read_plover()
    if problems:
        print(f"skipped corpus lines: {dict(problems)}", file=sys.stderr)
    if not corpus:
        print(f"no training corpus in {CORPUS}", file=sys.stderr)
        return 2
    SPLITS.mkdir(exist_ok=True)
    (SPLITS / "events_corpus.json").write_text(json.dumps(
        {"comment": "Ids of training/events/*.jsonl in each part of eventwire.eval.split.part_of; the model is "
                    "trained on the tuning part and scored on the checking part. Written by `make train`.",
         **split_ids([{"id": e.id} for e in corpus])}, indent=1) + "\n", encoding="utf-8")
    if plover:
        (SPLITS / "plover_gsr_dev.json").write_text(json.dumps(
            {"comment": "Record ids of ../shared/eval/plover_gsr_dev.jsonl in each part of eventwire.eval.split."
                        "part_of (salted SHA-256 of the id). Ids only, never gold text. Rewritten by `make train`; "
                        "a test checks it.",
             "source": "../shared/eval/plover_gsr_dev.jsonl", **split_ids([{"id": e.id} for e in plover])},
            indent=1) + "\n", encoding="utf-8")
    examples = corpus + plover
    if not args.no_lower_copies:
        # News arrives all lower-case too (some regional outlets, mangled feeds), and the parse of such text
        # differs: every tuning sentence is also learnt lower-cased (same id, so the same part and fold).
        examples += [Example(e.id, e.text.lower(), e.types, [(t.lower(), k) for t, k in e.triggers],
                             e.origin + "-lower")
                     for e in examples if part_of(e.id) == "tuning" and e.text != e.text.lower()]
    docs = parse([e.text for e in examples], args.parse_cache)
    sentence_rows, token_rows = rows_of(examples, docs)
    origin = {e.id: e.origin for e in examples if not e.origin.endswith("-lower")}

    def part(rows: list, name: str, source: str | None = None) -> list:
        return [r for r in rows if part_of(r[3]) == name and (source is None or origin[r[3]] == source)]

    train_sentences, train_tokens = part(sentence_rows, "tuning"), part(token_rows, "tuning")
    if args.exclude_fold is not None:
        train_sentences = [r for r in train_sentences if fold_of(r[3]) != args.exclude_fold]
        train_tokens = [r for r in train_tokens if fold_of(r[3]) != args.exclude_fold]
        args.output.parent.mkdir(parents=True, exist_ok=True)
        args.output.write_bytes(model_bytes(fit(train_sentences, SENTENCE_C), fit(train_tokens, TOKEN_C),
                                            {"excluded_fold": args.exclude_fold}))
        print(f"wrote {args.output} without tuning fold {args.exclude_fold}", file=sys.stderr)
        return 0
    if args.select_c:
        print("sentence model", file=sys.stderr)
        select_c(train_sentences, (0.5, 1.0, 2.0, 4.0, 8.0, 16.0))
        if args.select_c == "all":  # slow: the token rows are many
            print("token model", file=sys.stderr)
            select_c(train_tokens, (1.0, 4.0, 16.0))
        return 0
    sentence_model = fit(train_sentences, SENTENCE_C)
    token_model = fit(train_tokens, TOKEN_C)
    counts = Counter(t for e in corpus if part_of(e.id) == "tuning" for t in (e.types or [NONE]))
    report = {
        "spacy_model": model_name(),
        "trained_on": {"corpus_tuning_sentences": sum(part_of(e.id) == "tuning" for e in corpus),
                       "plover_tuning_records": sum(part_of(e.id) == "tuning" for e in plover),
                       "token_rows": len(train_tokens), "corpus_types": dict(sorted(counts.items()))},
        "sentence_c": SENTENCE_C, "token_c": TOKEN_C,
        "sentence_features": len(sentence_model.vocabulary), "token_features": len(token_model.vocabulary),
        "skipped_lines": sum(problems.values()),
    }
    figures: dict[str, Any] = {}
    for name in ("tuning", "checking"):
        figures[name] = {
            "corpus_sentence_accuracy": accuracy(sentence_model, part(sentence_rows, name, "corpus")),
            "corpus_trigger_token_accuracy": accuracy(
                token_model, [r for r in part(token_rows, name, "corpus") if r[1] != NONE]),
            "corpus_non_events": non_event_figures(sentence_model, part(sentence_rows, name, "corpus")),
            "plover_sentence_accuracy": accuracy(sentence_model, part(sentence_rows, name, "plover")),
        }
    report["figures"] = figures
    payload = model_bytes(sentence_model, token_model, {k: v for k, v in report.items() if k != "figures"})
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_bytes(payload)
    report["model_sha256"] = hashlib.sha256(payload).hexdigest()
    report["model_bytes"] = len(payload)
    (ROOT / "report.json").write_text(json.dumps(report, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    print(json.dumps(report, indent=1, sort_keys=True))
    print(f"wrote {args.output} ({len(payload) / 1e6:.1f} MB) in {time.perf_counter() - started:.0f}s",
          file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
