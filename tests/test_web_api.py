"""The HTTP API and pages against a live ``eventwire serve`` process on 127.0.0.1 with a real DuckDB file."""

from __future__ import annotations

import csv
import io
import json
import re
import subprocess
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from eventwire.errors import StoreLockedError
from eventwire.model import Article
from eventwire.store import Store
from support.web import (
    HOSTILE_ACTOR,
    HOSTILE_TEXT,
    HOSTILE_TITLE,
    HOSTILE_URL,
    LiveServer,
    build_db,
    eventwire_command,
    live_server,
    served,
    talks_article,
)

TOKEN = "s3cret-token-for-tests"


# `client`, on this server, comes from conftest.py.
@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    with served(tmp_path_factory, "web", build_db, token=TOKEN) as live:
        yield live


# -- reading --------------------------------------------------------------------------------------

def test_stats_count_the_stored_records(client: httpx.Client) -> None:
    stats = client.get("/api/stats").json()
    assert stats["counts"]["articles"] == 10
    assert stats["counts"]["events"] == 12
    assert stats["counts"]["quotes"] == 3
    assert stats["counts"]["negated_events"] == 1
    assert stats["counts"]["hypothetical_events"] == 1
    assert stats["counts"]["anonymous_quotes"] == 2
    assert stats["event_days"] == {"first": "2017-06-09", "last": "2018-03-04"}
    assert {"source": "USA", "target": "IRQ", "events": 4, "goldstein": 1.1} in stats["top_dyads"]


def test_article_is_the_full_contract_object(client: httpx.Client) -> None:
    response = client.get("/api/articles/talks")
    assert response.status_code == 200
    assert response.json() == talks_article().to_dict()
    assert Article.from_dict(response.json()) == talks_article()


def test_unknown_article_is_a_json_404(client: httpx.Client) -> None:
    response = client.get("/api/articles/no-such-article")
    assert response.status_code == 404
    assert response.json() == {"error": "no article with id 'no-such-article'", "status": 404}


def test_article_search_filters_and_pagination(client: httpx.Client) -> None:
    everything = client.get("/api/articles").json()
    assert everything["total"] == 10
    assert "text" not in everything["items"][0]
    assert [a["id"] for a in client.get("/api/articles", params={"q": "mattis"}).json()["items"]] == ["talks"]
    assert {a["id"] for a in client.get("/api/articles", params={"outlet": "wire two"}).json()["items"]} == \
        {"w6", "w7", "w8"}
    since = client.get("/api/articles", params={"since": "2018-01", "until": "2018-02-28"}).json()
    assert {a["id"] for a in since["items"]} == {"w5", "w6", "w7"}
    first = client.get("/api/articles", params={"limit": 4, "offset": 0}).json()
    second = client.get("/api/articles", params={"limit": 4, "offset": 4}).json()
    assert first["total"] == second["total"] == 10
    assert len(first["items"]) == len(second["items"]) == 4
    assert not {a["id"] for a in first["items"]} & {a["id"] for a in second["items"]}
    # Newest first.
    assert [a["published"] for a in first["items"]] == sorted((a["published"] for a in first["items"]), reverse=True)


@pytest.mark.parametrize(("params", "expected"), [
    ({"actor": "USA"}, {"e1", "e2", "e3", "w1e", "w4e", "w5e"}),
    ({"actor": "usagov"}, {"e1", "e2", "e3", "w1e", "w4e", "w5e"}),
    ({"actor": "Mattis"}, {"e1"}),
    ({"recipient": "IRQ", "actor": "USA"}, {"e1", "e2", "e3", "w1e", "w4e", "w5e"}),
    ({"recipient": "USA"}, {"w2e", "w3e"}),
    ({"type": "ASSAULT"}, {"he1", "w4e", "w7e"}),
    ({"quad": 4}, {"he1", "w4e", "w7e"}),
    ({"since": "2018-01-01", "until": "2018-02-28"}, {"e3", "w5e", "w6e", "w7e"}),
    ({"outlet": "baghdad"}, {"w2e", "w3e"}),
    ({"negated": "true"}, {"e2"}),
    ({"hypothetical": "true"}, {"e3"}),
    ({"actor": "RUS", "type": "CONSULT"}, {"w8e"}),
    ({"q": "security pact"}, {"e3"}),
])
def test_event_filters(client: httpx.Client, params: dict[str, object], expected: set[str]) -> None:
    page = client.get("/api/events", params=params).json()
    assert {e["id"] for e in page["items"]} == expected
    assert page["total"] == len(expected)


