"""Turn the bytes of a document into text, whatever their encoding, and repair text damaged on the way.

Two kinds of damage reach a news pipeline:

- **Bytes in an unknown encoding.** UTF-8 is tried first; when the bytes are not UTF-8, the candidates
  are Windows-1252 (Western European) and whatever ``charset_normalizer`` proposes, and each decoding
  is judged by how many of its non-ASCII characters are implausible in text: symbols or letters of
  another script inside a word ("rz¹du", "dйclarй"), control characters. Short Western text is
  ambiguous to a detector (the same bytes read as Central European turn "à" into "ŕ"), so on a tie
  Windows-1252 wins for text that is mostly ASCII. The choice is never silent: :func:`decode_report`
  returns a warning naming the file and the encoding chosen.
- **Mojibake** (text that was decoded with the wrong encoding before it reached us: "â€œ" for "“",
  "Ã©" for "é"): :func:`repair_text` fixes it with ``ftfy`` and says what it fixed. It runs on every
  article at ingest, so the repaired text is the stored ``Article.text`` and every offset is an offset
  into it. Curly quotes are kept as they are (offsets and quotation finding rely on them).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

import ftfy
from charset_normalizer import from_bytes

from eventwire.errors import DocumentError

# Control characters that never occur in text; a high share of them means binary data.
_BINARY_BYTES = bytes(range(0, 9)) + bytes(range(14, 32))
_BOMS = (("utf-8-sig", b"\xef\xbb\xbf"), ("utf-16", b"\xff\xfe"), ("utf-16", b"\xfe\xff"))
# The Western European code page, preferred on a tie (see the module docstring).
WESTERN = "cp1252"
# Declared charsets that are Windows-1252 in practice (as browsers read them): their "“" and "—" are
# bytes 0x80-0x9F, control characters in ISO-8859-1.
_READ_AS_WESTERN = frozenset({"iso-8859-1", "iso8859-1", "latin-1", "latin1", "l1", "us-ascii", "ascii",
                              "iso_8859-1", "windows-1252", "cp1252"})
# Non-ASCII characters at home in Western text between or beside words.
_TYPOGRAPHIC = frozenset("“”‘’«»–—…•·°€£¥§©®™ ¡¿½¼¾×")
# Above this share of non-ASCII letters a text is not "mostly ASCII" Western text.
_WESTERN_MAX_NON_ASCII = 0.2
_SAMPLE = 200_000
_FTFY = ftfy.TextFixerConfig(uncurl_quotes=False, explain=True)
# "â€" (the first two characters of a UTF-8 punctuation mark read as Windows-1252) before a space or
# the end: the third byte was 0x9D ("”"), which Windows-1252 leaves undefined and many converters drop.
# Characters without which ftfy finds nothing to fix: Latin-1 letters and symbols (the stuff of mojibake),
# control characters, combining marks (not NFC), ligatures, full-width forms, surrogates, HTML entities.
# Curly quotes and dashes alone are good text and skip the (slower) full check.
_SUSPECT = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\xff\u0300-\u036f\ufb00-\ufb06\uff00-\uffef"
                      "\ud800-\udfff\u2028\u2029]|&[#a-zA-Z0-9]+;")
_LOST_CLOSING_QUOTE = re.compile(r"â€(?=[\s.,;:!?)\]]|$)")
# Space separators other than the plain space: no-break, en/em/thin/hair, narrow no-break, ideographic.
_UNICODE_SPACE = re.compile("[\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]")


@dataclass(slots=True)
class Decoded:
    """Decoded text and what a reader of it should know (warnings naming the file)."""

    text: str
    encoding: str
    warnings: list[str] = field(default_factory=list)


def looks_binary(data: bytes) -> bool:
    """True when the start of ``data`` has NUL bytes or many control characters."""
    sample = data[:8192]
    if not sample:
        return False
    if any(sample.startswith(bom) for _, bom in _BOMS):
        return False
    if b"\x00" in sample:
        return True
    controls = sum(sample.count(bytes([b])) for b in _BINARY_BYTES)
    return controls / len(sample) > 0.05


def decode(data: bytes, name: str, declared: str | None = None) -> str:
    """The text of ``data`` (see :func:`decode_report`, which also says which encoding was guessed)."""
    return decode_report(data, name, declared).text


def decode_report(data: bytes, name: str, declared: str | None = None) -> Decoded:
    """Decode ``data``: a BOM, then the declared charset, then UTF-8, then the most plausible candidate.

    Raises :class:`DocumentError` for binary data; never raises on odd bytes otherwise (undecodable
    bytes become U+FFFD as a last resort, with a warning).
    """
    for encoding, bom in _BOMS:
        if data.startswith(bom):
            return Decoded(data.decode(encoding, errors="replace"), encoding)
    if looks_binary(data):
        raise DocumentError(name, "binary data, not text")
    if declared:
        wanted = WESTERN if declared.strip().lower() in _READ_AS_WESTERN else declared
        try:
            return Decoded(data.decode(wanted), wanted)
        except (LookupError, UnicodeDecodeError):
            pass
    try:
        return Decoded(data.decode("utf-8"), "utf-8")
    except UnicodeDecodeError:
        pass
    return _guess(data, name)


def _guess(data: bytes, name: str) -> Decoded:
    proposed = [match.encoding for match in from_bytes(data[:1_000_000])] if data else []
    scored: list[tuple[int, int, str, str]] = []
    for order, encoding in enumerate(dict.fromkeys([WESTERN, *proposed])):
        try:
            text = data.decode(encoding)
        except (LookupError, UnicodeDecodeError):
            continue
        scored.append((implausible_characters(text[:_SAMPLE]), order, encoding, text))
    if not scored:
        text = data.decode("utf-8", errors="replace")
        return Decoded(text, "utf-8", [f"{name}: not valid UTF-8 and no known encoding fits; undecodable bytes "
                                       "were replaced by U+FFFD"])
    fewest = min(s[0] for s in scored)
    tied = [s for s in scored if s[0] == fewest]
    western = next((s for s in tied if s[2] == WESTERN), None)
    if western is not None and _mostly_ascii(western[3]):
        chosen = western
    else:
        chosen = min(tied, key=lambda s: (s[1] == 0, s[1]))  # the detector's order; Western last
    others = [s[2] for s in tied if s is not chosen]
    note = f"{name}: not valid UTF-8; decoded as {chosen[2]}"
    if others:
        note += f" (as plausible: {', '.join(others[:3])}; check the text if its accents look wrong)"
    return Decoded(chosen[3], chosen[2], [note])


def implausible_characters(text: str) -> int:
    """How many characters of ``text`` are unlikely in real text: control characters, and symbols or
    letters of another script inside a word. A wrong code page produces them ("rz¹du", "dйclarй")."""
    bad = 0
    for i, char in enumerate(text):
        if char.isascii():
            continue
        category = unicodedata.category(char)
        if category[0] == "C":
            bad += 1
            continue
        before = text[i - 1] if i else " "
        after = text[i + 1] if i + 1 < len(text) else " "
        inside = before.isalpha() and after.isalpha()
        if char.isalpha():
            # A letter of another script within a word ("dйclarй").
            script = _script(char)
            bad += (before.isalpha() and _script(before) != script) or (after.isalpha() and _script(after) != script)
        elif inside:
            bad += char not in "’'·-"  # a symbol inside a word ("rz¹du")
        elif before.isalpha() or after.isalpha():
            bad += char not in _TYPOGRAPHIC and category[0] not in "PZ"  # "zosta³"
        else:
            bad += char not in _TYPOGRAPHIC and category[0] not in "PZN"
    return bad


def _script(char: str) -> str:
    if char.isascii():
        return "LATIN"
    try:
        return unicodedata.name(char).split()[0]
    except ValueError:
        return "?"


def _mostly_ascii(text: str) -> bool:
    letters = [c for c in text[:_SAMPLE] if c.isalpha()]
    if not letters:
        return True
    return sum(not c.isascii() for c in letters) / len(letters) <= _WESTERN_MAX_NON_ASCII


def repair_text(text: str) -> tuple[str, list[str]]:
    """``text`` with mojibake and odd encodings repaired (``ftfy``), and one warning per kind of repair; no-break
    and other Unicode spaces become plain spaces (one character for one, without a warning: scraped pages are
    full of them, and the parser splits "Côte\u00a0d'Ivoire" into three tokens).

    Text without damage comes back unchanged and with no warning.
    """
    warnings: list[str] = []
    if _SUSPECT.search(text):
        prepared = _LOST_CLOSING_QUOTE.sub("â€\x9d", text)
        fixed, steps = ftfy.fix_and_explain(prepared, _FTFY)
        if fixed != text:
            text, warnings = fixed, [_describe(steps or [])]
    # After ftfy, which reads "Â\u00a0" as the mojibake of a no-break space.
    if _UNICODE_SPACE.search(text):
        text = _UNICODE_SPACE.sub(" ", text)
    return text, warnings


def _describe(steps: list[tuple[str, str]]) -> str:
    """One warning for ftfy's repair steps ("encode sloppy-windows-1252, decode utf-8" is mojibake)."""
    decoded = [p for a, p in steps if a == "decode"]
    encoded = [p.replace("sloppy-", "") for a, p in steps if a == "encode"]
    parts = []
    if decoded:
        read_as = ", ".join(encoded) or "another encoding"
        parts.append(f"mojibake repaired (text that was {decoded[-1]} read as {read_as})")
    applied = sorted({p.replace("fix_", "").replace("_", " ") for a, p in steps if a == "apply"})
    if applied:
        parts.append("fixed: " + ", ".join(applied))
    if not parts:
        parts.append("odd characters normalised")
    return "text repaired with ftfy: " + "; ".join(parts)
