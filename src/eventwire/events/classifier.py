"""The trained event-type model: PLOVER type scores for a sentence and for a candidate trigger token.

Two multinomial logistic regressions over sparse features of the spaCy parse, trained offline by
``make train`` (``training/train_events.py``) and shipped as one ``.npz`` file of plain arrays
(vocabularies as unicode arrays, weights as float32) that numpy reads with ``allow_pickle=False``:
no code runs when the model loads and nothing is downloaded.

- The *sentence* model says which of the 16 PLOVER types (or ``NONE``, no political event) the
  sentence reports: lower-cased lemmas and lemma bigrams of its content words, the root, and each
  verb with its particle, objects and prepositional objects.
- The *token* model says which type (or ``NONE``) a single token triggers: its lemma and word, its
  dependency relation and head, its particle, objects, compounds and modifiers ("air strike",
  "carried out strikes", "stop work"), and its neighbours.

Features use lower-cased lemmas so all-lower-case text and headline case score alike. Besides the
words, both models see what abstracts from an outlet's wording (feature version 3): the senses the
coder's lexicon gives a verb or noun (``x:ASSAULT``, the same knowledge the rules use), the class of
a non-event word (``ne:hazard``) and the sector of an agent noun (``ag:MIL``) from the events data
files, the modality cues around a token (``m:negation``), and a name's entity label in place of its
lemma ("Hamas" and "Boko Haram" are both ``@ORG``), so a region's names are not learnt as words.
Scoring batches all rows of an article into one gather-and-sum over the weight matrix.
"""

from __future__ import annotations

import hashlib
import io
import json
import logging
import zipfile
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
from spacy.tokens import Doc, Token

from eventwire.errors import EventModelError
from eventwire.events.lexicon import default_lexicon
from eventwire.model import PLOVER_TYPES

log = logging.getLogger(__name__)
MODEL_FILE = Path(__file__).parent / "model" / "event_types.npz"
NONE = "NONE"
LABELS: tuple[str, ...] = (*PLOVER_TYPES, NONE)
# Bumped whenever a feature function changes: a model trained on other features is refused.
FEATURE_VERSION = 3
# Tokens the token model is trained on as possible triggers (besides the gold trigger tokens).
TRIGGER_POS = frozenset({"VERB", "NOUN"})
_SKIP_POS = frozenset({"PUNCT", "SPACE", "SYM", "NUM", "DET", "PRON", "CCONJ", "SCONJ", "ADP", "AUX", "PART",
                       "PROPN", "X", "INTJ"})
_ARG_DEPS = frozenset({"prt", "dobj", "obj", "compound", "amod", "xcomp", "dative", "attr", "oprd", "acomp",
                       "nsubj", "nsubjpass", "agent", "neg", "poss", "nmod", "advmod", "ccomp", "acl", "relcl"})
_VERB_ARG_DEPS = frozenset({"prt", "dobj", "obj", "xcomp", "dative", "attr", "oprd", "acomp", "neg"})
ALWAYS = "*"  # present in every row, so no row is empty
_NAME_LABELS = frozenset({"GPE", "ORG", "NORP", "PERSON", "LOC", "FAC"})
# Where a modality cue stands among a trigger's children (modality.tsv's "where" column).
_CUE_DEPS = {"aux": "aux", "neg": "neg", "det": "det", "mark": "mark"}


def lemma(token: Token) -> str:
    """The lower-cased lemma (the lower-cased word when the tagger gave none)."""
    return (token.lemma_ or token.text).lower()


def word_of(token: Token) -> str:
    """A context word: the lemma, or ``@LABEL`` for a name (a place's or a group's name is not learnt)."""
    if token.ent_type_ and (token.pos_ == "PROPN" or token.ent_type_ in _NAME_LABELS):
        return "@" + token.ent_type_
    return "@NAME" if token.pos_ == "PROPN" else lemma(token)


@dataclass(frozen=True, slots=True)
class Knowledge:
    """What the events data files say of a word, as feature strings (see the module docstring)."""

    senses: dict[tuple[str, str], tuple[str, ...]]  # (V|N, lemma) -> "x:TYPE" features
    classes: dict[str, str]  # lemma -> "ne:class" (non-event word) or "ag:SECTOR" (agent noun)
    cues: dict[tuple[str, str], str]  # (lemma, where) -> "m:kind"


@lru_cache(maxsize=1)
def knowledge() -> Knowledge:
    lexicon = default_lexicon()
    senses = {key: tuple(sorted({"x:" + e.type for e in entries})) for key, entries in lexicon.entries.items()}
    classes = {w: "ag:" + sector for w, sector in lexicon.agents.items()}
    classes.update({w: "ne:" + kind for w, kind in lexicon.nonevents.items()})
    cues = {(cue, where): "m:" + kind for cue, (kind, where) in lexicon.modality.items()}
    return Knowledge(senses, classes, cues)


