"""The CAMEO authority: codes, names, PLOVER type and mode, Goldstein value and quad class.

One table (``events/data/cameo.tsv``, documented in its header) read once; the built-in coder,
the PETRARCH-dictionary coder, the lexicon loader and the event stage all ask this module, so a
CAMEO code means the same PLOVER type whichever coder produced it.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from eventwire.datafiles import numbered_rows, read_rows
from eventwire.errors import DictionaryFormatError
from eventwire.model import PLOVER_TYPES

CAMEO_TABLE = Path(__file__).resolve().parent / "data" / "cameo.tsv"
MODES_FILE = Path(__file__).resolve().parent / "data" / "plover_modes.tsv"


@dataclass(frozen=True, slots=True)
class CameoCode:
    code: str
    name: str
    plover: str | None  # None for CAMEO 01 (public statements): no PLOVER event
    mode: str | None
    goldstein: float | None
    quad: int


@lru_cache(maxsize=2)
def cameo_codes(path: Path = CAMEO_TABLE) -> dict[str, CameoCode]:
    """Every code of the table (parent codes included), in file order."""
    table: dict[str, CameoCode] = {}
    for number, (code, name, plover, mode, goldstein, quad) in numbered_rows(path, 6, header=True):
        if plover and plover not in PLOVER_TYPES:
            raise DictionaryFormatError(str(path), number, f"{plover!r} is not a PLOVER type")
        try:
            table[code] = CameoCode(code, name, plover or None, mode or None,
                                    float(goldstein) if goldstein else None, int(quad))
        except ValueError as exc:
            raise DictionaryFormatError(str(path), number, f"bad number: {exc}") from exc
    return table


def lookup(code: str | None) -> CameoCode | None:
    """The table row of a code, or of its nearest listed parent ("0871x" -> "0871" -> "087")."""
    table = cameo_codes()
    while code:
        if code in table:
            return table[code]
        code = code[:-1] if len(code) > 2 else ""
    return None


def plover_of(code: str | None) -> str | None:
    found = lookup(code)
    return found.plover if found else None


def score(code: str | None) -> tuple[float | None, int | None]:
    """Goldstein value and quad class of a code; the Goldstein value of the nearest parent that lists one."""
    found = lookup(code)
    if found is None:
        return None, None
    goldstein = found.goldstein
    parent = found.code
    while goldstein is None and len(parent) > 2:
        parent = parent[:-1]
        row = cameo_codes().get(parent)
        goldstein = row.goldstein if row else None
    return goldstein, found.quad


@lru_cache(maxsize=2)
def plover_modes(path: Path = MODES_FILE) -> tuple[tuple[str, str | None], ...]:
    """(type, mode) pairs of the PLOVER manual's mode tables; mode None stands for the type itself."""
    pairs: list[tuple[str, str | None]] = []
    for plover, mode in read_rows(path, 2, header=True):
        pairs.append((plover, None if mode == "-" else mode))
    return tuple(pairs)


def plover_mode(code: str | None) -> str | None:
    """The PLOVER mode a code implies, when the CAMEO table's mode is one of the manual's for its type
    (the table also carries older labels such as "ban" or "return" that PLOVER no longer lists)."""
    row = lookup(code)
    if row is None or row.mode is None or (row.plover, row.mode) not in plover_modes():
        return None
    return row.mode


def leaf_codes() -> list[str]:
    """Codes no other code of the table refines (the codes a coder can be asked to produce)."""
    codes = list(cameo_codes())
    return [c for c in codes if not any(o != c and o.startswith(c) for o in codes)]


__all__ = ["CAMEO_TABLE", "CameoCode", "cameo_codes", "leaf_codes", "lookup", "plover_mode", "plover_modes",
           "plover_of", "score"]
