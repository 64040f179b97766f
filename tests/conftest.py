"""Shared fixtures: one loaded spaCy pipeline per test session, paths to shared gold data."""

from __future__ import annotations

from pathlib import Path

import pytest

from eventwire.ingest import read_path
from eventwire.model import Article
from eventwire.pipeline import Pipeline, PipelineConfig

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"
IRAQ_ARTICLE = SHARED / "corpus" / "iraq-us-presence.txt"
# The canonical article carries no date in its file; its publication date is known.
IRAQ_PUBLISHED = "2017-12-20"


def shared_path(*parts: str) -> Path:
    """A path under ../shared; the test is skipped with a clear reason when it is absent."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"shared reference data not found at {path}")
    return path


@pytest.fixture(scope="session")
def pipeline() -> Pipeline:
    """The full default pipeline, loaded once."""
    return Pipeline(PipelineConfig())


@pytest.fixture(scope="session")
def nlp(pipeline: Pipeline):  # type: ignore[no-untyped-def]
    return pipeline.nlp


@pytest.fixture(scope="session")
def iraq_raw() -> Article:
    """The canonical article as read from ../shared, with its publication date, not yet annotated."""
    [article] = list(read_path(shared_path("corpus", "iraq-us-presence.txt")))
    assert isinstance(article, Article)
    article.published = IRAQ_PUBLISHED
    return article


@pytest.fixture(scope="session")
def iraq(pipeline: Pipeline, iraq_raw: Article) -> Article:
    """The canonical article run through the whole pipeline (shared; do not mutate)."""
    return pipeline(Article.from_dict(iraq_raw.to_dict()))
