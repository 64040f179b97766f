"""Score the quotes stage on brat standoff attribution gold (PARC/PolNeAR style).

A gold directory holds ``NAME.txt`` and ``NAME.ann`` pairs. In the ``.ann``:

* text-bound ``Source``, ``Cue`` and ``Content`` spans (``T1<TAB>Content 10 52<TAB>text``;
  a discontinuous span is written ``10 52;60 88``, as brat does for text running
  over a line break or around an interrupting frame);
* ``Attribution`` events tying them: ``E1<TAB>Attribution:T3 Source:T2 Content:T1``.
  The trigger is the cue (a ``Cue`` span); an attribution without a cue (a quote
  paragraph whose speaker was named earlier) uses its content span as trigger;
* optional attributes ``A1<TAB>Kind E1 direct|indirect|mixed`` and
  ``A2<TAB>Anonymous E1``. Without ``Kind``, a content inside quotation marks is direct.

Spans are compared after trimming spaces, quotation marks and ``, . ; :`` at both
ends of each fragment; a quote is the set of characters of its fragments (brat
fragments for gold, ``Quote.parts`` for predictions). Three matching regimes:

* **exact**: one-to-one, the trimmed extents are identical;
* **one-to-one**: each prediction is paired with at most one gold attribution and
  each gold attribution with at most one prediction, greatest shared share first;
  a pair needs at least one shared character;
* **any-overlap**: no pairing; a prediction is right when it shares a character
  with some gold attribution, and a gold attribution is found when some
  prediction shares a character with it (precision and recall count those).

For *content+source* a pair (or, under any-overlap, some overlapping pair) must
also have the right speaker: the gold source span overlaps a mention of the
predicted speaker actor, or the head (last word) of either source text occurs in
the other. P/R/F1 are reported for direct quotes only (gold and predicted kind
``direct``) and for all quotes; over one-to-one pairs the kind and the anonymous
flag are also scored. ``evaluate`` scores the gold set's tuning and checking parts
(:func:`eventwire.eval.split.part_of` of the article name) separately and together;
only the tuning part lists its documents one by one.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from eventwire.errors import GoldFormatError
from eventwire.eval.split import part_of
from eventwire.model import Article, Quote

if TYPE_CHECKING:
    from eventwire.pipeline import Pipeline

TRIM = " \t\n\"'“”„«»‘’,.;:"
KINDS = ("direct", "indirect", "mixed")
_STOP = {"the", "a", "an", "of", "'s", "’s", "s"}


@dataclass(slots=True)
class GoldAttribution:
    content: tuple[int, int]
    source: tuple[int, int] | None
    cue: tuple[int, int] | None
    kind: str
    anonymous: bool = False
    # The content's brat fragments (one unless the quote is split or runs over paragraphs).
    parts: list[tuple[int, int]] = field(default_factory=list)

    def __post_init__(self) -> None:
        if not self.parts:
            self.parts = [self.content]


@dataclass(slots=True)
class GoldDocument:
    name: str
    text: str
    attributions: list[GoldAttribution] = field(default_factory=list)


def _fragments(text: str, path: Path, number: int, value: str) -> list[tuple[int, int]]:
    starts, ends = [], []
    for fragment in value.split(";"):
        parts = fragment.split()
        if len(parts) != 2 or not all(p.isdigit() for p in parts):
            raise GoldFormatError(f"{path}:{number}: bad span {fragment!r} (expected 'START END')")
        start, end = int(parts[0]), int(parts[1])
        if not 0 <= start <= end <= len(text):
            raise GoldFormatError(f"{path}:{number}: span {start}-{end} lies outside the text ({len(text)} characters)")
        starts.append(start)
        ends.append(end)
    return sorted(zip(starts, ends, strict=True))


def read_ann(text: str, path: Path) -> list[GoldAttribution]:
    """The attributions of one brat ``.ann`` file over ``text``."""
    spans: dict[str, tuple[str, tuple[int, int]]] = {}
    fragments: dict[str, list[tuple[int, int]]] = {}
    events: list[tuple[int, str, dict[str, str]]] = []
    kinds: dict[str, str] = {}
    anonymous: set[str] = set()
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        ident, _, rest = line.partition("\t")
        if ident.startswith("T"):
            info = rest.split("\t")[0]
            label, _, offsets = info.partition(" ")
            fragments[ident] = _fragments(text, path, number, offsets)
            spans[ident] = (label, (fragments[ident][0][0], max(e for _, e in fragments[ident])))
        elif ident.startswith("E"):
            args = rest.split()
            if not args or ":" not in args[0]:
                raise GoldFormatError(f"{path}:{number}: an event needs TYPE:TRIGGER, got {rest!r}")
            etype, trigger = args[0].split(":", 1)
            roles = {"trigger": trigger}
            for arg in args[1:]:
                role, _, target = arg.partition(":")
                roles[re.sub(r"\d+$", "", role).lower()] = target
            if etype == "Attribution":
                events.append((number, ident, roles))
        elif ident.startswith(("A", "M")):
            parts = rest.split()
            if len(parts) >= 2 and parts[0] == "Kind":
                if len(parts) != 3 or parts[2] not in KINDS:
                    raise GoldFormatError(f"{path}:{number}: Kind must be one of {', '.join(KINDS)}")
                kinds[parts[1]] = parts[2]
            elif len(parts) >= 2 and parts[0] == "Anonymous":
                anonymous.add(parts[1])
    out: list[GoldAttribution] = []
    for number, ident, roles in events:
        def get(role: str, *, _roles: dict[str, str] = roles, _number: int = number) -> tuple[int, int] | None:
            target = _roles.get(role)
            if target is None:
                return None
            if target not in spans:
                raise GoldFormatError(f"{path}:{_number}: {role} {target} is not a text-bound annotation")
            return spans[target][1]
        content = get("content")
        if content is None:
            raise GoldFormatError(f"{path}:{number}: attribution {ident} has no Content")
        cue = get("cue")
        trigger = roles["trigger"]
        if cue is None and trigger in spans and spans[trigger][0] == "Cue":
            cue = spans[trigger][1]
        kind = kinds.get(ident) or _kind_from_marks(text, content)
        parts = fragments[roles["content"]]
        out.append(GoldAttribution(content, get("source"), cue, kind, ident in anonymous, parts))
    return out


def _kind_from_marks(text: str, span: tuple[int, int]) -> str:
    before = text[max(0, span[0] - 1):span[0]]
    return "direct" if before and before in "\"“„«" else "indirect"


def read_gold(directory: str | Path) -> list[GoldDocument]:
    """Every ``.txt``/``.ann`` pair of ``directory``, sorted by name."""
    root = Path(directory)
    if not root.is_dir():
        raise GoldFormatError(f"{root}: not a directory of brat .txt/.ann files")
    documents = []
    for ann in sorted(root.glob("*.ann")):
        txt = ann.with_suffix(".txt")
        if not txt.exists():
            raise GoldFormatError(f"{ann}: no matching {txt.name}")
        text = txt.read_text(encoding="utf-8")
        documents.append(GoldDocument(ann.stem, text, read_ann(text, ann)))
    if not documents:
        raise GoldFormatError(f"{root}: no .ann files found")
    return documents


def trim(text: str, span: tuple[int, int]) -> tuple[int, int]:
    start, end = span
    while start < end and text[start] in TRIM:
        start += 1
    while end > start and text[end - 1] in TRIM:
        end -= 1
    return start, end


def overlaps(a: tuple[int, int], b: tuple[int, int]) -> float:
    """The shared characters as a share of the longer span (0 when disjoint)."""
    shared = min(a[1], b[1]) - max(a[0], b[0])
    longer = max(a[1] - a[0], b[1] - b[0], 1)
    return max(shared, 0) / longer


def _chars(text: str, parts: list[tuple[int, int]]) -> set[int]:
    """The characters of a quote's fragments, each fragment trimmed."""
    found: set[int] = set()
    for part in parts:
        start, end = trim(text, part)
        found.update(range(start, end))
    return found


