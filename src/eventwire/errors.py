"""The exception types eventwire raises.

Every error a user can meet derives from :class:`EventwireError`; the CLI turns
them into one clear line (and exit code 2) instead of a traceback.
"""

from __future__ import annotations


class EventwireError(Exception):
    """Base class of every error eventwire raises on purpose."""


class DocumentError(EventwireError):
    """One input document could not be read; the batch goes on without it.

    ``name`` identifies the document (path, path#line, WARC record URI) and
    ``reason`` says what was wrong with it in words a user can act on.
    """

    def __init__(self, name: str, reason: str) -> None:
        super().__init__(f"{name}: {reason}")
        self.name = name
        self.reason = reason


class InputNotFoundError(EventwireError):
    """A path given on the command line does not exist."""


class ContractError(EventwireError):
    """A JSON object does not follow the data contract (docs/contract.md)."""


class ModelNotFoundError(EventwireError):
    """No usable spaCy pipeline is installed."""


class StoreError(EventwireError):
    """The DuckDB store cannot be opened or written."""


class WatchError(EventwireError):
    """A watch source or option cannot be used (not an http(s) URL, an unreadable sources file, a bad interval)."""


class StoreLockedError(StoreError):
    """Another process (usually ``eventwire serve``) holds the database file."""


class SchemaVersionError(StoreError):
    """The database was written by an incompatible eventwire version."""


class KnowledgeBaseError(EventwireError):
    """A knowledge-base or dictionary file is malformed."""


class DictionaryFormatError(KnowledgeBaseError):
    """A line of a PETRARCH/CAMEO dictionary cannot be parsed."""

    def __init__(self, path: str, line: int, reason: str) -> None:
        super().__init__(f"{path}:{line}: {reason}")
        self.path = path
        self.line = line
        self.reason = reason


class DataFileError(DictionaryFormatError):
    """A row of one of the package's data files (``#`` comment lines, then tab-separated rows) has the wrong
    number of fields; ``path`` and ``line`` say where (see :mod:`eventwire.datafiles`)."""


class ConfigurationError(EventwireError, ValueError):
    """A pipeline option or stage arrangement that cannot work (unknown option, duplicate stage name)."""


class EventModelError(KnowledgeBaseError):
    """The trained event-type model cannot be read (missing, damaged, other features) or trained."""


class GoldFormatError(EventwireError):
    """A gold-standard evaluation file cannot be read."""


class ProcessingTimeout(BaseException):
    """One document's stages ran longer than ``PipelineConfig.doc_timeout`` seconds.

    Derived from BaseException on purpose: raised by a SIGALRM timer at any point
    inside a stage, it must not be swallowed by a stage's own ``except Exception``.
    The engines turn it into a Failure for that document; the batch goes on.
    """

    def __init__(self, seconds: float) -> None:
        super().__init__(f"processing took longer than {seconds:g} s")
        self.seconds = seconds
