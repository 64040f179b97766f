"""Stable article ids."""

from __future__ import annotations

import hashlib
import re
import unicodedata

_WHITESPACE = re.compile(r"\s+")


def normalize_for_id(text: str) -> str:
    """The text as the id sees it: Unicode NFC, whitespace runs collapsed, trimmed."""
    return _WHITESPACE.sub(" ", unicodedata.normalize("NFC", text)).strip()


def article_id(text: str) -> str:
    """A stable id for an article without one: a hash of its normalized text.

    Re-ingesting the same text (even re-wrapped) gives the same id, so it is a no-op.
    """
    digest = hashlib.sha256(normalize_for_id(text).encode("utf-8", "surrogatepass")).hexdigest()
    return digest[:20]