def _words(text: str) -> list[str]:
    return [w for w in re.findall(r"[\w'’-]+", text.lower()) if w not in _STOP]


def source_correct(article: Article, gold: GoldAttribution, quote: Quote) -> bool:
    if gold.source is None:
        return quote.speaker is None and quote.speaker_text is None
    actor = article.actor_by_id(quote.speaker)
    if actor is not None and any(m.start < gold.source[1] and gold.source[0] < m.end for m in actor.mentions):
        return True
    gold_words = _words(article.text[gold.source[0]:gold.source[1]])
    predicted = _words(quote.speaker_text or "")
    predicted_all = predicted + _words(actor.name) if actor is not None else predicted
    if not gold_words or not predicted_all:
        return False
    return gold_words[-1] in predicted_all or (bool(predicted) and predicted[-1] in gold_words)


def _overlap_matrix(text: str, gold: list[GoldAttribution], predicted: list[Quote]
                    ) -> list[tuple[float, int, int]]:
    """(share of the longer quote's characters shared, gold index, predicted index) for every overlapping pair."""
    gold_chars = [_chars(text, g.parts) for g in gold]
    pred_chars = [_chars(text, p.parts) for p in predicted]
    found = []
    for gi, gc in enumerate(gold_chars):
        for pi, pc in enumerate(pred_chars):
            shared = len(gc & pc)
            if shared:
                found.append((shared / max(len(gc), len(pc), 1), gi, pi))
    return found


def _pair(text: str, gold: list[GoldAttribution], predicted: list[Quote], exact: bool
          ) -> list[tuple[GoldAttribution, Quote]]:
    """One-to-one pairs, best first: identical trimmed extents (``exact``) or any shared character."""
    if exact:
        scored = [(1.0, gi, pi) for gi, g in enumerate(gold) for pi, p in enumerate(predicted)
                  if trim(text, g.content) == trim(text, (p.start, p.end))]
    else:
        scored = _overlap_matrix(text, gold, predicted)
    scored.sort(key=lambda s: -s[0])
    used_g: set[int] = set()
    used_p: set[int] = set()
    pairs = []
    for _, gi, pi in scored:
        if gi not in used_g and pi not in used_p:
            used_g.add(gi)
            used_p.add(pi)
            pairs.append((gold[gi], predicted[pi]))
    return pairs