def knowledge_digest() -> str:
    """A digest of the data-file knowledge the features read (lexicon senses, word classes, modality cues)."""
    known = knowledge()
    tables = [sorted(known.senses.items()), sorted(known.classes.items()), sorted(known.cues.items())]
    return hashlib.sha256(json.dumps(tables).encode("utf-8")).hexdigest()[:16]


def word_features(token: Token, word: str, known: Knowledge) -> tuple[str, ...]:
    """The lexicon senses and the class of a verb or noun (nothing for other words)."""
    pos = token.pos_
    senses = known.senses.get(("V" if pos == "VERB" else "N", word), ()) if pos in ("VERB", "NOUN") else ()
    found = known.classes.get(word)
    return (*senses, found) if found else senses


def sentence_features(tokens: Iterable[Token]) -> list[str]:
    """Features of a sentence (its tokens in order). One pass over the tokens: this runs on every sentence."""
    known = knowledge()
    features = [ALWAYS]
    previous = ""
    for token in tokens:
        pos = token.pos_
        if token.dep_ == "ROOT":
            features.append("r:" + lemma(token))
        if pos in _SKIP_POS or not token.is_alpha or len(token) < 2:
            continue
        word = lemma(token)
        features.append("l:" + word)
        features.extend(word_features(token, word, known))
        if previous:
            features.append(f"b:{previous}|{word}")
        previous = word
        if pos != "VERB":
            continue
        for child in token.children:
            dep = child.dep_
            if dep in _VERB_ARG_DEPS:
                features.append(f"d:{word}|{dep}|{word_of(child)}")
            elif dep == "prep":
                objects = [g for g in child.children if g.dep_ == "pobj"]
                features.append(f"d:{word}|{lemma(child)}|{word_of(objects[0]) if objects else ''}")
            elif dep in _CUE_DEPS:
                cue = known.cues.get((child.lower_, _CUE_DEPS[dep]))
                if cue:
                    features.append(f"{cue}|{word}")
    return features


def token_features(token: Token) -> list[str]:
    """Features of one token as a possible event trigger."""
    known = knowledge()
    word = lemma(token)
    pos = token.pos_
    features = [ALWAYS, "t:" + word, "w:" + token.lower_, f"tp:{word}|{pos}", "pos:" + pos, "dep:" + token.dep_]
    features.extend(word_features(token, word, known))
    for child in token.children:
        dep = child.dep_
        if dep in _ARG_DEPS:
            other = word_of(child)
            features.append(f"c:{dep}|{other}")
            features.append(f"tc:{word}|{dep}|{other}")
            found = known.classes.get(other)
            if found:
                features.append(f"k:{dep}|{found}")
        elif dep == "prep":
            objects = [g for g in child.children if g.dep_ == "pobj"]
            other = word_of(objects[0]) if objects else ""
            features.append(f"p:{lemma(child)}|{other}")
            features.append(f"tp:{word}|{lemma(child)}|{other}")
        if dep in _CUE_DEPS:
            cue = known.cues.get((child.lower_, _CUE_DEPS[dep]))
            if cue:
                features.append(cue)
    head = token.head
    if head.i != token.i:  # spaCy's root is its own head (another Token object: compare positions)
        above = word_of(head)
        features.append(f"h:{token.dep_}|{above}")
        features.append(f"th:{word}|{token.dep_}|{above}")
        cue = known.cues.get((lemma(head), "gov"))
        if cue:
            features.append(cue)
        if head.pos_ in ("VERB", "NOUN"):
            features.extend("h" + f for f in word_features(head, lemma(head), known))
        if head.head.i != head.i and token.dep_ == "pobj":
            features.append(f"hh:{lemma(head)}|{word_of(head.head)}")
    doc = token.doc
    if token.i > 0:
        features.append("l1:" + word_of(doc[token.i - 1]))
    if token.i + 1 < len(doc):
        features.append("r1:" + word_of(doc[token.i + 1]))
    return features


def softmax(scores: np.ndarray) -> np.ndarray:
    shifted = scores - scores.max(axis=1, keepdims=True)
    np.exp(shifted, out=shifted)
    shifted /= shifted.sum(axis=1, keepdims=True)
    return shifted