def test_events_limit_offset_and_total(client: httpx.Client) -> None:
    pages = [client.get("/api/events", params={"limit": 5, "offset": offset}).json() for offset in (0, 5, 10)]
    assert [p["total"] for p in pages] == [12, 12, 12]
    assert [len(p["items"]) for p in pages] == [5, 5, 2]
    ids = [e["id"] for p in pages for e in p["items"]]
    assert len(set(ids)) == 12
    assert ids[0] == "w8e"  # the latest event date comes first


def test_events_as_csv(client: httpx.Client) -> None:
    response = client.get("/api/events", params={"actor": "RUS", "format": "csv"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert [(r["id"], r["event"], r["actor"], r["recipient"]) for r in rows] == [
        ("w8e", "CONSULT", "Russia [RUS/GOV]", "Syria [SYR/GOV]"),
        ("w7e", "ASSAULT", "Russia [RUS/GOV]", "Ukraine [UKR/GOV]"),
        ("w6e", "THREATEN", "Russia [RUS/GOV]", "Ukraine [UKR/GOV]"),
    ]


@pytest.mark.parametrize("params", [
    {"since": "2017-13"}, {"since": "yesterday"}, {"quad": 7}, {"type": "HUG"}, {"limit": 0}, {"limit": 10**6},
    {"offset": -1}, {"negated": "maybe"}, {"actor": "x" * 500}, {"actor": "a\x00b"},
])
def test_bad_filters_are_clear_client_errors(client: httpx.Client, params: dict[str, object]) -> None:
    response = client.get("/api/events", params=params)
    assert response.status_code in (400, 422)
    body = response.json()
    assert body["status"] == response.status_code
    assert body["error"]


def test_quotes_with_speaker_and_anonymous_flag(client: httpx.Client) -> None:
    quotes = client.get("/api/quotes", params={"actor": "mattis"}).json()
    assert [(q["id"], q["speaker_name"], q["anonymous"]) for q in quotes["items"]] == [("q1", "Jim Mattis", False)]
    anonymous = client.get("/api/quotes", params={"anonymous": "true"}).json()
    assert {q["id"] for q in anonymous["items"]} == {"q2", "hq1"}


def test_actors_are_keyed_by_kb_id_else_normalized_name(client: httpx.Client) -> None:
    actors = {a["key"]: a for a in client.get("/api/actors", params={"limit": 100}).json()["items"]}
    assert actors["kb:usa"]["articles"] == 5
    assert actors["kb:jim-mattis"]["name"] == "Jim Mattis"
    assert actors["name:officials who declined to be named"]["anonymous"] is True
    detail = client.get("/api/actors/kb:usa").json()
    assert detail["actor"]["name"] == "United States"
    assert {e["id"] for e in detail["events"]["items"]} == {"w1e", "w2e", "w3e", "w4e", "w5e"}
    assert detail["network"] == [
        {"key": "kb:irq", "name": "Iraq", "code": "IRQ", "events": 5, "as_source": 3, "goldstein": 0.48}
    ]
    mattis = client.get("/api/actors/kb:jim-mattis").json()
    assert [q["id"] for q in mattis["quotes"]["items"]] == ["q1"]
    assert client.get("/api/actors/kb:nobody").status_code == 404


def test_dyad_timeline_counts_quads_and_mean_goldstein_per_month(client: httpx.Client) -> None:
    timeline = client.get("/api/dyads/USA/IRQ/timeline", params={"interval": "month"}).json()
    periods = {p["period"]: p for p in timeline["periods"]}
    assert next(iter(periods)) == "2017-06" and list(periods)[-1] == "2018-01"
    assert len(periods) == 8  # gaps filled
    assert periods["2017-06"] == {"period": "2017-06", "events": 2, "quad1": 1, "quad2": 1, "quad3": 0,
                                  "quad4": 0, "goldstein": 4.2, "killed": 0}
    assert periods["2017-07"]["events"] == 0 and periods["2017-07"]["goldstein"] is None
    assert periods["2017-09"]["quad4"] == 1 and periods["2017-09"]["goldstein"] == -10.0
    # The negated agreement (2017-12) and the hypothetical pact (2018) are not counted.
    assert periods["2017-12"] == {"period": "2017-12", "events": 1, "quad1": 1, "quad2": 0, "quad3": 0,
                                  "quad4": 0, "goldstein": 1.0, "killed": 0}
    directed = client.get("/api/dyads/IRQ/USA/timeline", params={"interval": "year", "directed": "true"}).json()
    assert directed["periods"] == [{"period": "2017", "events": 2, "quad1": 1, "quad2": 0, "quad3": 1, "quad4": 0,
                                    "goldstein": -0.5, "killed": 0}]
    assert client.get("/api/dyads/USA/IRQ/timeline", params={"interval": "fortnight"}).status_code == 422


def test_openapi_describes_the_endpoints(client: httpx.Client) -> None:
    spec = client.get("/openapi.json").json()
    assert {"/api/articles", "/api/articles/{article_id}", "/api/events", "/api/quotes", "/api/actors",
            "/api/dyads/{a}/{b}/timeline", "/api/stats"} <= set(spec["paths"])
    parameters = {p["name"] for p in spec["paths"]["/api/events"]["get"]["parameters"]}
    assert {"actor", "recipient", "type", "quad", "since", "until", "outlet", "negated", "limit",
            "offset"} <= parameters
    assert "post" in spec["paths"]["/api/articles"]


# -- security -------------------------------------------------------------------------------------

def test_cors_is_off_and_security_headers_are_set(client: httpx.Client) -> None:
    response = client.get("/api/stats", headers={"Origin": "https://evil.example"})
    assert "access-control-allow-origin" not in response.headers
    preflight = client.options("/api/articles", headers={"Origin": "https://evil.example",
                                                         "Access-Control-Request-Method": "POST"})
    assert "access-control-allow-origin" not in preflight.headers
    page = client.get("/")
    assert "script-src 'self'" in page.headers["content-security-policy"]
    assert page.headers["x-content-type-options"] == "nosniff"


def test_foreign_host_header_is_refused(client: httpx.Client) -> None:
    # A page on another site that rebinds its DNS name to 127.0.0.1 sends its own Host header.
    assert client.get("/api/stats", headers={"Host": "attacker.example"}).status_code == 400


def test_hostile_article_renders_as_text(client: httpx.Client) -> None:
    html = client.get("/articles/hostile%3C1%3E").text
    # The only script elements are the page's own.
    assert re.findall(r"<script\b[^>]*>", html) == [
        '<script src="/static/app.js" defer>', '<script type="application/json" id="records">']
    assert "<img" not in html and "<svg onload" not in html and "<b>" not in html and "<i>role" not in html
    assert "&lt;script&gt;alert(&#34;title&#34;)&lt;/script&gt;" in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
    assert 'href="javascript:' not in html and "href='javascript:" not in html
    assert HOSTILE_URL in html  # shown, not linked
    records = re.search(r'<script type="application/json" id="records">(.*?)</script>', html, re.S)
    assert records is not None
    assert "<" not in records.group(1)  # tojson escapes markup inside the data block
    assert json.loads(records.group(1))["a:h1"]["name"] == HOSTILE_ACTOR
    hostile_actor_page = "/actors/name%3A%3Csvg%20onload%3Dalert(3)%3Earmy%3C%2Fsvg%3E"
    for page in ("/", "/events", "/articles", "/actors", hostile_actor_page):
        body = client.get(page).text
        assert "<svg onload" not in body and "<script>" not in body and "<b>Outlet" not in body, page
    api = client.get("/api/articles/hostile<1>").json()
    assert (api["title"], api["text"]) == (HOSTILE_TITLE, HOSTILE_TEXT)


def test_html_errors_for_pages(client: httpx.Client) -> None:
    response = client.get("/articles/%3Cscript%3Ealert(1)%3C%2Fscript%3E")
    assert response.status_code == 404
    assert "text/html" in response.headers["content-type"]
    assert "<script>alert(1)" not in response.text and "&lt;script&gt;alert(1)" in response.text


def test_untouched_form_fields_mean_any_on_pages_only(client: httpx.Client) -> None:
    page = client.get("/events", params={"actor": "RUS", "quad": "", "since": "", "negated": "", "type": ""})
    assert page.status_code == 200
    assert '<span class="total">3</span>' in page.text
    assert client.get("/api/events", params={"quad": ""}).status_code == 422


# -- writing --------------------------------------------------------------------------------------

def test_post_without_or_with_wrong_token_is_401(client: httpx.Client) -> None:
    article = {"id": "new", "text": "Iraq and the United States held talks on Monday."}
    missing = client.post("/api/articles", json=article)
    assert missing.status_code == 401
    assert missing.headers["www-authenticate"] == "Bearer"
    assert "bearer token" in missing.json()["error"]
    wrong = client.post("/api/articles", json=article, headers={"Authorization": f"Bearer {TOKEN}x"})
    assert wrong.status_code == 401
    basic = client.post("/api/articles", json=article, headers={"Authorization": f"Basic {TOKEN}"})
    assert basic.status_code == 401
    assert client.get("/api/articles/new").status_code == 404


def test_post_body_limits_and_malformed_bodies(client: httpx.Client) -> None:
    auth = {"Authorization": f"Bearer {TOKEN}"}
    big = b'{"text": "' + b"a" * (11 * 1024 * 1024) + b'"}'
    too_big = client.post("/api/articles", content=big, headers={**auth, "Content-Type": "application/json"})
    assert too_big.status_code == 413
    assert "limit" in too_big.json()["error"]

    def chunks() -> Iterator[bytes]:
        for _ in range(12):
            yield b"x" * (1024 * 1024)

    streamed = client.post("/api/articles", content=chunks(), headers={**auth, "Content-Type": "application/json"})
    assert streamed.status_code == 413
    malformed = client.post("/api/articles", content=b'{"text": ', headers={**auth, "Content-Type": "application/json"})
    assert malformed.status_code == 422
    assert "malformed JSON" in malformed.json()["error"]
    no_text = client.post("/api/articles", json={"title": "no text"}, headers=auth)
    assert no_text.status_code == 422
    assert "'text'" in no_text.json()["error"]
    empty = client.post("/api/articles", content=b"  ", headers={**auth, "Content-Type": "application/json"})
    assert empty.status_code == 400
    form = client.post("/api/articles", data={"text": "x"}, headers=auth)
    assert form.status_code == 415


def test_cli_write_while_the_server_runs_is_refused_clearly(server: LiveServer, tmp_path: Path) -> None:
    with pytest.raises(StoreLockedError, match="eventwire serve"):
        Store(server.db)
    source = tmp_path / "one.txt"
    source.write_text("Iraq and the United States held talks on Monday.\n", encoding="utf-8")
    result = subprocess.run([*eventwire_command(), "ingest", str(source), "--db", str(server.db)],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 2
    message = " ".join(result.stderr.split())  # Rich wraps long lines
    assert "in use by another process" in message and "POST /api/articles" in message


@pytest.mark.slow
def test_post_extracts_and_stores_articles(client: httpx.Client) -> None:
    """The real pipeline runs in the server: one JSON article, then a JSON-lines batch with a bad line."""
    auth = {"Authorization": f"Bearer {TOKEN}"}
    one = {"id": "posted-1", "title": "Talks", "outlet": "Posted Wire", "published": "2018-04-02",
           "text": "Iraqi Prime Minister Haider al-Abadi met US Defense Secretary Jim Mattis in Baghdad on Monday."}
    response = client.post("/api/articles", json=one, headers=auth)
    assert response.status_code == 201, response.text
    assert response.json() == {"stored": 1, "skipped": 0, "failed": 0, "ids": ["posted-1"], "failures": []}
    stored = client.get("/api/articles/posted-1").json()
    assert (stored["text"], stored["outlet"], stored["published"]) == (one["text"], "Posted Wire", "2018-04-02")
    again = client.post("/api/articles", json=one, headers=auth)
    assert again.status_code == 200 and again.json()["skipped"] == 1
    lines = "\n".join([json.dumps({"id": "posted-2", "text": "Russia warned Ukraine on Tuesday."}), "{not json",
                       json.dumps({"id": "posted-3", "text": "Syria hosted talks with Russia."})])
    batch = client.post("/api/articles", content=lines.encode(),
                        headers={**auth, "Content-Type": "application/x-ndjson"})
    assert batch.status_code == 201
    report = batch.json()
    assert (report["stored"], report["failed"], report["ids"]) == (2, 1, ["posted-2", "posted-3"])
    assert report["failures"][0]["name"] == "request#2"
    assert client.get("/api/stats").json()["counts"]["articles"] == 13


def test_writes_are_disabled_without_a_configured_token(tmp_path: Path) -> None:
    db = tmp_path / "readonly.duckdb"
    build_db(db)
    with live_server(db, token=None) as live, live.client() as http:
        response = http.post("/api/articles", json={"text": "x"}, headers={"Authorization": "Bearer anything"})
        assert response.status_code == 403
        assert "EVENTWIRE_API_TOKEN" in response.json()["error"]
        assert http.get("/api/stats").json()["counts"]["articles"] == 10



def test_aggregated_events_count_every_report_of_one_event(tmp_path: Path) -> None:
    from eventwire.store.aggregate import refresh_derived

    db = tmp_path / "agg.duckdb"
    build_db(db)
    with Store(db) as store:
        refresh_derived(store.con)
        expected = store.con.execute("SELECT count(*), max(num_mentions) FROM aggregated_events").fetchone()
        mentions = store.con.execute("SELECT count(*) FROM events WHERE NOT negated AND NOT hypothetical").fetchone()
    with live_server(db) as live, live.client() as http:
        page = http.get("/api/aggregated-events", params={"limit": 500}).json()
        usa = http.get("/api/aggregated-events", params={"actor": "USA", "limit": 500}).json()
    assert page["total"] == expected[0] > 0
    assert page["items"][0]["num_mentions"] == expected[1]
    # Every factual event row is a mention of exactly one aggregated event.
    assert sum(item["num_mentions"] for item in page["items"]) == mentions[0]
    assert 0 < usa["total"] < page["total"]
    assert all(item["num_articles"] <= item["num_mentions"] for item in page["items"])


def test_posted_articles_reach_the_aggregated_events(tmp_path: Path) -> None:
    from eventwire.store.aggregate import refresh_derived

    db = tmp_path / "agg-post.duckdb"
    build_db(db)
    with Store(db) as store:
        refresh_derived(store.con)
    body = {"id": "posted-accusation", "outlet": "Test Wire", "published": "2019-05-02",
            "text": "Iran accused Israel of attacking its oil tankers in the Red Sea on Tuesday."}
    with live_server(db, token=TOKEN) as live, live.client() as http:
        def mentions() -> int:
            items = http.get("/api/aggregated-events", params={"limit": 500}).json()["items"]
            return sum(item["num_mentions"] for item in items)

        before = mentions()
        posted = http.post("/api/articles", json=body, headers={"Authorization": f"Bearer {TOKEN}"})
        assert posted.status_code in (200, 201) and posted.json()["stored"] == 1
        events = http.get("/api/articles/posted-accusation").json()["events"]
        factual = [e for e in events if not e["negated"] and not e["hypothetical"]]
        accusations = http.get("/api/aggregated-events", params={"actor": "IRN", "type": "ACCUSE"}).json()
        assert factual and mentions() == before + len(factual)
    assert accusations["total"] == 1 and accusations["items"][0]["outlets"] == ["Test Wire"]
