"""Train the event-type model shipped in src/eventwire/events/model/ (``make train``).

Reads the project's own labelled corpus (training/events/*.jsonl, see training/README.md) and the
PLOVER dev gold records of ../shared/eval/plover_gsr_dev.jsonl when present. Every record is put in
the tuning or the checking part by ``eventwire.eval.split.part_of(id)``; the model is fitted on the
tuning parts only. Its figures on the tuning part are out-of-fold ones: the tuning part is cut in four
folds by a fixed hash of the id (:func:`fold_of`, independent of ``part_of``) and each fold is scored
by a development model fitted without it (``--folds DIR`` keeps those four models, for
training/choose_thresholds.py). The checking parts are scored in aggregate, never read one by one.
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
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

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
from eventwire.ingest.encoding import repair_text
from eventwire.nlp import load_nlp, model_name, parse_many

ROOT = Path(__file__).resolve().parent
CORPUS = ROOT / "events"
SPLITS = ROOT / "splits"
PLOVER_DEV = ROOT.parent.parent / "shared" / "eval" / "plover_gsr_dev.jsonl"
# Settings chosen by 4-fold cross-validation on the tuning part (train_events.py --cross-validate-only with
# --sentence-c, --token-c, --min-count, --none-weight: halving or doubling C changed nothing beyond noise).
SENTENCE_C = 8.0
TOKEN_C = 4.0
MIN_COUNT = 3  # a feature seen in fewer tuning rows is not learnt (3 against 2: +0.7 points out of fold)
NONE_WEIGHT = 1.0  # weight of a non-event sentence row against an event row
FOLDS = 4
# Files of the news-style sentences, reported apart from the rest of the corpus (training/README.md).
NEWS_PREFIX = "news-"
_EVT = re.compile(r"\(EVT: ([^)]*)\)")


@dataclass
class Example:
    id: str
    text: str
    types: list[str]  # gold PLOVER types of the sentence ([] for a non-event)
    triggers: list[tuple[str, str]] = field(default_factory=list)  # (trigger text, type)
    origin: str = "corpus"


def repaired(text: str) -> str:
    """The text as the pipeline reads it: mojibake repaired as ingest repairs it (the model learns what it sees)."""
    return repair_text(text)[0]


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
            triggers = [(repaired(str(e.get("trigger") or "")), str(e["type"]).upper()) for e in events]
            origin = "news" if path.name.startswith(NEWS_PREFIX) else "corpus"
            examples.append(Example(str(record["id"]), repaired(text), types, triggers, origin))
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
        examples.append(Example(str(record["id"]), repaired(str(record["text"])), [plover],
                                [(repaired(t), k) for t, k in triggers], origin="plover"))
    return examples


def parse(texts: list[str], cache: Path | None) -> list[Any]:
    """The spaCy docs of the texts as the pipeline parses them (a lower-case text from its case-restored
    copy, :func:`eventwire.nlp.parse_many`); with a cache directory, each text is parsed once per spaCy
    model (experiments: adding files parses only the new texts)."""
    from spacy.tokens import DocBin

    nlp = load_nlp()

    def key(text: str) -> str:
        return hashlib.sha256("\x00".join([model_name(), "parse_many", text]).encode("utf-8")).hexdigest()[:24]

    known: dict[str, Any] = {}
    index_path, docs_path = (cache / "docs-index.json", cache / "docs.spacy") if cache else (None, None)
    if index_path is not None and docs_path is not None and index_path.exists() and docs_path.exists():
        keys = json.loads(index_path.read_text(encoding="utf-8"))
        known = dict(zip(keys, DocBin().from_bytes(docs_path.read_bytes()).get_docs(nlp.vocab), strict=True))
    missing = [text for text in dict.fromkeys(texts) if key(text) not in known]
    if missing:
        known.update(zip(map(key, missing), parse_many(nlp, missing, batch_size=64), strict=True))
        if index_path is not None and docs_path is not None:
            cache.mkdir(parents=True, exist_ok=True)  # type: ignore[union-attr]
            docs_path.write_bytes(DocBin(docs=list(known.values())).to_bytes())
            index_path.write_text(json.dumps(list(known)), encoding="utf-8")
    return [known[key(text)] for text in texts]


@dataclass
class Rows:
    """The sentence and token rows of one example."""

    example: Example
    sentences: list[Row]
    tokens: list[Row]


def rows_of(examples: list[Example], docs: list[Any]) -> list[Rows]:
    """Sentence rows and token rows of every example (see classifier.training_rows)."""
    result = []
    for example, doc in zip(examples, docs, strict=True):
        sentences, tokens = training_rows(example.id, example.text, doc, example.types, example.triggers)
        result.append(Rows(example, sentences, tokens))
    return result


@dataclass(frozen=True)
class Settings:
    sentence_c: float = SENTENCE_C
    token_c: float = TOKEN_C
    min_count: int = MIN_COUNT
    none_weight: float = NONE_WEIGHT


def fit(rows: list[Row], c: float, settings: Settings) -> LinearModel:
    weights = [r[2] * (settings.none_weight if r[1] == NONE else 1.0) for r in rows]
    return fit_linear([r[0] for r in rows], [r[1] for r in rows], weights, c=c, min_count=settings.min_count)


def fit_both(items: list[Rows], settings: Settings) -> tuple[LinearModel, LinearModel]:
    sentence_rows = [r for item in items for r in item.sentences]
    token_rows = [r for item in items for r in item.tokens]
    return fit(sentence_rows, settings.sentence_c, settings), fit(token_rows, settings.token_c, settings)


def sentence_top(model: LinearModel, items: list[Rows]) -> list[str]:
    """The sentence model's top label for each example."""
    if not items:
        return []
    return [LABELS[t] for t in model.probabilities([item.sentences[0][0] for item in items]).argmax(axis=1)]