@dataclass(slots=True)
class LinearModel:
    """One multinomial logistic regression: a feature vocabulary, weights (features x labels), bias."""

    vocabulary: dict[str, int]
    weights: np.ndarray
    bias: np.ndarray

    def probabilities(self, rows: Sequence[Iterable[str]]) -> np.ndarray:
        """Label probabilities (rows x labels) for rows of feature strings; unknown features are ignored."""
        if not rows:
            return np.zeros((0, len(self.bias)), dtype=np.float32)
        index = self.vocabulary.get
        flat: list[int] = []
        starts: list[int] = []
        for features in rows:
            starts.append(len(flat))
            found = [i for i in map(index, features) if i is not None]
            flat.extend(found or [0])  # index 0 is ALWAYS (see fit): a row never sums over nothing
        scores = np.add.reduceat(self.weights[np.asarray(flat, dtype=np.int64)], np.asarray(starts), axis=0)
        return softmax(scores + self.bias)


class EventTypeModel:
    """The shipped sentence and token models (see the module docstring)."""

    def __init__(self, sentence: LinearModel, token: LinearModel, labels: Sequence[str], meta: dict[str, Any]) -> None:
        self.sentence = sentence
        self.token = token
        self.labels = tuple(labels)
        self.index = {label: i for i, label in enumerate(self.labels)}
        self.none = self.index[NONE]
        self.meta = meta

    @classmethod
    def load(cls, path: Path | str = MODEL_FILE) -> EventTypeModel:
        """Read a model file; raises EventModelError when it is missing, damaged or of other features."""
        path = Path(path)
        try:
            with np.load(path, allow_pickle=False) as data:
                arrays = {name: data[name] for name in data.files}
        except (OSError, ValueError, zipfile.BadZipFile) as exc:
            raise EventModelError(f"cannot read the event-type model {path}: {exc}; rebuild it with `make train` "
                                  "or turn it off (event_model=False, --no-event-model)") from exc
        try:
            meta = json.loads(str(arrays["meta"].reshape(-1)[0]))
            if meta.get("feature_version") != FEATURE_VERSION:
                raise EventModelError(f"{path} was trained on feature version {meta.get('feature_version')}, this "
                                      f"code computes version {FEATURE_VERSION}: rebuild it with `make train`")
            labels = [str(x) for x in arrays["labels"]]
            parts = [LinearModel({str(f): i for i, f in enumerate(arrays[f"{name}_vocabulary"])},
                                 arrays[f"{name}_weights"].astype(np.float32),
                                 arrays[f"{name}_bias"].astype(np.float32))
                     for name in ("sentence", "token")]
        except KeyError as exc:
            raise EventModelError(f"{path} lacks the array {exc}: rebuild it with `make train`") from exc
        for part in parts:
            if part.weights.shape != (len(part.vocabulary), len(labels)) or part.vocabulary.get(ALWAYS) != 0:
                raise EventModelError(f"{path}: weights do not match the vocabulary and labels; rebuild it")
        if meta.get("knowledge") != knowledge_digest():
            # Still usable (features of changed words score as unknown), but no longer what was measured.
            log.warning("%s was trained on other lexicon, word-class or modality tables than the events data "
                        "files now hold: rebuild it with `make train` to measure and use the new knowledge", path)
        return cls(parts[0], parts[1], labels, meta)

    def sentence_probabilities(self, sentences: Sequence[Sequence[Token]]) -> np.ndarray:
        return self.sentence.probabilities([sentence_features(s) for s in sentences])

    def token_probabilities(self, tokens: Sequence[Token]) -> np.ndarray:
        return self.token.probabilities([token_features(t) for t in tokens])


_LOADED: dict[Path, EventTypeModel] = {}


def default_model(path: Path | str = MODEL_FILE) -> EventTypeModel:
    """The model file loaded once per process."""
    key = Path(path).resolve()
    if key not in _LOADED:
        _LOADED[key] = EventTypeModel.load(key)
    return _LOADED[key]


# --- training (offline; needs the optional scikit-learn dependency: pip install -e ".[train]") ---


