"""Coverage-guided fuzzing (atheris) of the PETRARCH dictionary readers.

Invariant: a reader returns (entries, errors) for any file content; a
malformed line is a DictionaryFormatError in ``errors``, never an exception.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import atheris

with atheris.instrument_imports():
    from eventwire.errors import DictionaryFormatError
    from eventwire.petrarch import read_actor_dictionary, read_agent_dictionary, read_discards, read_verb_dictionary

READERS = [read_actor_dictionary, read_agent_dictionary, read_verb_dictionary, read_discards]
WORKDIR = Path(tempfile.mkdtemp(prefix="eventwire-fuzz-dict-"))


def test_one_input(data: bytes) -> None:
    provider = atheris.FuzzedDataProvider(data)
    reader = READERS[provider.ConsumeIntInRange(0, len(READERS) - 1)]
    path = WORKDIR / "dictionary.txt"
    path.write_bytes(provider.ConsumeBytes(provider.remaining_bytes()))
    _, errors = reader(path)
    assert all(isinstance(error, DictionaryFormatError) for error in errors)


if __name__ == "__main__":
    atheris.Setup(sys.argv, test_one_input)
    atheris.Fuzz()