def _any_overlap(article: Article, gold: list[GoldAttribution], predicted: list[Quote], with_source: bool
                 ) -> tuple[int, int]:
    """(predictions overlapping some gold attribution, gold attributions overlapped by some prediction)."""
    right_p: set[int] = set()
    found_g: set[int] = set()
    for _, gi, pi in _overlap_matrix(article.text, gold, predicted):
        if with_source and not source_correct(article, gold[gi], predicted[pi]):
            continue
        right_p.add(pi)
        found_g.add(gi)
    return len(right_p), len(found_g)


def _prf(tp: int, n_pred: int, n_gold: int, tp_gold: int | None = None) -> dict[str, float | int]:
    """P = tp / predicted, R = tp_gold / gold (the same count unless matching is not one-to-one)."""
    tp_gold = tp if tp_gold is None else tp_gold
    p = tp / n_pred if n_pred else 0.0
    r = tp_gold / n_gold if n_gold else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"precision": round(p, 3), "recall": round(r, 3), "f1": round(f, 3),
            "tp": tp, "predicted": n_pred, "gold": n_gold}


REGIMES = ("exact", "one-to-one", "any-overlap")


def score(documents: list[GoldDocument], annotate: Callable[[GoldDocument], Article],
          list_documents: bool = True) -> dict[str, Any]:
    """P/R/F1 of the quotes ``annotate`` finds, against ``documents`` (per document only if ``list_documents``)."""
    counts: dict[str, list[int]] = {}
    kind_right = anon_right = matched = 0
    per_doc = []
    for document in documents:
        article = annotate(document)
        for subset in ("direct", "all"):
            gold = [g for g in document.attributions if subset == "all" or g.kind == "direct"]
            predicted = [q for q in article.quotes if subset == "all" or q.kind == "direct"]
            for regime in REGIMES:
                for measure in ("content", "content+source"):
                    if regime == "any-overlap":
                        tp, tp_gold = _any_overlap(article, gold, predicted, measure == "content+source")
                    else:
                        pairs = _pair(document.text, gold, predicted, exact=regime == "exact")
                        if measure == "content+source":
                            pairs = [(g, q) for g, q in pairs if source_correct(article, g, q)]
                        tp = tp_gold = len(pairs)
                    row = counts.setdefault(f"{subset}/{measure}/{regime}", [0, 0, 0, 0])
                    row[0] += tp
                    row[1] += len(predicted)
                    row[2] += len(gold)
                    row[3] += tp_gold
            if subset == "all":
                pairs = _pair(document.text, gold, predicted, exact=False)
                matched += len(pairs)
                kind_right += sum(1 for g, q in pairs if g.kind == q.kind)
                anon_right += sum(1 for g, q in pairs if g.anonymous == q.anonymous)
                if list_documents:
                    per_doc.append({"document": document.name, "gold": len(gold), "predicted": len(predicted),
                                    "matched": len(pairs),
                                    "with_source": sum(1 for g, q in pairs if source_correct(article, g, q))})
    scores = {key: _prf(row[0], row[1], row[2], row[3]) for key, row in counts.items()}
    return {
        "documents": len(documents),
        "gold_quotes": sum(len(d.attributions) for d in documents),
        "scores": scores,
        "kind_accuracy": round(kind_right / matched, 3) if matched else 0.0,
        "anonymous_accuracy": round(anon_right / matched, 3) if matched else 0.0,
        "per_document": per_doc,
    }


def quotes_pipeline(model: str | None = None) -> Pipeline:
    """The default pipeline up to the quotes stage (the stages after it cannot change quotes)."""
    from eventwire.pipeline import STAGE_FACTORIES, Pipeline, PipelineConfig

    names = [name for name, _ in STAGE_FACTORIES]
    later = tuple(names[names.index("quotes") + 1:])
    return Pipeline(PipelineConfig(model=model, disabled=later))


def evaluate(gold_dir: str | Path, model: str | None = None, pipeline: Pipeline | None = None,
             parts: tuple[str, ...] = ("tuning", "checking", "all")) -> dict[str, Any]:
    """Score the quotes of ``pipeline`` (default: :func:`quotes_pipeline`) on each requested part of the gold.

    The report has one entry per part under ``parts`` (``tuning``, ``checking``, ``all``); only the tuning part
    lists its documents, so the checking part is seen in aggregate only.
    """
    documents = read_gold(gold_dir)
    if pipeline is None:
        pipeline = quotes_pipeline(model)
    cache: dict[str, Article] = {}

    def annotate(document: GoldDocument) -> Article:
        if document.name not in cache:
            cache[document.name] = pipeline(Article(id=document.name, text=document.text))
        return cache[document.name]

    report: dict[str, Any] = {"gold_dir": str(gold_dir), "parts": {}}
    for part in parts:
        chosen = [d for d in documents if part == "all" or part_of(d.name) == part]
        if chosen:
            report["parts"][part] = score(chosen, annotate, list_documents=part == "tuning")
    return report
