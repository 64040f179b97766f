"""Coverage of the ontology by the event lexicon: which CAMEO codes and PLOVER types and modes
no trigger sense can code.

A CAMEO leaf code (a code no other code refines, with a PLOVER type) is covered when a lexicon
sense codes it, or when the coder converts to it (``intent.tsv``, ``detail.tsv``: "offered to mediate"
-> 039, "urged ... to release" -> 0253; ``topics.tsv``: a protest demanding a resignation -> 1411).
A PLOVER type and mode (``events/data/plover_modes.tsv``, from the manual's mode tables) is covered
when a sense codes that type with that mode, or the mode comes from the sentence's weapon words
(``weapons.tsv``, ASSAULT) or from the intent conversion (THREATEN). Nothing here reads gold data.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from eventwire.events import cameo
from eventwire.events.cameo import plover_modes
from eventwire.events.lexicon import NONE, Lexicon, default_lexicon
from eventwire.model import PLOVER_TYPES


def coverage(lexicon: Lexicon | None = None) -> dict[str, Any]:
    """Counts and lists of what the lexicon covers and misses."""
    lex = lexicon or default_lexicon()
    entries = [e for senses in lex.entries.values() for e in senses if not e.light and e.type != NONE]
    by_code = Counter(e.cameo for e in entries if e.cameo)
    table = cameo.cameo_codes()
    converted = {code for row in lex.intent.values() for code in row[:3] if code}
    converted |= {code for row in lex.detail.values() for code in row.values()}
    converted |= {code for code in table if len(code) == 4 and any(
        lex.protest_code(code[:3], demand) == code for demand in lex.topics)}
    leaves = [c for c in cameo.leaf_codes() if table[c].plover]
    missing_codes = [c for c in leaves if not by_code[c] and c not in converted]

    covered_pairs: set[tuple[str, str | None]] = set()
    for entry in entries:
        covered_pairs.add((entry.type, None))
        mode = entry.mode or cameo.plover_mode(entry.cameo)
        if mode:
            covered_pairs.add((entry.type, mode))
    covered_pairs.update(("ASSAULT", mode) for mode in lex.weapons.values())
    covered_pairs.update(("THREATEN", row[3]) for row in lex.intent.values() if row[3] and row[3] != "=")
    for code in converted:
        row = cameo.lookup(code)
        if row and row.plover:
            covered_pairs.add((row.plover, None))
            if cameo.plover_mode(code):
                covered_pairs.add((row.plover, cameo.plover_mode(code)))
    pairs = plover_modes()
    missing_pairs = [(t, m) for t, m in pairs if (t, m) not in covered_pairs]
    known_modes = {m for _, m in pairs if m}
    unknown_modes = sorted({f"{e.type} {e.mode}" for e in entries if e.mode and e.mode not in known_modes})
    return {
        "senses": len(entries),
        "cameo": {"leaves": len(leaves), "covered": len(leaves) - len(missing_codes),
                  "missing": [{"code": c, "name": table[c].name, "plover": table[c].plover} for c in missing_codes]},
        "types": {"total": len(PLOVER_TYPES), "missing": [t for t in PLOVER_TYPES if (t, None) not in covered_pairs]},
        "modes": {"total": sum(1 for _, m in pairs if m), "covered": sum(1 for t, m in pairs if m and (t, m)
                                                                          not in missing_pairs),
                  "missing": [f"{t} {m}" for t, m in missing_pairs if m]},
        # Modes a sense gives that the manual's mode tables do not list (kept from the CAMEO table).
        "unlisted_modes": unknown_modes,
    }


def render(report: dict[str, Any]) -> str:
    lines = [f"lexicon: {report['senses']} trigger senses"]
    codes = report["cameo"]
    lines.append(f"CAMEO leaf codes with a PLOVER type: {codes['covered']} of {codes['leaves']} have a sense; "
                 f"{len(codes['missing'])} without:")
    lines += [f"  {m['code']:<5} {m['plover']:<9} {m['name']}" for m in codes["missing"]]
    types = report["types"]
    lines.append(f"PLOVER types: {types['total'] - len(types['missing'])} of {types['total']} have a sense"
                 + (f"; without: {', '.join(types['missing'])}" if types["missing"] else ""))
    modes = report["modes"]
    lines.append(f"PLOVER modes: {modes['covered']} of {modes['total']} have a sense; {len(modes['missing'])} without:")
    lines += [f"  {m}" for m in modes["missing"]]
    if report["unlisted_modes"]:
        lines.append("modes the lexicon gives that the PLOVER manual does not list: "
                     + ", ".join(report["unlisted_modes"]))
    return "\n".join(lines)