def fit_linear(rows: Sequence[Sequence[str]], labels: Sequence[str], weights: Sequence[float] | None = None,
               c: float = 1.0, min_count: int = 2, max_iter: int = 500) -> LinearModel:
    """A multinomial logistic regression on feature rows; deterministic for the same rows in the same order.

    The vocabulary is every feature seen in at least ``min_count`` rows, sorted (``ALWAYS`` first);
    the weight matrix has one column per label of :data:`LABELS` (labels absent from the data keep
    zero weights and a very low bias).
    """
    try:
        from scipy.sparse import csr_matrix
        from sklearn.linear_model import LogisticRegression
    except ImportError as exc:  # training is offline; the runtime needs numpy only
        raise EventModelError("training the event-type model needs scikit-learn: pip install -e '.[train]'") from exc
    counts = Counter(f for row in rows for f in set(row))
    kept = sorted(f for f, n in counts.items() if n >= min_count and f != ALWAYS)
    vocabulary = {ALWAYS: 0, **{f: i for i, f in enumerate(kept, 1)}}
    indptr, indices = [0], []
    for row in rows:
        columns = sorted({vocabulary[f] for f in row if f in vocabulary})
        indices.extend(columns)
        indptr.append(len(indices))
    matrix = csr_matrix((np.ones(len(indices), dtype=np.float64), np.asarray(indices, dtype=np.int64),
                         np.asarray(indptr, dtype=np.int64)), shape=(len(rows), len(vocabulary)))
    present = sorted(set(labels), key=LABELS.index)
    model = LogisticRegression(C=c, max_iter=max_iter, solver="lbfgs", tol=1e-6)
    model.fit(matrix, np.asarray([present.index(x) for x in labels]),
              sample_weight=None if weights is None else np.asarray(weights, dtype=np.float64))
    coef = np.zeros((len(vocabulary), len(LABELS)), dtype=np.float64)
    bias = np.full(len(LABELS), -30.0)
    if len(present) == 2:  # scikit-learn keeps one column for two classes: the second class against the first
        columns = np.stack([-model.coef_[0] / 2, model.coef_[0] / 2], axis=1)
        intercepts = np.asarray([-model.intercept_[0] / 2, model.intercept_[0] / 2])
    else:
        columns, intercepts = model.coef_.T, model.intercept_
    for k, label in enumerate(present):
        coef[:, LABELS.index(label)] = columns[:, k]
        bias[LABELS.index(label)] = intercepts[k]
    # Rounded so the file does not depend on the last bits of the optimiser's arithmetic.
    return LinearModel(vocabulary, np.round(coef, 4).astype(np.float32), np.round(bias, 4).astype(np.float32))


Row = tuple[list[str], str, float, str]  # features, label, weight, record id
_LABEL_POS = frozenset({"VERB", "NOUN", "ADJ"})


def training_rows(record_id: str, text: str, doc: Doc, types: Sequence[str],
                  triggers: Sequence[tuple[str, str]]) -> tuple[list[Row], list[Row]]:
    """Sentence rows and token rows of one labelled sentence.

    ``types`` are its gold PLOVER types (none for a non-event: one ``NONE`` row); a sentence with
    several types gives one row per type, weighted to sum to one. ``triggers`` are (trigger text,
    type): the verbs, nouns and adjectives inside a trigger's first occurrence are rows of that
    type, every other verb and noun a ``NONE`` row.
    """
    features = sentence_features(list(doc))
    distinct = sorted(set(types), key=LABELS.index) or [NONE]
    sentence_rows = [(features, plover, 1.0 / len(distinct), record_id) for plover in distinct]
    labelled: dict[int, str] = {}
    for trigger, plover in triggers:
        if not trigger:
            continue
        start = text.find(trigger)
        if start < 0:
            start = text.lower().find(trigger.lower())
        if start < 0:
            continue
        end = start + len(trigger)
        for token in doc:
            if token.idx < end and token.idx + len(token) > start and token.pos_ in _LABEL_POS:
                labelled.setdefault(token.i, plover)
    token_rows = [(token_features(token), labelled.get(token.i, NONE), 1.0, record_id)
                  for token in doc if token.i in labelled or token.pos_ in TRIGGER_POS]
    return sentence_rows, token_rows


def model_bytes(sentence: LinearModel, token: LinearModel, meta: dict[str, Any]) -> bytes:
    """The model file's bytes: a zip of .npy arrays with fixed timestamps, identical for identical models."""
    arrays: dict[str, np.ndarray] = {"labels": np.asarray(LABELS),
                                     "meta": np.asarray([json.dumps({**meta, "feature_version": FEATURE_VERSION,
                                                                     "knowledge": knowledge_digest()},
                                                                    sort_keys=True)])}
    for name, part in (("sentence", sentence), ("token", token)):
        order = sorted(part.vocabulary, key=part.vocabulary.__getitem__)
        arrays[f"{name}_vocabulary"] = np.asarray(order)
        arrays[f"{name}_weights"] = part.weights
        arrays[f"{name}_bias"] = part.bias
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name in sorted(arrays):
            info = zipfile.ZipInfo(name + ".npy", date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            payload = io.BytesIO()
            np.lib.format.write_array(payload, np.ascontiguousarray(arrays[name]), allow_pickle=False)
            archive.writestr(info, payload.getvalue())
    return buffer.getvalue()


__all__ = ["LABELS", "MODEL_FILE", "NONE", "EventTypeModel", "LinearModel", "default_model", "fit_linear",
           "model_bytes", "sentence_features", "token_features", "training_rows"]
