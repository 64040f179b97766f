"""Article ids: the one rule every entry point checks, and stable ids for articles without one.

The rule (:func:`id_problem`): an id is 1 to ``MAX_ID_LENGTH`` (200) characters, with no control
characters (line breaks, tabs, NUL, ...), no leading or trailing whitespace, and is not ``.`` or ``..``
(which a browser would resolve as a path). Anything else is allowed, slashes and URLs included: the UI
encodes ids in every link.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata

_WHITESPACE = re.compile(r"\s+")
MAX_ID_LENGTH = 200


def id_problem(value: str) -> str | None:
    """Why ``value`` cannot be an article id (a sentence a user can act on), or None when it can."""
    if not value:
        return "an id cannot be empty"
    if len(value) > MAX_ID_LENGTH:
        return f"an id has at most {MAX_ID_LENGTH} characters, this one has {len(value):,}"
    if any(unicodedata.category(ch) == "Cc" or ch in "\u2028\u2029" for ch in value):
        return "an id cannot contain control characters (line breaks, tabs, NUL)"
    if value != value.strip():
        return "an id cannot start or end with whitespace"
    if value in (".", ".."):
        return f"{value!r} cannot be an id (a browser reads it as a path)"
    return None


def normalize_for_id(text: str) -> str:
    """The text as the id sees it: Unicode NFC, whitespace runs collapsed, trimmed."""
    return _WHITESPACE.sub(" ", unicodedata.normalize("NFC", text)).strip()


def article_id(text: str) -> str:
    """A stable id for an article without one: a hash of its normalized text.

    Re-ingesting the same text (even re-wrapped) gives the same id, so it is a no-op.
    """
    digest = hashlib.sha256(normalize_for_id(text).encode("utf-8", "surrogatepass")).hexdigest()
    return digest[:20]
