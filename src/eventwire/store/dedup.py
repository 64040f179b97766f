"""Near-duplicate articles: syndicated copies and light rewrites linked into story clusters.

Each article's text becomes a set of word shingles (runs of ``SHINGLE_WORDS``
lower-cased words) summarised by a MinHash signature; a MinHash LSH index
(datasketch) finds earlier articles whose estimated Jaccard similarity is at
least ``threshold``. Articles are taken in publication order (undated last,
then by id), so a story is named by its earliest article and the result does
not depend on the order articles were ingested in. Duplicates stay in the
store: the ``stories`` table links every article to its story
(``story_id``, the similarity to the closest earlier member, and the story's
size).

Memory: the signatures of all articles (``NUM_PERM`` 64-bit values each,
about 1 KB with the index) are held while clustering; article texts are read
a batch at a time and never all at once.
"""

from __future__ import annotations

import re
import zlib
from collections import Counter
from collections.abc import Iterable, Iterator
from functools import cache
from typing import Any

import duckdb
import numpy as np
import pyarrow as pa
from datasketch import MinHash, MinHashLSH

from eventwire.store.records import to_arrow

NUM_PERM = 64
SHINGLE_WORDS = 3
# Jaccard similarity of word 3-shingles above which two articles tell the same story. A syndicated copy with a
# different headline or footer scores ~0.8-1.0; a rewrite changing one word in ten scores ~0.5-0.7; two
# different articles on the same topic score well under 0.2.
DEFAULT_THRESHOLD = 0.5
_SEED = 7
_BASE = 1_000_003
_WORD = re.compile(r"\w+")


def shingles(text: str, size: int = SHINGLE_WORDS) -> set[bytes]:
    """The set of ``size``-word shingles of ``text`` (lower-cased words; punctuation and spacing ignored)."""
    words = _WORD.findall(text.lower())
    if len(words) < size:
        return {" ".join(words).encode("utf-8")} if words else set()
    return {" ".join(words[i:i + size]).encode("utf-8") for i in range(len(words) - size + 1)}


def shingle_hashes(text: str, size: int = SHINGLE_WORDS) -> np.ndarray:
    """32-bit hashes of the shingles of :func:`shingles`, computed without building the strings.

    Each word is hashed once (CRC-32: stable across processes, unlike ``hash``) and a shingle's hash
    is a polynomial of its words' hashes, in NumPy. This is 3-4x faster than hashing shingle strings.
    """
    words = _WORD.findall(text.lower())
    hashes = np.fromiter((zlib.crc32(word.encode("utf-8", "surrogatepass")) for word in words),
                         dtype=np.uint64, count=len(words))
    if len(hashes) < size:
        return np.array([zlib.crc32(" ".join(words).encode("utf-8", "surrogatepass"))] if words else [],
                        dtype=np.uint64)
    combined = np.zeros(len(hashes) - size + 1, dtype=np.uint64)
    for offset in range(size):
        combined = combined * np.uint64(_BASE) + hashes[offset:len(hashes) - size + 1 + offset]
    return np.unique(combined & np.uint64(0xFFFFFFFF))


@cache
def _permutations(num_perm: int) -> Any:
    return MinHash(num_perm=num_perm, seed=_SEED).permutations


def signature(text: str, num_perm: int = NUM_PERM) -> MinHash:
    """The MinHash of ``text``'s shingles (the permutations are drawn once per process, not per article)."""
    minhash = MinHash(num_perm=num_perm, seed=_SEED, hashfunc=int, permutations=_permutations(num_perm),
                      scheme="affine32")
    minhash.update_batch(shingle_hashes(text))
    return minhash


def signature_from_hashvalues(values: Iterable[int], num_perm: int = NUM_PERM) -> MinHash:
    """A :func:`signature` rebuilt from its stored ``hashvalues`` (for comparison with new signatures)."""
    return MinHash(num_perm=num_perm, seed=_SEED, hashvalues=np.asarray(list(values), dtype=np.uint64),
                   scheme="affine32")


