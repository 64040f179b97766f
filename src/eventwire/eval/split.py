"""The fixed split of every gold set into a tuning part and a checking part.

Rules, lexicons and training data are written from the ontology, the reference documents and
the *tuning* part only; the *checking* part is scored but never read item by item, so the gap
between the two parts measures how much the system memorised. The split depends on nothing but
the record id: a salted SHA-256 of the id, so adding records never moves old ones between parts.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from typing import Literal, TypeVar

Part = Literal["tuning", "checking"]
PARTS: tuple[Part, Part] = ("tuning", "checking")
# Changing the salt or the share re-deals every gold set: never do it after tuning has started.
_SALT = b"eventwire-split-v1:"
_CHECKING_SHARE = 0.5

T = TypeVar("T")


def part_of(record_id: str) -> Part:
    """``"tuning"`` or ``"checking"`` for a record id, the same on every machine and run."""
    digest = hashlib.sha256(_SALT + str(record_id).encode("utf-8")).digest()
    return "checking" if int.from_bytes(digest[:8], "big") / 2**64 < _CHECKING_SHARE else "tuning"


def split_records(records: Iterable[T], key: str = "id") -> dict[Part, list[T]]:
    """Records (dicts with an id under ``key``) grouped by their part, in input order."""
    parts: dict[Part, list[T]] = {"tuning": [], "checking": []}
    for record in records:
        parts[part_of(str(record[key]))].append(record)  # type: ignore[index]
    return parts


def split_ids(records: Iterable[dict[str, object]], key: str = "id") -> dict[Part, list[str]]:
    """The ids of each part (sorted): what ``training/splits/*.json`` records, never the gold text."""
    ids: dict[Part, list[str]] = {"tuning": [], "checking": []}
    for record in records:
        ids[part_of(str(record[key]))].append(str(record[key]))
    return {part: sorted(values) for part, values in ids.items()}
