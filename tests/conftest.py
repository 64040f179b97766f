"""Shared fixtures: one loaded spaCy pipeline per test session, paths to shared gold data, and for the web tests
an HTTP ``client`` and a Chromium ``browser`` and ``page`` on the ``server`` fixture a module defines."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from eventwire.ingest import read_path
from eventwire.model import Article
from eventwire.pipeline import Pipeline, PipelineConfig

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

    from support.web import LiveServer

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"
IRAQ_ARTICLE = SHARED / "corpus" / "iraq-us-presence.txt"
# The canonical article carries no date in its file; its publication date is known.
IRAQ_PUBLISHED = "2017-12-20"


# Tests that get one of these fixtures load the spaCy pipeline: they are `slow`, whatever their module says.
SPACY_FIXTURES = frozenset({"pipeline", "nlp", "iraq"})
# A module holding one of these starts processes (the CLI, a live server, a watched site): its tests are `slow`.
PROCESS_HELPERS = frozenset({"subprocess", "live_server", "served", "eventwire_command", "EVENTWIRE_COMMAND",
                             "running_site"})
# ... as does a module using a helper of these (the CLI runner, interrupted runs).
PROCESS_MODULES = frozenset({"support.cli", "support.runs"})


def shared_path(*parts: str) -> Path:
    """A path under ../shared. Absent, the test is skipped with a clear reason on a developer's machine and
    FAILS under CI (the environment variable ``CI`` set), where a missing ../shared means lost coverage."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        message = f"shared reference data not found at {path}"
        if os.environ.get("CI"):
            pytest.fail(f"{message}; CI must run with ../shared beside the repository", pytrace=False)
        pytest.skip(message)
    return path


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Markers applied by one rule, so that `make check` (-m "not slow and not browser") stays fast:
    a test that loads the spaCy pipeline or whose module starts processes is `slow`; a test in a
    ``*_browser`` module drives Chromium (`browser`, and `slow`)."""
    for item in items:
        fixtures = set(getattr(item, "fixturenames", ()))
        module = getattr(getattr(item, "module", None), "__dict__", {})
        if "browser" in item.path.stem:
            item.add_marker(pytest.mark.browser)
            item.add_marker(pytest.mark.slow)
        elif fixtures & SPACY_FIXTURES or PROCESS_HELPERS & set(module) or any(
                getattr(value, "__module__", None) in PROCESS_MODULES for value in module.values()):
            item.add_marker(pytest.mark.slow)


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


# -- the web tests: a module defines ``server`` (a support.web.LiveServer, see support.web.served); these fixtures
# give its tests an HTTP client and, in ``*_browser`` modules, a Chromium tab on it.

@pytest.fixture(scope="module")
def client(server: LiveServer) -> Iterator[Any]:
    """An httpx client on the module's server."""
    with server.client() as http:
        yield http


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """One headless Chromium for the session's browser tests."""
    from support.web import chromium

    with chromium() as launched:
        yield launched  # type: ignore[misc]


@pytest.fixture(scope="module")
def browser_context() -> dict[str, Any]:
    """Options of each browser test's context; a module overrides this fixture to change them."""
    return {"viewport": {"width": 1280, "height": 900}}


@pytest.fixture
def page(browser: Browser, server: LiveServer, browser_context: dict[str, Any]) -> Iterator[Page]:
    """A tab in a fresh context on the module's server. After the test: no request went elsewhere (the UI works
    offline, with no CDN), no script error, no dialog opened (each is dismissed and counted as an error)."""
    context = browser.new_context(base_url=server.url, **browser_context)
    foreign: list[str] = []
    context.on("request", lambda request: None if request.url.startswith(server.url) else foreign.append(request.url))
    errors: list[str] = []
    tab = context.new_page()
    tab.on("pageerror", lambda error: errors.append(str(error)))
    tab.on("dialog", lambda dialog: (errors.append(f"dialog opened: {dialog.message}"), dialog.dismiss()))
    yield tab
    context.close()
    assert foreign == []
    assert errors == []