class StoryClusterer:
    """Assigns articles, given in publication order, to story clusters."""

    def __init__(self, threshold: float = DEFAULT_THRESHOLD, num_perm: int = NUM_PERM) -> None:
        self.threshold = threshold
        self.num_perm = num_perm
        # Banding tuned for recall (b=21 bands of r=3 at 64 permutations: a pair at the threshold is found
        # with probability ~0.94, at 0.6 ~0.99); the extra candidates are dropped by the Jaccard check below.
        self.lsh = MinHashLSH(threshold=threshold, num_perm=num_perm, weights=(0.1, 0.9))
        self.signatures: dict[str, MinHash] = {}
        self.story_of: dict[str, str] = {}

    def add(self, article_id: str, text: str) -> tuple[str, float]:
        """The story ``article_id`` belongs to and its similarity to the closest earlier member (1.0 if first)."""
        if article_id in self.story_of:
            return self.story_of[article_id], 1.0
        return self.add_signature(article_id, signature(text, self.num_perm))

    def nearest(self, minhash: MinHash) -> tuple[float, str] | None:
        """The most similar article added so far at or above the threshold, as ``(similarity, id)``; None if none."""
        best: tuple[float, str] | None = None
        for candidate in self.lsh.query(minhash):
            similarity = minhash.jaccard(self.signatures[candidate])
            # LSH banding lets through some pairs under the threshold: check the estimate itself.
            if similarity >= self.threshold and (best is None or (similarity, candidate) > best):
                best = (similarity, candidate)
        return best

    def add_signature(self, article_id: str, minhash: MinHash) -> tuple[str, float]:
        """:meth:`add` for an article whose signature is already known (one kept from an earlier run)."""
        if article_id in self.story_of:
            return self.story_of[article_id], 1.0
        best = self.nearest(minhash)
        story, similarity = (self.story_of[best[1]], best[0]) if best else (article_id, 1.0)
        self.lsh.insert(article_id, minhash)
        self.signatures[article_id] = minhash
        self.story_of[article_id] = story
        return story, similarity


def cluster(articles: Iterable[tuple[str, str]], threshold: float = DEFAULT_THRESHOLD) -> dict[str, tuple[str, float]]:
    """``{article_id: (story_id, similarity)}`` for ``(id, text)`` pairs given in publication order."""
    clusterer = StoryClusterer(threshold)
    return {article_id: clusterer.add(article_id, text) for article_id, text in articles}


def _ordered_articles(con: duckdb.DuckDBPyConnection, batch_size: int) -> Iterator[tuple[str, str]]:
    cursor = con.cursor()
    result = cursor.execute(
        "SELECT id, any_value(text) FROM articles GROUP BY id "
        "ORDER BY min(published) NULLS LAST, id"
    )
    while rows := result.fetchmany(batch_size):
        yield from rows


def refresh_stories(con: duckdb.DuckDBPyConnection, threshold: float = DEFAULT_THRESHOLD,
                    batch_size: int = 1000) -> int:
    """Recompute the ``stories`` table from ``articles``; returns the number of stories with duplicates."""
    assigned = cluster(_ordered_articles(con, batch_size), threshold)
    sizes = Counter(story for story, _ in assigned.values())
    con.execute("DELETE FROM stories")
    items = list(assigned.items())
    for start in range(0, len(items), 50_000):
        rows = [{"article_id": article_id, "story_id": story, "similarity": round(similarity, 4),
                 "story_size": sizes[story]} for article_id, (story, similarity) in items[start:start + 50_000]]
        table: pa.Table = to_arrow("stories", rows)
        con.register("incoming_stories", table)
        con.execute("INSERT INTO stories SELECT * FROM incoming_stories")
        con.unregister("incoming_stories")
    return sum(1 for size in sizes.values() if size > 1)