def token_hits(model: LinearModel, items: list[Rows]) -> tuple[int, int]:
    """(right, all) gold trigger tokens whose top label from the token model is their type."""
    rows = [r for item in items for r in item.tokens if r[1] != NONE]
    if not rows:
        return 0, 0
    top = model.probabilities([r[0] for r in rows]).argmax(axis=1)
    return sum(LABELS[t] == r[1] for t, r in zip(top, rows, strict=True)), len(rows)


def figures_of(items: list[Rows], tops: list[str], tokens: tuple[int, int]) -> dict[str, Any]:
    """Aggregate figures of the model alone on some examples: sentence top-label accuracy (any gold type
    of a sentence counts), trigger-token accuracy, and how non-events are told apart."""
    if not items:
        return {}
    right = sum(top in (item.example.types or [NONE]) for item, top in zip(items, tops, strict=True))
    gold_none = [not item.example.types for item in items]
    said_none = [top == NONE for top in tops]
    both = sum(g and s for g, s in zip(gold_none, said_none, strict=True))
    figures = {"sentences": len(items), "sentence_accuracy": round(right / len(items), 3),
               "trigger_token_accuracy": round(tokens[0] / tokens[1], 3) if tokens[1] else None,
               "non_events": sum(gold_none)}
    if any(gold_none):
        figures["non_event_recall"] = round(both / sum(gold_none), 3)
        figures["non_event_precision"] = round(both / max(1, sum(said_none)), 3)
    return figures


def fold_of(record_id: str, folds: int = FOLDS) -> int:
    """The cross-validation fold of a tuning record: a fixed hash of its id, independent of ``part_of``."""
    return int.from_bytes(hashlib.sha256(b"eventwire-cv:" + record_id.encode()).digest()[:4], "big") % folds


