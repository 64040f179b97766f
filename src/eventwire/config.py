"""What a user can choose about a run (:class:`PipelineConfig`), apart from the pipeline that uses it.

The stages, the engines and the pipeline all read the configuration; keeping it here (it imports no stage,
no engine and not the pipeline) lets each of them import it without importing one another.
"""

from __future__ import annotations

from dataclasses import dataclass

from eventwire.model import Article, Failure

# The start of ProcessingTimeout's message, the warning a timed-out article carries.
TIMEOUT_WARNING = "processing took longer than"


@dataclass(slots=True)
class PipelineConfig:
    """What a user can choose about a run; every field has a working default."""

    model: str | None = None
    # Directory of PETRARCH/CAMEO dictionaries to code with instead of the built-in lexicon.
    dictionaries: str | None = None
    # Stage names to leave out (e.g. for benchmarking one stage's cost).
    disabled: tuple[str, ...] = ()
    batch_size: int = 32
    # Seconds one document's stages may take before it becomes a Failure (None: no limit). Enforced with
    # SIGALRM, so only in the main thread of a process (CLI, local and Ray workers), not in server threads.
    doc_timeout: float | None = 120.0
    # Combine the trained event-type model (events/model/) with the lexicon coder; False: rules alone.
    event_model: bool = True
    # The actor stage's user knowledge base directory (None: $EVENTWIRE_KB, else the default user KB).
    kb: str | None = None
    # The places gazetteer leaves out populated places smaller than this (None: its default, 500).
    places_min_population: int | None = None


def timed_out(article: Article) -> Failure | None:
    """The Failure an article whose stages ran past the document time limit stands for, else None."""
    warning = next((w for w in article.warnings if w.startswith(TIMEOUT_WARNING)), None)
    return Failure(article.source or article.id, warning) if warning else None
