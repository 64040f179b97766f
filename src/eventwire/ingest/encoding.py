"""Turn the bytes of a document into text, whatever their encoding."""

from __future__ import annotations

from charset_normalizer import from_bytes

from eventwire.errors import DocumentError

# Control characters that never occur in text; a high share of them means binary data.
_BINARY_BYTES = bytes(range(0, 9)) + bytes(range(14, 32))
_BOMS = (("utf-8-sig", b"\xef\xbb\xbf"), ("utf-16", b"\xff\xfe"), ("utf-16", b"\xfe\xff"))


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
    """Decode ``data``: a BOM, then the declared charset, then UTF-8, then a detector.

    Raises :class:`DocumentError` for binary data; never raises on odd bytes
    otherwise (undecodable bytes become U+FFFD as a last resort).
    """
    for encoding, bom in _BOMS:
        if data.startswith(bom):
            return data.decode(encoding, errors="replace")
    if looks_binary(data):
        raise DocumentError(name, "binary data, not text")
    if declared:
        try:
            return data.decode(declared)
        except (LookupError, UnicodeDecodeError):
            pass
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    best = from_bytes(data[:1_000_000]).best()
    if best is not None and best.encoding:
        try:
            return data.decode(best.encoding, errors="replace")
        except LookupError:
            pass
    return data.decode("utf-8", errors="replace")
