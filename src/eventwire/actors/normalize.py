"""Normalised keys for names: the one place that decides when two spellings are "the same".

``name_key`` is the exact-match key (case, accents, punctuation, a leading article and a
possessive do not matter). ``skeleton`` is a coarser spelling key used to block fuzzy
candidates: Arabic article prefixes dropped, doubled letters collapsed ("al-Abbadi" and
"Abadi" share ``abadi``). ``block_keys`` are the keys fuzzy candidates are blocked on (metaphone and
skeleton prefix of each significant name word).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache

import jellyfish

_QUOTES = str.maketrans({"’": "'", "‘": "'", "`": "'", "´": "'", "‐": "-", "‑": "-", "–": "-", "—": "-"})
_POSSESSIVE = re.compile(r"(?:'s|s'|')$")
_LEADING_ARTICLE = re.compile(r"^(?:the)\s+")
_NON_WORD = re.compile(r"[^\w\s]")
_SPACES = re.compile(r"\s+")
_ARABIC_ARTICLE = re.compile(r"\b(?:al|el|ad|ar|as|ash|at|az|an|ul)[- ]")
_DOUBLE = re.compile(r"(\w)\1+")


def fold(text: str) -> str:
    """Lower case without accents, with typographic quotes and dashes made plain."""
    text = text.translate(_QUOTES)
    if text.isascii():
        return text.casefold()
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


@lru_cache(maxsize=200_000)
def name_key(text: str) -> str:
    """The exact-match key of a name: ``"the United States'"`` and ``"united states"`` agree."""
    folded = fold(text).strip()
    folded = _POSSESSIVE.sub("", folded)
    folded = _LEADING_ARTICLE.sub("", folded)
    # Dots vanish ("U.S." -> "us"); hyphens and other punctuation become spaces.
    folded = folded.replace(".", "")
    folded = _NON_WORD.sub(" ", folded)
    return _SPACES.sub(" ", folded).strip()


@lru_cache(maxsize=200_000)
def skeleton(text: str) -> str:
    """A coarse spelling key: Arabic article prefixes dropped, doubled letters collapsed."""
    folded = fold(text).strip()
    folded = _POSSESSIVE.sub("", folded)
    folded = _ARABIC_ARTICLE.sub("", folded)
    folded = _NON_WORD.sub(" ", folded.replace(".", ""))
    folded = _DOUBLE.sub(r"\1", folded)
    return _SPACES.sub(" ", folded).strip()


def tokens(text: str) -> list[str]:
    return name_key(text).split()


# Name particles that say little about who is meant; they are not used as blocking keys.
PARTICLES = frozenset({"al", "el", "bin", "ibn", "ben", "de", "da", "di", "du", "van", "von", "der", "la", "le",
                       "of", "the", "jr", "sr", "ii", "iii", "mr", "mrs", "ms", "dr", "sir"})


def significant_words(tokens: Iterable[str]) -> list[str]:
    return [t for t in tokens if t not in PARTICLES and len(t) > 1]


@lru_cache(maxsize=65536)
def metaphone(token: str) -> str:
    return jellyfish.metaphone(token) or token


def block_keys(key: str) -> set[str]:
    """The blocking keys of a normalised name: metaphone and 4-letter skeleton prefix of each word."""
    keys: set[str] = set()
    for token in significant_words(key.split()):
        if len(token) < 3:
            continue
        keys.add("m:" + metaphone(token))
        keys.add("p:" + skeleton(token)[:4])
    return keys
