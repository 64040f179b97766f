"""The trained event-type model combined with the lexicon coder, sentence by sentence.

The coder proposes candidates from the lexicon and the parse and finds their parties and modality;
the model (:mod:`eventwire.events.classifier`) gives each sentence and each candidate token a
probability for each PLOVER type and for ``NONE`` (no political event). :class:`Combiner`:

- **non-events**: when the sentence model and the candidate's token model both call it ``NONE``
  (a flood that "killed", a football "attack", a market "crash"), the candidate is dropped if the
  model is sure, else marked doubtful (``doubt="model"``: confidence below ``DOUBTFUL``, left out of
  the default views and exports);
- **re-typing**: when the model is sure of another type and gives the coder's type almost nothing,
  the candidate takes the model's type (with that type's general CAMEO code);
- **re-ranking**: each candidate's confidence moves towards the model's probability of its type,
  so the sentence's top event is the one both agree on;
- **additions**: a sentence with no candidate for which the model is sure of a type gets one, on
  the verb (else the noun) the token model trusts for that type; the coder's parse helpers find its
  parties and modality; its confidence stays below the coder's usual events.

The thresholds were chosen by ``training/choose_thresholds.py``: every tuning record (PLOVER dev, the
training corpus and the news-style files) coded with a development model trained without it (4-fold
cross-validation), one threshold varied at a time; the checking parts were not used. With the
feature-version-3 model a candidate both models call a non-event is doubtful from 0.6 (was 0.9), a
candidate is re-typed when the model gives its type under 0.2 and another over 0.5 (were 0.02 and
0.6), and the confidence moves a little towards the model's probability (re-ranking weight 0.3, was
0); a sure non-event is still only dropped at 0.97 (dropping from 0.8 changed no figure against
doubting it, and a doubtful event stays inspectable). Each step moved the objective (mean top-type
accuracy of the corpus, news and PLOVER tuning records) by half a point or less. ``training/report.json``
holds the resulting figures (out-of-fold on the tuning part, aggregate on the checking part) and the
README reports both parts with and without the model.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import lru_cache

import numpy as np
from spacy.tokens import Doc, Token

from eventwire.events import cameo
from eventwire.events.candidate import DOUBTFUL, Candidate, confidence
from eventwire.events.classifier import MODEL_FILE, TRIGGER_POS, EventTypeModel, default_model
from eventwire.events.lexicon import Entry
from eventwire.model import PLOVER_TYPES, Article
from eventwire.nlp.parse import sentences


@dataclass(frozen=True, slots=True)
class Thresholds:
    """Decision points of the combination (probabilities); see the module docstring."""

    drop_none: float = 0.97  # sentence and token both at least this sure of NONE: the candidate is dropped
    doubt_none: float = 0.6  # ... at least this sure: the candidate is doubtful
    retype: float = 0.5  # the model's type at least this probable (mean of sentence and token) ...
    retype_below: float = 0.2  # ... and the coder's type below this: the candidate is re-typed
    rerank: float = 0.3  # weight of the model's probability in a candidate's confidence
    add_sentence: float = 0.4  # a sentence without candidates this sure of one type ...
    add_token: float = 0.2  # ... and a token this sure of it: a candidate is added


THRESHOLDS = Thresholds()
# Targets looked for (in this order) when an added candidate's sense has no frame of its own.
_ADDED_FRAME = ("dobj", "against", "with", "to", "on", "for")


@lru_cache(maxsize=1)
def general_codes() -> dict[str, str]:
    """Each PLOVER type's general CAMEO code (a "…0" code without a mode, else the shortest), from the authority."""
    codes: dict[str, str] = {}
    for plover in PLOVER_TYPES:
        rows = [r for r in cameo.cameo_codes().values() if r.plover == plover]
        if rows:
            best = min(rows, key=lambda r: (not (len(r.code) == 3 and r.code.endswith("0") and r.mode is None),
                                            r.mode is not None, len(r.code)))
            codes[plover] = best.code
    return codes


