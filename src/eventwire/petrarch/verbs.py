"""Reader for PETRARCH/CAMEO verb dictionaries (``CAMEO.2.0.txt``, ``*.verbs.txt``).

The file holds synonym sets, verb blocks and transformation rules::

    &CURRENCY                 # a synonym set: '+' lines are its members
    +DOLLAR                   # members may be phrases or other sets (+&OTHER)

    ---  CANCEL   [160]  ---  # a verb block: name and default CAMEO code
    CANCEL                    # a verb of the block
    QUIT {QUITS QUITTING }    # irregular forms in braces
    +CALL_OFF [160]           # a multi-word verb, '+' marks the verb word,
    KLM_NOP_+RST [002]        #   which may come last; its own code
    - * TALKS  [164]          # a pattern: '*' is the verb, words after it must follow
    - WORK *  [160]           # words before '*' must precede it
    - * (TO BORDER) [154]     # '(PREP WORDS)' is a prepositional phrase
    - * {ARMS SHIPMENT} [072] # '{...}' is a multi-word noun phrase
    - * &FOOD [073]           # a synonym set
    - + * (INTO $) [0862]     # '$' source, '+' target, '%' compound actor, '^' skip a phrase

    ~ a (a b ATTACK) SAY = a b 015   # a transformation rule

Underscores join words that must be adjacent; the reader keeps the words and
the pattern's raw text. Codes are kept as written (``042:043`` codes an event
and its reverse, ``---`` codes nothing). Comments are ``#`` (``;`` after a
verb form, an old TABARI style) and ``<!-- ... -->`` blocks. A pattern that
names an unknown synonym set is reported and kept (it can never match).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from eventwire.errors import DictionaryFormatError
from eventwire.petrarch._lines import content_lines

# Seen in the wild: "---  DISGRACE   [110]---  ---", "--- LASH OUT  [122] ---", "--- DELAY [120]  [031:031]  ---".
_HEADER = re.compile(r"^-{3,}\s*(?P<name>[^\[\-][^\[]*?)\s*(?:\[(?P<code>[^\]]*)\]\s*)?(?:\[[^\]]*\]\s*)*[-\s]*$")
_CODE_AT_END = re.compile(r"\[(?P<code>[^\[\]]*)\]\s*$")
_FORM = re.compile(r"^(?P<verb>[^{\[]+?)\s*(?:\{(?P<forms>[^}]*)\})?\s*(?:\[(?P<code>[^\]]*)\])?\s*$")
_TRANSFORM = re.compile(r"^~\s*(?P<lhs>.+?)\s*=\s*(?P<rhs>.+?)\s*$")

# TABARI's markers: '$' is the source, '+' the target, '%' a compound actor acting on itself, '^' skips a phrase.
MARKERS = {"$": "source", "+": "target", "%": "compound", "^": "skip"}


@dataclass(frozen=True, slots=True)
class PatternElement:
    """One element of a pattern.

    ``kind`` is ``word`` (``words`` = one word), ``synset`` (``words`` = the
    set name with its ``&``), ``phrase`` (a ``{...}`` multi-word noun),
    ``prep`` (``words[0]`` the preposition, then its object's words and
    markers), or a marker: ``source`` ($), ``target`` (+), ``compound`` (%),
    ``skip`` (^). ``joined`` is true when an underscore glues the element to
    the one before it (or to the verb, for the first element after ``*``):
    the two must then be adjacent in the sentence.
    """

    kind: str
    words: tuple[str, ...] = ()
    joined: bool = False


@dataclass(slots=True)
class VerbPattern:
    before: tuple[PatternElement, ...]
    after: tuple[PatternElement, ...]
    code: str
    line: int
    text: str = ""
    # "IN_*": the last element before the verb must immediately precede it.
    verb_joined: bool = False


@dataclass(slots=True)
class VerbForm:
    """A verb of a block: its words (``head`` indexes the verb word), irregular forms, own code if any."""

    words: tuple[str, ...]
    head: int = 0
    forms: tuple[tuple[str, ...], ...] = ()
    code: str | None = None
    line: int = 0

    @property
    def lemma(self) -> str:
        return self.words[self.head]

    @property
    def particles(self) -> tuple[str, ...]:
        """The words after the verb word (``CALL_OFF`` -> ``('OFF',)``)."""
        return self.words[self.head + 1:]

    @property
    def preceding(self) -> tuple[str, ...]:
        return self.words[:self.head]


@dataclass(slots=True)
class VerbBlock:
    name: str
    code: str
    forms: list[VerbForm] = field(default_factory=list)
    patterns: list[VerbPattern] = field(default_factory=list)
    line: int = 0


@dataclass(frozen=True, slots=True)
class Transformation:
    """``~ a (a b ATTACK) SAY = a b 015``: kept as its two sides, split into tokens."""

    lhs: tuple[str, ...]
    rhs: tuple[str, ...]
    line: int


@dataclass(slots=True)
class VerbDictionary:
    blocks: list[VerbBlock] = field(default_factory=list)
    # Set name (with '&', no trailing '_') -> member phrases as word tuples, nested sets expanded.
    synsets: dict[str, list[tuple[str, ...]]] = field(default_factory=dict)
    transformations: list[Transformation] = field(default_factory=list)

    def __iter__(self):  # type: ignore[no-untyped-def]
        return iter(self.blocks)

    def __len__(self) -> int:
        return len(self.blocks)


def synset_name(token: str) -> str:
    return "&" + token.lstrip("&").rstrip("_").upper()


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.replace("_", " ").upper().split())


def _verb_words(text: str) -> tuple[tuple[str, ...], int]:
    """``KLM_NOP_+RST`` -> (('KLM', 'NOP', 'RST'), 2); without a '+' the first word is the verb."""
    parts = text.upper().replace("_", " ").split()
    head = next((i for i, p in enumerate(parts) if p.startswith("+")), 0)
    return tuple(p.lstrip("+") for p in parts), head


def _raw_tokens(text: str) -> list[tuple[str, bool]]:
    """Tokens of a pattern with, for each, whether an underscore glues it to the token before.

    A set name keeps its underscore-joined tail (``&TIETYPES_RELATIONS``):
    set names may contain underscores themselves (``&FIGHT_OF_WORDS``), so
    where the name ends is only decided once all sets are known
    (:func:`_resolve_synsets`).
    """
    tokens: list[tuple[str, bool]] = []
    for chunk in re.sub(r"([{}()])", r" \1 ", text.upper()).split():
        glue = False
        for part in re.findall(r"_|\*|[^_*]+", chunk):
            if part == "_":
                glue = True
                continue
            if glue and part != "*" and tokens and tokens[-1][0].startswith("&"):
                tokens[-1] = (tokens[-1][0] + "_" + part, tokens[-1][1])
            else:
                tokens.append((part, glue))
            glue = False
    return tokens


def tokenize_pattern(text: str) -> tuple[list[PatternElement], list[PatternElement], bool]:
    """Split a pattern into the elements before and after ``*`` and whether ``X_*`` glues the verb.

    Raises ``ValueError`` on unbalanced brackets or when there is not exactly one ``*``.
    """
    tokens = _raw_tokens(text)
    stars = [i for i, (t, _) in enumerate(tokens) if t == "*"]
    if len(stars) != 1:
        raise ValueError("pattern must contain exactly one '*' for the verb")
    star = stars[0]
    return _elements(tokens[:star]), _elements(tokens[star + 1:]), tokens[star][1]


def _elements(tokens: list[tuple[str, bool]]) -> list[PatternElement]:
    elements: list[PatternElement] = []
    i = 0
    while i < len(tokens):
        token, joined = tokens[i]
        if token in ("{", "("):
            close = "}" if token == "{" else ")"
            depth, j = 0, i
            while j < len(tokens):
                if tokens[j][0] == token:
                    depth += 1
                elif tokens[j][0] == close:
                    depth -= 1
                    if depth == 0:
                        break
                j += 1
            if j >= len(tokens):
                raise ValueError(f"unbalanced '{token}' in pattern")
            inner = tuple(t for t, _ in tokens[i + 1:j] if t not in "{}()")
            if not inner:
                raise ValueError(f"empty '{token}{close}' in pattern")
            elements.append(PatternElement("phrase" if token == "{" else "prep", inner, joined))
            i = j + 1
            continue
        if token in ("}", ")"):
            raise ValueError(f"unbalanced '{token}' in pattern")
        if token in MARKERS:
            elements.append(PatternElement(MARKERS[token], (), joined))
        elif token.startswith("&"):
            elements.append(PatternElement("synset", (token,), joined))
        else:
            elements.append(PatternElement("word", (token,), joined))
        i += 1
    return elements


def _split_synset(token: str, known: dict[str, list[tuple[str, ...]]]) -> list[str]:
    """``&TIETYPES_RELATIONS`` -> ``['&TIETYPES', 'RELATIONS']`` using the longest known set name."""
    parts = token.lstrip("&").split("_")
    for cut in range(len(parts), 0, -1):
        name = synset_name("_".join(parts[:cut]))
        if name in known:
            return [name, *[p for p in parts[cut:] if p]]
    return [synset_name(token)]


def _resolve_synsets(elements: tuple[PatternElement, ...],
                     known: dict[str, list[tuple[str, ...]]]) -> tuple[PatternElement, ...]:
    out: list[PatternElement] = []
    for element in elements:
        if element.kind == "synset":
            name, *rest = _split_synset(element.words[0], known)
            out.append(PatternElement("synset", (name,), element.joined))
            out.extend(PatternElement("word", (word,), True) for word in rest)
        elif element.kind in ("phrase", "prep"):
            words = [w for word in element.words
                     for w in (_split_synset(word, known) if word.startswith("&") else [word])]
            out.append(PatternElement(element.kind, tuple(words), element.joined))
        else:
            out.append(element)
    return tuple(out)


def _parse_pattern(body: str, number: int) -> VerbPattern:
    code_match = _CODE_AT_END.search(body)
    if code_match is None:
        raise ValueError("pattern has no [CODE] at its end")
    code = code_match.group("code").strip()
    text = body[:code_match.start()].strip()
    # A stray copy of the pattern's tail glued to the code ("(WITH VISIT)  VISIT)[042]") is dropped.
    while text.count(")") > text.count("(") and text.split()[-1].endswith(")"):
        text = text.rsplit(None, 1)[0] if len(text.split()) > 1 else ""
    before, after, verb_joined = tokenize_pattern(text)
    return VerbPattern(tuple(before), tuple(after), code or "---", number, text, verb_joined)


def _expand_synsets(raw: dict[str, list[tuple[str, ...]]]) -> dict[str, list[tuple[str, ...]]]:
    expanded: dict[str, list[tuple[str, ...]]] = {}

    def members(name: str, seen: frozenset[str]) -> list[tuple[str, ...]]:
        if name in expanded:
            return expanded[name]
        out: list[tuple[str, ...]] = []
        for phrase in raw.get(name, []):
            if len(phrase) == 1 and phrase[0].startswith("&"):
                nested = synset_name(phrase[0])
                if nested not in seen:
                    out.extend(members(nested, seen | {nested}))
            else:
                out.append(phrase)
        if not seen - {name}:
            expanded[name] = out
        return out

    for name in raw:
        expanded[name] = members(name, frozenset({name}))
    return expanded


def read_verb_dictionary(path: str | Path) -> tuple[VerbDictionary, list[DictionaryFormatError]]:
    """Read a verb dictionary; malformed lines become errors and the rest is still loaded."""
    name = str(path)
    errors: list[DictionaryFormatError] = []
    result = VerbDictionary()
    raw_sets: dict[str, list[tuple[str, ...]]] = {}
    set_lines: dict[str, int] = {}
    block: VerbBlock | None = None
    synset: str | None = None
    for number, text, _raw in content_lines(path):
        stripped = text.strip()
        if stripped.startswith("---"):
            match = _HEADER.match(stripped)
            synset = None
            if match is None:
                errors.append(DictionaryFormatError(name, number, "verb block header must be --- NAME [CODE] ---"))
                block = None
                continue
            code = (match.group("code") or "").strip() or "---"
            block = VerbBlock("_".join(match.group("name").upper().split()), code, line=number)
            result.blocks.append(block)
            continue
        if stripped.startswith("&"):
            synset = synset_name(stripped.split()[0])
            raw_sets.setdefault(synset, [])
            set_lines.setdefault(synset, number)
            continue
        if stripped.startswith("~"):
            synset = None
            match = _TRANSFORM.match(stripped)
            if match is None:
                errors.append(DictionaryFormatError(name, number, "transformation must be ~ LEFT = RIGHT"))
            else:
                result.transformations.append(Transformation(tuple(match.group("lhs").replace("(", " ( ").replace(
                    ")", " ) ").split()), tuple(match.group("rhs").split()), number))
            continue
        if stripped.startswith("+") and synset is not None:
            member = stripped[1:].strip()
            if not member:
                errors.append(DictionaryFormatError(name, number, "empty synonym set member"))
            elif member.startswith("&"):
                raw_sets[synset].append((synset_name(member),))
            else:
                raw_sets[synset].append(_words(member))
            continue
        synset = None
        if stripped.startswith("-"):
            if block is None:
                errors.append(DictionaryFormatError(name, number, "pattern outside a verb block"))
                continue
            try:
                block.patterns.append(_parse_pattern(stripped[1:], number))
            except ValueError as exc:
                errors.append(DictionaryFormatError(name, number, str(exc)))
            continue
        if block is None:
            errors.append(DictionaryFormatError(name, number, "verb outside a verb block (no --- NAME [CODE] ---)"))
            continue
        match = _FORM.match(stripped.split(";")[0].strip())
        if match is None:
            errors.append(DictionaryFormatError(name, number, "expected VERB {FORMS} [CODE]"))
            continue
        words, head = _verb_words(match.group("verb"))
        forms = tuple(_verb_words(form)[0] for form in (match.group("forms") or "").split())
        code = match.group("code")
        block.forms.append(VerbForm(words, head, forms, code.strip() if code is not None else None, number))
    result.synsets = _expand_synsets(raw_sets)
    for block in result.blocks:
        for pattern in block.patterns:
            pattern.before = _resolve_synsets(pattern.before, result.synsets)
            pattern.after = _resolve_synsets(pattern.after, result.synsets)
            for element in (*pattern.before, *pattern.after):
                for word in element.words:
                    if word.startswith("&") and word not in result.synsets:
                        errors.append(DictionaryFormatError(name, pattern.line, f"unknown synonym set {word}"))
    errors.sort(key=lambda e: e.line)
    return result, errors
