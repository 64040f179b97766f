"""Sector codes: PLOVER's, which every eventwire output uses, and the CAMEO agent codes they are read from and
written back as.

The table is ``data/sectors.tsv`` (the PLOVER sectors in its header, one CAMEO code per row; format and the
PLOVER manual's renames in the header). A user's CAMEO dictionary enters eventwire through
:func:`plover_sector` (``eventwire kb import``), a CAMEO-style export (GDELT) leaves through
:func:`cameo_sector`, and a filter value in CAMEO spelling is read with :func:`plover_actor_code`. PLOVER's MED
is health; CAMEO's MED (news media) is PLOVER's JRN: a code is only ever read in the vocabulary it comes from.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from eventwire.datafiles import numbered_rows
from eventwire.errors import DictionaryFormatError

SECTORS = Path(__file__).parent / "data" / "sectors.tsv"
SECTOR_COLUMNS: tuple[str, ...] = ("cameo", "plover", "back")
# A header line defining a sector code ("#   GOV  government: ...").
_SECTOR_LINE = re.compile(r"#   ([A-Z]{3})  \S")


@dataclass(frozen=True, slots=True)
class SectorCodes:
    plover: frozenset[str]  # the PLOVER sectors (and IGO, see the table's header)
    from_cameo: dict[str, str | None]  # CAMEO code -> PLOVER sector; None: the code says no sector
    to_cameo: dict[str, str]  # PLOVER sector -> the CAMEO code it is written as


def header_sectors(path: Path) -> frozenset[str]:
    """The sector codes a data file's header defines, one per '#   CODE  meaning' line (this table's, the agent
    nouns')."""
    with path.open(encoding="utf-8") as handle:
        return frozenset(m.group(1) for line in handle if (m := _SECTOR_LINE.match(line)))


def load_sector_codes(path: Path = SECTORS) -> SectorCodes:
    """A sector table; a malformed line raises DictionaryFormatError."""
    from_cameo: dict[str, str | None] = {}
    to_cameo: dict[str, str] = {}
    plover = header_sectors(path)
    if not plover:
        raise DictionaryFormatError(str(path), 1, "the header defines no PLOVER sector ('#   CODE  meaning' lines)")
    for number, (cameo, sector, back) in numbered_rows(path, len(SECTOR_COLUMNS), header=SECTOR_COLUMNS[0],
                                                       names=SECTOR_COLUMNS):
        if not re.fullmatch(r"[A-Z]{3}", cameo) or cameo in from_cameo:
            raise DictionaryFormatError(str(path), number, f"CAMEO code {cameo!r} is not three capitals listed once")
        if sector != "-" and sector not in plover:
            raise DictionaryFormatError(str(path), number, f"{sector!r} is not a PLOVER sector of the header")
        if back not in ("yes", "no") or (back == "yes" and (sector == "-" or sector in to_cameo)):
            raise DictionaryFormatError(str(path), number, "back is yes for at most one CAMEO code of a PLOVER "
                                        f"sector (and never for '-'), else no; found {back!r}")
        from_cameo[cameo] = None if sector == "-" else sector
        if back == "yes":
            to_cameo[sector] = cameo
    return SectorCodes(plover, from_cameo, to_cameo)


@lru_cache(maxsize=1)
def sector_codes() -> SectorCodes:
    """The shipped table, parsed once per process."""
    return load_sector_codes()


def is_cameo_sector(code: str) -> bool:
    """Whether ``code`` is a CAMEO agent code the table knows (whatever it becomes in PLOVER)."""
    return code.upper() in sector_codes().from_cameo


def plover_sector(cameo: str | None) -> str | None:
    """The PLOVER sector of a CAMEO agent code (``MED`` -> JRN, ``HLH`` -> MED, ``SEP`` -> REB); None for a code
    that says no sector (``RAD``) or that the table does not know."""
    if not cameo:
        return None
    return sector_codes().from_cameo.get(cameo.upper())


def cameo_sector(sector: str | None) -> str | None:
    """The CAMEO code a PLOVER sector is written as (``JRN`` -> MED, ``MED`` -> HLH); None when CAMEO has none
    (PRM, UNK, PRE) or the sector is empty."""
    if not sector:
        return None
    return sector_codes().to_cameo.get(sector.upper())


def plover_actor_code(code: str) -> str:
    """An actor code (country + sector, ``USAHLH``) with a trailing sector spelled only by CAMEO put in PLOVER's
    spelling (``USAMED``); codes whose last three letters are a PLOVER sector (``USAMED`` is US health) or no
    sector code at all are returned as given. For filters typed in CAMEO habits."""
    codes = sector_codes()
    upper = code.strip().upper()
    tail = upper[-3:]
    if len(upper) <= 3 or tail in codes.plover:
        return upper
    sector = codes.from_cameo.get(tail)
    return upper[:-3] + sector if sector else upper


def user_sector(code: str | None) -> str | None:
    """A sector a user typed (a KB import's ``sector`` field, a filter): a PLOVER sector as given, a code only
    CAMEO spells (``HLH``, ``SEP``, ``HRI``) as its PLOVER sector; ``MED`` is PLOVER's health. Raises ValueError
    for anything else."""
    if code is None or not code.strip():
        return None
    codes = sector_codes()
    upper = code.strip().upper()
    if upper in codes.plover:
        return upper
    if upper in codes.from_cameo:
        return codes.from_cameo[upper]
    raise ValueError(f"sector {code!r} is neither a PLOVER sector ({', '.join(sorted(codes.plover))}) nor a CAMEO "
                     f"code (see eventwire/knowledge/data/sectors.tsv)")


def plover_agent_code(code: str | None) -> str | None:
    """A CAMEO agent code of one or more three-letter parts (``GOVFRM``, ``MED``) with its first part, the
    sector, in PLOVER's spelling (``MED`` -> JRN, ``HLHNGO`` -> MEDNGO); a first part that says no sector
    (``RAD``) is left out, one the table does not know (``FRM``) kept. None for an empty code."""
    if not code:
        return None
    head, rest = code[:3].upper(), code[3:]
    if head not in sector_codes().from_cameo:
        return code
    return (plover_sector(head) or "") + rest or None


def cameo_agent_code(code: str | None) -> str | None:
    """The inverse of :func:`plover_agent_code` for CAMEO-style codes: the first part, a PLOVER sector, in
    CAMEO's spelling (``JRN`` -> MED, ``MEDNGO`` -> HLHNGO); other parts as given."""
    if not code:
        return None
    head, rest = code[:3].upper(), code[3:]
    if head not in sector_codes().plover:
        return code
    return (cameo_sector(head) or "") + rest or None
