"""Ids: one rule, checked at every entry point, and encoded in every link of the UI (issue 14, item 10)."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from html import unescape
from pathlib import Path
from urllib.parse import urljoin

import httpx
import pytest

from eventwire.errors import DocumentError
from eventwire.ingest import Limits, read_inputs
from eventwire.ingest.document import make_article
from eventwire.ingest.ids import MAX_ID_LENGTH, id_problem
from eventwire.model import Article, Failure
from eventwire.store import Store
from support.trust import build_trust_db, lookalike_article
from support.web import live_server

TOKEN = "ids-test-token"
# Ids a user may give (JSONL, POST): kept as they are, whatever they contain.
GOOD = ["a", "eastasia-2022-10-04-nk-missile", "../../api/stats", "https://example.org/a?b=1#c", "x" * MAX_ID_LENGTH,
        "hostile<1>", "Ünïcode id", "a%2Fb"]
BAD = ["", " padded", "padded ", "x" * (MAX_ID_LENGTH + 1), "x" * 5000, ".", "..", "line\nbreak", "nul\x00",
       "tab\tid", "bell\x07"]


@pytest.mark.parametrize("value", GOOD)
def test_good_ids(value: str) -> None:
    assert id_problem(value) is None
    assert make_article("doc", "Talks resumed in Doha.", Limits(), id=value).id == value


@pytest.mark.parametrize("value", BAD[1:], ids=lambda v: repr(v[:12]))
def test_bad_ids_are_refused_with_the_rule(value: str) -> None:
    assert id_problem(value)
    with pytest.raises(DocumentError, match="id"):
        make_article("doc", "Talks resumed in Doha.", Limits(), id=value)


def test_readers_and_the_store_apply_the_rule(tmp_path: Path) -> None:
    source = tmp_path / "ids.jsonl"
    source.write_text("\n".join(json.dumps({"id": i, "text": "Talks resumed in Doha."}) for i in ("ok", "x" * 5000))
                      + "\n", encoding="utf-8")
    items = list(read_inputs([str(source)]))
    assert isinstance(items[0], Article) and isinstance(items[1], Failure)
    assert f"at most {MAX_ID_LENGTH}" in items[1].reason
    # A library user writing articles directly meets the same rule.
    bad = lookalike_article()
    bad.id = ".."
    with Store(tmp_path / "s.duckdb") as store:
        assert store.write_batch([bad, lookalike_article()]) == 1
        assert "id" in store.failures()[0]["reason"]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[httpx.Client]:
    db = tmp_path_factory.mktemp("ids") / "ids.duckdb"
    tricky = lookalike_article()
    tricky.id = "../../api/stats"
    tricky.title = "Tricky id article"
    build_trust_db(db, [tricky])
    with live_server(db, token=TOKEN) as live, live.client() as http:
        yield http


def test_post_refuses_an_id_it_could_not_serve(server: httpx.Client) -> None:
    response = server.post("/api/articles", json={"id": "x" * 5000, "text": "Talks resumed in Doha."},
                           headers={"Authorization": f"Bearer {TOKEN}"})
    assert response.status_code == 422
    assert f"at most {MAX_ID_LENGTH}" in response.json()["error"]


def test_every_article_link_leads_to_the_article(server: httpx.Client) -> None:
    followed = 0
    for page in ("/", "/articles", "/events", "/articles/" + "..%2F..%2Fapi%2Fstats"):
        response = server.get(page)
        assert response.status_code == 200, (page, response.text[:300])
        base = str(response.url)
        for href in re.findall(r'href="([^"]+)"', response.text):
            href = unescape(href)
            if "stats" not in href or href == "/api/stats":
                continue
            # As a browser resolves it (dot segments included).
            target = server.get(urljoin(base, href))
            assert target.status_code == 200, href
            assert "Tricky id article" in target.text or target.json().get("id") == "../../api/stats", href
            followed += 1
    assert followed >= 4


def test_a_parquet_dataset_meets_the_same_rule(tmp_path: Path) -> None:
    from eventwire.engines.dataset import ParquetSink
    from eventwire.store.parquet import load_dataset

    bad, good = lookalike_article(), lookalike_article()
    bad.id = "x" * 5000
    sink = ParquetSink(str(tmp_path / "dataset"))
    sink.write_chunk("0", [bad, good])
    sink.write_manifest({"articles": 2})
    with Store(tmp_path / "loaded.duckdb") as store:
        stored, skipped, failures = load_dataset(store, tmp_path / "dataset")
        assert (stored, skipped, failures) == (1, 0, 1)
        [failure] = store.failures()
        assert f"at most {MAX_ID_LENGTH}" in failure["reason"]
        assert store.known_ids([good.id]) == {good.id}