class Combiner:
    """``combine(article, doc, bounds, candidates) -> candidates``, built once with the model and the coder."""

    def __init__(self, coder: object, model: EventTypeModel | None = None,
                 thresholds: Thresholds = THRESHOLDS) -> None:
        self.coder = coder
        self.model = model or default_model(MODEL_FILE)
        self.thresholds = thresholds
        self.codes = general_codes()
        # The sentence probabilities of the doc being coded, all computed at its first sentence (one numpy
        # pass); one tuple swapped whole, so threads coding other docs never see a half-written cache.
        self._cache: tuple[Doc | None, dict[tuple[int, int], np.ndarray]] = (None, {})

    def sentence_probabilities(self, doc: Doc, bounds: tuple[int, int]) -> np.ndarray:
        cached_doc, table = self._cache
        if cached_doc is not doc or bounds not in table:
            ranges = list(dict.fromkeys([*sentences(doc), bounds]))
            scores = self.model.sentence_probabilities([doc[start:end] for start, end in ranges])
            table = dict(zip(ranges, scores, strict=True))
            self._cache = (doc, table)
        return table[bounds]

    def __call__(self, article: Article, doc: Doc, bounds: tuple[int, int],
                 candidates: list[Candidate]) -> list[Candidate]:
        if bounds[1] <= bounds[0]:
            return candidates
        sentence = self.sentence_probabilities(doc, bounds)
        if candidates:
            return self._judge(article, sentence, candidates)
        return self._add(article, doc, bounds, sentence)

    # The probabilities of a candidate's token, averaged with the sentence's.
    def _judge(self, article: Article, sentence: np.ndarray, candidates: list[Candidate]) -> list[Candidate]:
        limits = self.thresholds
        index = self.model.index
        tokens = self.model.token_probabilities([c.token for c in candidates])
        kept: list[Candidate] = []
        for cand, token in zip(candidates, tokens, strict=True):
            none = min(sentence[self.model.none], token[self.model.none])
            if none >= limits.drop_none:
                continue
            mixed = (sentence + token) / 2
            # An announced or demanded act was re-typed by the coder's modality rules (PLOVER: "plans to
            # deploy" is THREATEN); the model does not see modality, so it does not re-type those.
            if cand.type in index and not cand.modality.intent:
                best = max((i for i in range(len(mixed)) if i != self.model.none), key=mixed.__getitem__)
                label = self.model.labels[best]
                if label != cand.type and label in self.codes and mixed[best] >= limits.retype \
                        and mixed[index[cand.type]] < limits.retype_below:
                    cand.type, cand.mode, cand.cameo = label, None, self.codes[label]
                agreement = float(mixed[index[cand.type]])
            else:
                agreement = float(mixed[index[cand.type]]) if cand.type in index else 0.5
            if none >= limits.doubt_none:
                cand.doubt = cand.doubt or "model"
            if cand.doubt:
                cand.confidence = round(max(0.05, min(cand.confidence, DOUBTFUL - 0.1)), 2)
            else:
                # Re-ranked, but a candidate the coder was sure enough of stays above DOUBTFUL: the model
                # moves events between ranks; only its non-event judgement hides them.
                moved = (1 - limits.rerank) * cand.confidence + limits.rerank * agreement
                cand.confidence = round(max(min(cand.confidence, DOUBTFUL), min(0.95, moved)), 2)
            kept.append(cand)
        return kept

    def _add(self, article: Article, doc: Doc, bounds: tuple[int, int], sentence: np.ndarray) -> list[Candidate]:
        limits = self.thresholds
        order = np.argsort(-sentence)
        best = next(int(i) for i in order if int(i) != self.model.none)
        label = self.model.labels[best]
        if sentence[best] < limits.add_sentence or label not in self.codes:
            return []
        options = [doc[i] for i in range(*bounds) if doc[i].pos_ in TRIGGER_POS]
        if not options:
            return []
        scores = self.model.token_probabilities(options)[:, best]
        # A verb the model trusts is the trigger (the coder finds its parties from the clause); an
        # object noun ("shipped 50,000 tonnes of rice") would leave the event without parties.
        ranked = sorted(range(len(options)), key=lambda i: (options[i].pos_ != "VERB", -scores[i]))
        top = next((i for i in ranked if scores[i] >= limits.add_token), None)
        if top is None:
            return []
        cand = self._candidate(article, options[top], label, bounds)
        if cand is None or cand.doubt:  # the coder's own rules doubt it (a natural cause): not added
            return []
        # Shown (at least DOUBTFUL) but below the coder's own events: the lexicon had no sense here.
        cand.confidence = round(max(DOUBTFUL, min(0.75, (cand.confidence + float(sentence[best])) / 2 - 0.05)), 2)
        return [cand]

    def _candidate(self, article: Article, token: Token, label: str, bounds: tuple[int, int]) -> Candidate | None:
        """A candidate of ``label`` on ``token`` with parties and modality from the coder's parse helpers."""
        entry = Entry(pos="N" if token.pos_ in ("NOUN", "PROPN") else "V", lemma=(token.lemma_ or token.text).lower(),
                      word=None, type=label, mode=None, cameo=self.codes[label], tgt=_ADDED_FRAME)
        make = getattr(self.coder, "_candidate", None)
        if make is None:
            return None
        cand = make(article, token, entry, bounds)
        if cand is None:
            return None
        cand.confidence = confidence(cand)
        return cand


def with_thresholds(combiner: Combiner, **changes: float) -> Combiner:
    """The same combiner with other thresholds (for choosing them on the tuning parts)."""
    return Combiner(combiner.coder, combiner.model, replace(combiner.thresholds, **changes))


__all__ = ["THRESHOLDS", "Combiner", "Thresholds", "general_codes", "with_thresholds"]
