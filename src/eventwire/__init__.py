"""eventwire: news articles in, political event data out.

Used like spaCy::

    import eventwire

    nlp = eventwire.load()
    article = nlp("Russia accused Ukraine of shelling Donetsk.", published="2024-05-01")
    for event in article.events:
        print(event.event, [p.code for p in event.actor], [p.code for p in event.recipient])

    for article in nlp.pipe(texts, n_process=2):   # a stream of texts or Articles
        ...

The data contract (``Article``, ``Actor``, ``Quote``, ``Event``, ...) is :mod:`eventwire.model`,
documented in ``docs/contract.md``; every error eventwire raises on purpose derives from
:class:`EventwireError`. The pipeline is assembled in :mod:`eventwire.pipeline`.
"""

from importlib.metadata import PackageNotFoundError, version

from eventwire.errors import (
    ConfigurationError,
    ContractError,
    DictionaryFormatError,
    DocumentError,
    EventwireError,
    GoldFormatError,
    InputNotFoundError,
    KnowledgeBaseError,
    ModelNotFoundError,
    ProcessingTimeout,
    StoreError,
    StoreLockedError,
)
from eventwire.model import Actor, Article, Event, Failure, Magnitude, Party, Place, Quote, Span
from eventwire.pipeline import Pipeline, PipelineConfig, load

try:
    __version__ = version("eventwire")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0"

__all__ = [
    "Actor",
    "Article",
    "ConfigurationError",
    "ContractError",
    "DictionaryFormatError",
    "DocumentError",
    "Event",
    "EventwireError",
    "Failure",
    "GoldFormatError",
    "InputNotFoundError",
    "KnowledgeBaseError",
    "Magnitude",
    "ModelNotFoundError",
    "Party",
    "Pipeline",
    "PipelineConfig",
    "Place",
    "ProcessingTimeout",
    "Quote",
    "Span",
    "StoreError",
    "StoreLockedError",
    "__version__",
    "load",
]