def out_of_fold(items: list[Rows], settings: Settings, keep: Path | None = None,
                sets: tuple[str, ...] = ("corpus", "news", "plover")) -> dict[str, Any]:
    """Figures of the model alone on the tuning examples, each scored by a model fitted without its fold;
    with ``keep``, the four development models are written there (``without-fold-K.npz``)."""
    tops: dict[int, str] = {}
    hits: dict[str, list[int]] = {name: [0, 0] for name in sets}
    for fold in range(FOLDS):
        train = [item for item in items if fold_of(item.example.id) != fold]
        held = [item for item in items if fold_of(item.example.id) == fold and item.example.origin in sets]
        sentence, token = fit_both(train, settings)
        if keep is not None:
            keep.mkdir(parents=True, exist_ok=True)
            (keep / f"without-fold-{fold}.npz").write_bytes(
                model_bytes(sentence, token, {"excluded_fold": fold, **asdict(settings)}))
        for item, top in zip(held, sentence_top(sentence, held), strict=True):
            tops[id(item)] = top
        for name in sets:
            right, total = token_hits(token, [item for item in held if item.example.origin == name])
            hits[name][0] += right
            hits[name][1] += total
        print(f"  fold {fold} done", file=sys.stderr, flush=True)
    result = {}
    for name in sets:
        chosen = [item for item in items if item.example.origin == name]
        if chosen:
            result[name] = figures_of(chosen, [tops[id(item)] for item in chosen], (hits[name][0], hits[name][1]))
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--output", type=Path, default=MODEL_FILE)
    parser.add_argument("--report", type=Path, default=ROOT / "report.json")
    parser.add_argument("--folds", type=Path, default=None,
                        help="keep the four development models (each fitted without one fold of the tuning part) "
                             "in this directory, for training/choose_thresholds.py")
    parser.add_argument("--parse-cache", type=Path, default=None,
                        help="directory to keep parsed docs in between runs (experiments only: the cache outlives "
                             "changes to the parsing code, e.g. case restoration, so make train parses afresh)")
    parser.add_argument("--no-lower-copies", action="store_true",
                        help="do not add a lower-cased copy of each tuning sentence")
    parser.add_argument("--cross-validate-only", action="store_true",
                        help="print the out-of-fold figures of the tuning part and stop (choosing settings)")
    parser.add_argument("--without-news", action="store_true",
                        help=f"leave the {NEWS_PREFIX}*.jsonl files out (to measure the model that never saw them)")
    parser.add_argument("--sentence-c", type=float, default=SENTENCE_C)
    parser.add_argument("--token-c", type=float, default=TOKEN_C)
    parser.add_argument("--min-count", type=int, default=MIN_COUNT)
    parser.add_argument("--none-weight", type=float, default=NONE_WEIGHT)
    args = parser.parse_args(argv)
    settings = Settings(args.sentence_c, args.token_c, args.min_count, args.none_weight)
    started = time.perf_counter()
    corpus, problems = read_corpus()
    if args.without_news:
        corpus = [e for e in corpus if e.origin != "news"]
    plover = read_plover()
    if problems:
        print(f"skipped corpus lines: {dict(problems)}", file=sys.stderr)
    if not corpus:
        print(f"no training corpus in {CORPUS}", file=sys.stderr)
        return 2
    write_splits = not args.cross_validate_only and args.output == MODEL_FILE
    if write_splits:
        SPLITS.mkdir(exist_ok=True)
        (SPLITS / "events_corpus.json").write_text(json.dumps(
            {"comment": "Ids of training/events/*.jsonl in each part of eventwire.eval.split.part_of; the model "
                        "is trained on the tuning part and scored on the checking part. Written by `make train`.",
             **split_ids([{"id": e.id} for e in corpus])}, indent=1) + "\n", encoding="utf-8")
    if plover and write_splits:
        (SPLITS / "plover_gsr_dev.json").write_text(json.dumps(
            {"comment": "Record ids of ../shared/eval/plover_gsr_dev.jsonl in each part of eventwire.eval.split."
                        "part_of (salted SHA-256 of the id). Ids only, never gold text. Rewritten by `make train`; "
                        "a test checks it.",
             "source": "../shared/eval/plover_gsr_dev.jsonl", **split_ids([{"id": e.id} for e in plover])},
            indent=1) + "\n", encoding="utf-8")
    examples = [e for e in corpus + plover if part_of(e.id) == "tuning" or not args.cross_validate_only]
    if not args.no_lower_copies:
        # News arrives all lower-case too (some regional outlets, mangled feeds): every tuning sentence is
        # also learnt lower-cased, parsed as the pipeline parses such text (from its case-restored copy).
        # Same id, so the same part and fold; never scored.
        examples += [Example(e.id, e.text.lower(), e.types, [(t.lower(), k) for t, k in e.triggers],
                             e.origin + "-lower")
                     for e in examples if part_of(e.id) == "tuning" and e.text != e.text.lower()]
    docs = parse([e.text for e in examples], args.parse_cache)
    items = rows_of(examples, docs)
    tuning = [item for item in items if part_of(item.example.id) == "tuning"]
    checking = [item for item in items if part_of(item.example.id) == "checking"]
    print(f"{len(tuning)} tuning examples (with lower-case copies), {len(checking)} checking", file=sys.stderr)
    cross_validated = out_of_fold(tuning, settings, args.folds)
    if args.cross_validate_only:
        print(json.dumps({"settings": asdict(settings), "tuning_cross_validated": cross_validated}, indent=1))
        return 0
    sentence_model, token_model = fit_both(tuning, settings)
    counts = Counter(t for e in corpus if part_of(e.id) == "tuning" for t in (e.types or [NONE]))
    token_rows = sum(len(item.tokens) for item in tuning)
    report: dict[str, Any] = {
        "spacy_model": model_name(),
        "trained_on": {"corpus_tuning_sentences": sum(part_of(e.id) == "tuning" and e.origin == "corpus"
                                                      for e in corpus),
                       "news_tuning_sentences": sum(part_of(e.id) == "tuning" and e.origin == "news" for e in corpus),
                       "plover_tuning_records": sum(part_of(e.id) == "tuning" for e in plover),
                       "token_rows": token_rows, "corpus_types": dict(sorted(counts.items()))},
        **asdict(settings),
        "sentence_features": len(sentence_model.vocabulary), "token_features": len(token_model.vocabulary),
        "skipped_lines": sum(problems.values()),
    }
    held_out = {}
    for name in ("corpus", "news", "plover"):
        chosen = [item for item in checking if item.example.origin == name]
        if chosen:
            held_out[name] = figures_of(chosen, sentence_top(sentence_model, chosen), token_hits(token_model, chosen))
    payload = model_bytes(sentence_model, token_model, report)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_bytes(payload)
    report["model_sha256"] = hashlib.sha256(payload).hexdigest()
    report["model_bytes"] = len(payload)
    # The model alone; the figures of the whole coder (rules + model) are added by choose_thresholds.py --report.
    report["model_alone"] = {"tuning_cross_validated": cross_validated, "checking": held_out}
    args.report.write_text(json.dumps(report, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    print(json.dumps(report["model_alone"], indent=1, sort_keys=True))
    print(f"wrote {args.output} ({len(payload) / 1e6:.1f} MB) in {time.perf_counter() - started:.0f}s",
          file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
