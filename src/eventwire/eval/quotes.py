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

Span matching, after trimming spaces, quotation marks and ``, . ; :`` at both
ends of each span (a discontinuous span counts as its extent):

* **exact**: the trimmed spans are identical;
* **overlap**: the spans share at least half of the longer one's characters.

Gold and predicted quotes are paired one-to-one, best overlap first. A pair is
correct for *content+source* when the predicted speaker is right: the gold
source span overlaps a mention of the predicted speaker actor, or the head
(last word) of either source text occurs in the other. P/R/F1 are reported for
direct quotes only (gold and predicted kind ``direct``) and for all quotes;
over pairs matched by overlap, the kind and the anonymous flag are also scored.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from eventwire.errors import GoldFormatError
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


@dataclass(slots=True)
class GoldDocument:
    name: str
    text: str
    attributions: list[GoldAttribution] = field(default_factory=list)


def _span(text: str, path: Path, number: int, value: str) -> tuple[int, int]:
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
    return min(starts), max(ends)


def read_ann(text: str, path: Path) -> list[GoldAttribution]:
    """The attributions of one brat ``.ann`` file over ``text``."""
    spans: dict[str, tuple[str, tuple[int, int]]] = {}
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
            spans[ident] = (label, _span(text, path, number, offsets))
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
        out.append(GoldAttribution(content, get("source"), cue, kind, ident in anonymous))
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


def _pair(text: str, gold: list[GoldAttribution], predicted: list[Quote], exact: bool
          ) -> list[tuple[GoldAttribution, Quote]]:
    scored = []
    for gi, g in enumerate(gold):
        gs = trim(text, g.content)
        for pi, p in enumerate(predicted):
            ps = trim(text, (p.start, p.end))
            if exact:
                if gs == ps:
                    scored.append((1.0, gi, pi))
            else:
                value = overlaps(gs, ps)
                if value >= 0.5:
                    scored.append((value, gi, pi))
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


def _prf(tp: int, n_pred: int, n_gold: int) -> dict[str, float | int]:
    p = tp / n_pred if n_pred else 0.0
    r = tp / n_gold if n_gold else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"precision": round(p, 3), "recall": round(r, 3), "f1": round(f, 3),
            "tp": tp, "predicted": n_pred, "gold": n_gold}


def score(documents: list[GoldDocument], annotate: Callable[[GoldDocument], Article]) -> dict[str, Any]:
    """P/R/F1 of the quotes ``annotate`` finds, against ``documents``."""
    counts: dict[str, list[int]] = {}
    kind_right = anon_right = matched = 0
    per_doc = []
    for document in documents:
        article = annotate(document)
        for subset in ("direct", "all"):
            gold = [g for g in document.attributions if subset == "all" or g.kind == "direct"]
            predicted = [q for q in article.quotes if subset == "all" or q.kind == "direct"]
            for mode in ("exact", "overlap"):
                pairs = _pair(document.text, gold, predicted, exact=mode == "exact")
                with_source = sum(1 for g, q in pairs if source_correct(article, g, q))
                for measure, tp in (("content", len(pairs)), ("content+source", with_source)):
                    key = f"{subset}/{measure}/{mode}"
                    row = counts.setdefault(key, [0, 0, 0])
                    row[0] += tp
                    row[1] += len(predicted)
                    row[2] += len(gold)
                if subset == "all" and mode == "overlap":
                    matched += len(pairs)
                    kind_right += sum(1 for g, q in pairs if g.kind == q.kind)
                    anon_right += sum(1 for g, q in pairs if g.anonymous == q.anonymous)
                    per_doc.append({"document": document.name, "gold": len(gold), "predicted": len(predicted),
                                    "matched": len(pairs), "with_source": with_source})
    scores = {key: _prf(*row) for key, row in counts.items()}
    return {
        "documents": len(documents),
        "gold_quotes": sum(len(d.attributions) for d in documents),
        "scores": scores,
        "kind_accuracy": round(kind_right / matched, 3) if matched else 0.0,
        "anonymous_accuracy": round(anon_right / matched, 3) if matched else 0.0,
        "per_document": per_doc,
    }


def evaluate(gold_dir: str | Path, model: str | None = None, pipeline: Pipeline | None = None) -> dict[str, Any]:
    """Run the default pipeline (or ``pipeline``) over the gold texts and score its quotes."""
    from eventwire.pipeline import Pipeline, PipelineConfig

    documents = read_gold(gold_dir)
    if pipeline is None:
        pipeline = Pipeline(PipelineConfig(model=model))

    def annotate(document: GoldDocument) -> Article:
        return pipeline(Article(id=document.name, text=document.text))

    report = score(documents, annotate)
    report["gold_dir"] = str(gold_dir)
    return report
