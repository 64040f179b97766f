"""The attack surface of ``eventwire serve``, against a live server on 127.0.0.1 with a real DuckDB file.

The one place for these checks (tests/test_web_api.py covers the API's behaviour: 401/403/413 answers, bodies):
every GET route and every one of its parameters is attacked with SQL,
file-serving routes are probed for path traversal, request bodies are malformed in every way we know, and wrong
tokens of every length are refused. Browser-level XSS checks are in tests/test_security_browser.py.
"""

from __future__ import annotations

import ast
import inspect
import json
import socket
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import httpx
import pytest

from eventwire.web import api as web_api
from support.hostile import build_hostile_db
from support.web import LiveServer, build_db, live_server, served

TOKEN = "Tk-9f3a1c7e5b2d4a6f8e0c1b3d5f7a9c2e"  # distinctive, so a leak in a log is unambiguous


# `client`, on this server, comes from conftest.py.
@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    with served(tmp_path_factory, "security", build_hostile_db, token=TOKEN) as live:
        yield live


def counts(client: httpx.Client) -> dict[str, int]:
    return client.get("/api/stats").json()["counts"]  # type: ignore[no-any-return]


# -- SQL injection ---------------------------------------------------------------------------------

INJECTIONS = [
    "' OR '1'='1", "' OR 1=1 --", "1; DROP TABLE events; --", "x') OR ('a'='a", "\" OR \"\"=\"",
    "' UNION SELECT id, text, title FROM articles --", "USA' AND (SELECT count(*) FROM articles) > 0 --",
    "'; COPY articles TO '/tmp/eventwire-pwned.csv'; --", "' || (SELECT text FROM articles LIMIT 1) || '",
    "$1", "?", "\\", "'; ATTACH '/tmp/x.db' AS x; --", "USA'; DROP TABLE events; --", "%' OR ''='",
    "\\' UNION SELECT * FROM articles --",
]

# Every page route with its text parameters (pages are not in the OpenAPI spec).
PAGE_PARAMS = {"/articles": ["q", "outlet"], "/actors": ["q"],
               "/events": ["actor", "recipient", "outlet", "article", "q"]}


def api_text_parameters(client: httpx.Client) -> dict[str, list[str]]:
    """Every GET route of the OpenAPI spec with its string query parameters."""
    spec = client.get("/openapi.json").json()
    routes: dict[str, list[str]] = {}
    for route, operations in spec["paths"].items():
        if "get" not in operations:
            continue
        names = []
        for parameter in operations["get"].get("parameters", []):
            schema = parameter.get("schema", {})
            kinds = {s.get("type") for s in schema.get("anyOf", [schema])}
            if parameter["in"] == "query" and "string" in kinds and "enum" not in json.dumps(schema) \
                    and parameter["name"] not in ("since", "until", "interval", "format"):
                names.append(parameter["name"])
        routes[route] = names
    return routes


def test_every_text_filter_of_every_api_route_is_inert_to_sql(client: httpx.Client) -> None:
    before = counts(client)
    routes = api_text_parameters(client)
    assert {"/api/events", "/api/quotes", "/api/actors", "/api/articles"} <= set(routes)
    assert set(routes["/api/events"]) >= {"actor", "recipient", "outlet", "article", "q"}
    checked = 0
    for route, names in routes.items():
        if "{" in route:
            continue
        for name in names:
            for value in INJECTIONS:
                response = client.get(route, params={name: value})
                if response.status_code == 400 and route == "/api/aggregated-events" and name == "q":
                    continue  # no sentence to search in aggregates: refused whatever the value
                assert response.status_code == 200, (route, name, value, response.text)
                assert response.json()["total"] == 0, (route, name, value)
                checked += 1
    assert checked >= 13 * len(INJECTIONS)
    assert counts(client) == before
    assert not Path("/tmp/eventwire-pwned.csv").exists()


def test_like_wildcards_in_contains_filters_match_literally(client: httpx.Client) -> None:
    routes = api_text_parameters(client)
    for route, names in routes.items():
        if "{" in route:
            continue
        for name in names:
            for value in ("%", "%%", "%_%", "_%"):
                response = client.get(route, params={name: value})
                if response.status_code == 400 and route == "/api/aggregated-events" and name == "q":
                    continue  # refused whatever the value (see above)
                assert response.json()["total"] == 0, (route, name, value)
    # A literal underscore still matches: the hostile article's text contains "__pwned".
    assert client.get("/api/articles", params={"q": "__pwned"}).json()["total"] == 1


@pytest.mark.parametrize("template", [
    "/api/articles/{}", "/api/actors/{}", "/api/dyads/{}/IRQ/timeline", "/api/dyads/USA/{}/timeline",
    "/articles/{}", "/actors/{}", "/dyads/{}/IRQ", "/dyads/USA/{}",
])
def test_path_parameters_are_inert_to_sql(client: httpx.Client, template: str) -> None:
    before = counts(client)
    for value in INJECTIONS:
        response = client.get(template.format(quote(value, safe="")))
        assert response.status_code in (200, 404), (template, value, response.status_code)
        if response.status_code == 200 and "/timeline" in template:
            assert response.json()["periods"] == []
        if response.status_code == 200 and template.startswith("/dyads/"):
            assert "No events" in response.text or "<tbody></tbody>" in response.text.replace("\n", "") \
                or "hl-event" not in response.text
    assert counts(client) == before


def test_page_filters_are_inert_to_sql(client: httpx.Client) -> None:
    for route, names in PAGE_PARAMS.items():
        for name in names:
            for value in INJECTIONS:
                response = client.get(route, params={name: value})
                assert response.status_code == 200, (route, name, value)
                assert '<span class="total">0</span>' in response.text or "No " in response.text, (route, name)


def test_unicode_and_control_characters_in_filters_are_client_errors_not_500(client: httpx.Client) -> None:
    # Percent-encoded as sent: NUL, a UTF-16 surrogate and an overlong form (both invalid UTF-8), ESC, RTL override.
    for value in ("%00", "%ED%A0%80", "%C0%AE", "a%1Bb", "%E2%80%AE%27%20OR%201%3D1", "x" * 201, "%FF%FE"):
        for route in ("/api/events", "/api/articles", "/api/quotes", "/api/actors", "/events", "/articles"):
            name = "actor" if route in ("/api/events", "/api/quotes", "/events") else "q"
            response = client.get(f"{route}?{name}={value}")
            assert response.status_code in (200, 400, 422), (route, repr(value), response.status_code)


def test_queries_are_built_with_parameters_only() -> None:
    """No value reaches SQL through string formatting: every execute() in the store's query module passes
    its values as a parameter list (formatted SQL only joins fixed column names and placeholders)."""
    from eventwire.store import query

    tree = ast.parse(inspect.getsource(query))
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "execute":
            sql = node.args[0] if node.args else None
            if isinstance(sql, ast.JoinedStr):
                names = {n.id for v in sql.values if isinstance(v, ast.FormattedValue) for n in ast.walk(v.value)
                         if isinstance(n, ast.Name)}
                assert not names & {"value", "filters", "key", "a", "b"}, ast.unparse(node)


# -- path traversal --------------------------------------------------------------------------------

TRAVERSALS = [
    "/static/../../pyproject.toml", "/static/%2e%2e/%2e%2e/pyproject.toml", "/static/%2e%2e%2f%2e%2e%2fpyproject.toml",
    "/static/..%2f..%2f..%2fpyproject.toml", "/static/%252e%252e%252fpyproject.toml", "/static//etc/passwd",
    "/static/%2fetc%2fpasswd", "/static/....//....//pyproject.toml", "/static/..\\..\\pyproject.toml",
    "/static/%c0%ae%c0%ae/%c0%ae%c0%ae/pyproject.toml", "/static/app.js/../../api.py", "/static/../app.py",
    "/static/%2e%2e/app.py", "/static/..%5c..%5capp.py", "/static/app.css%00.py",
    "/articles/../../../etc/passwd", "/api/articles/..%2f..%2f..%2fetc%2fpasswd",
    "/actors/%2e%2e%2f%2e%2e%2fetc%2fpasswd",
]


@pytest.mark.parametrize("path", TRAVERSALS)
def test_path_traversal_never_serves_a_file_outside_static(server: LiveServer, path: str) -> None:
    # Raw sockets-level path: httpx would normalise "..", so the request target is sent verbatim.
    with httpx.Client(base_url=server.url, timeout=60) as raw:
        request = raw.build_request("GET", server.url)
        request.url = request.url.copy_with(raw_path=path.encode())
        response = raw.send(request)
    assert response.status_code in (200, 400, 404), (path, response.status_code)
    body = response.text
    assert "[project]" not in body and "root:x:0:0" not in body and "create_app" not in body, path
    if response.status_code == 200:
        # Only a page of this app (e.g. the 404-like "no actor" page is 404, an SPA fallback would be 200).
        assert "text/html" in response.headers["content-type"] or "json" in response.headers["content-type"], path


def test_static_files_are_served_and_nothing_else(client: httpx.Client) -> None:
    assert client.get("/static/app.js").status_code == 200
    assert client.get("/static/").status_code == 404  # no directory listing
    assert client.get("/static/../templates/base.html").status_code == 404


# -- request bodies --------------------------------------------------------------------------------

AUTH = {"Authorization": f"Bearer {TOKEN}"}


@pytest.mark.parametrize(("body", "content_type", "statuses"), [
    (b"[" * 100_000 + b"]" * 100_000, "application/json", {422}),  # deeply nested array
    (b'{"text": ' * 50_000 + b'"x"' + b"}" * 50_000, "application/json", {422}),  # deeply nested objects
    (b'{"text": "\xff\xfe invalid utf-8 \xc3\x28"}', "application/json", {422}),
    (b'{"text": "\\ud800 lone surrogate"}', "application/json", {200, 201, 422}),
    (b'{"text": 12345}', "application/json", {422}),
    (b'{"text": null}', "application/json", {422}),
    (b'{"text": "   "}', "application/json", {422}),
    (b'"just a string"', "application/json", {422}),
    (b"12", "application/json", {422}),
    (b"null", "application/json", {422}),
    (b"[]", "application/json", {422}),
    (b'{"text": "x", "text": {"a": 1}}', "application/json", {422}),  # duplicate key, last one wins
    (b'{"id": {"$ne": null}, "text": "x"}', "application/json", {422}),
    (b"\x00\x01\x02\x03", "application/json", {422}),
    (b"<?xml version='1.0'?><a>x</a>", "application/xml", {415}),
    (b"text=x", "application/x-www-form-urlencoded", {415}),
    (b"--b\r\nContent-Disposition: form-data; name=text\r\n\r\nx\r\n--b--", "multipart/form-data; boundary=b", {415}),
    (b"\n\n{bad\n[1,2\n", "application/x-ndjson", {422}),
])
def test_malformed_bodies_are_clear_client_errors(client: httpx.Client, body: bytes, content_type: str,
                                                  statuses: set[int]) -> None:
    before = counts(client)
    response = client.post("/api/articles", content=body, headers={**AUTH, "Content-Type": content_type})
    assert response.status_code in statuses, (body[:40], response.status_code, response.text[:300])
    assert response.headers["content-type"].startswith("application/json")
    if response.status_code >= 400:
        assert response.json()["error"]
    if response.status_code == 422:
        assert counts(client) == before


def test_a_declared_terabyte_body_is_413_before_it_is_read(server: LiveServer) -> None:
    # httpx refuses to send a lying Content-Length, so the request is written on a socket.
    host, port = server.url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=60) as sock:
        sock.sendall(f"POST /api/articles HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {TOKEN}\r\n"
                     f"Content-Type: application/json\r\nContent-Length: {10**12}\r\n\r\n{{}}".encode())
        status_line = sock.recv(4096).split(b"\r\n", 1)[0]
    assert status_line == b"HTTP/1.1 413 Request Entity Too Large"


def test_a_bad_line_in_json_lines_fails_alone(client: httpx.Client) -> None:
    lines = b"\n".join([b'{"id": "jl-bad-1", "text": ' + b"[" * 10_000, b'{"id": 5, "text": []}', b"\xff\xfe",
                        json.dumps({"id": "jl-ok", "text": "Russia warned Ukraine on Tuesday."}).encode()])
    response = client.post("/api/articles", content=lines, headers={**AUTH, "Content-Type": "application/x-ndjson"})
    assert response.status_code == 201, response.text
    report = response.json()
    assert report["stored"] == 1 and report["ids"] == ["jl-ok"] and report["failed"] == 3
    assert [f["name"] for f in report["failures"]] == ["request#1", "request#2", "request#3"]


# -- the token -------------------------------------------------------------------------------------

def test_token_is_compared_in_constant_time() -> None:
    source = inspect.getsource(web_api._authorize)
    assert "compare_digest(" in source and "==" not in source


def test_wrong_tokens_of_every_length_are_401(client: httpx.Client) -> None:
    before = counts(client)
    body = {"id": "never-stored", "text": "Iraq and the United States held talks on Monday."}
    wrong = [TOKEN[:n] for n in range(1, len(TOKEN))] + [TOKEN + "x", TOKEN.upper(), TOKEN.lower(),
                                                        TOKEN[::-1], TOKEN[:-1] + "X", "x" * len(TOKEN),
                                                        TOKEN * 2, "é" * len(TOKEN), "x" * 4000]
    for candidate in wrong:
        headers = {"Authorization": f"Bearer {candidate}".encode()}
        response = client.post("/api/articles", json=body, headers=headers)  # type: ignore[arg-type]
        assert response.status_code == 401, (len(candidate), response.status_code)
    for header in ("", "Bearer", f"bearer{TOKEN}", f"Token {TOKEN}", f"Bearer  {TOKEN}x",
                   f"{TOKEN}"):
        assert client.post("/api/articles", json=body, headers={"Authorization": header}).status_code == 401, header
    assert client.get("/api/articles/never-stored").status_code == 404
    assert counts(client) == before


def test_the_token_never_appears_in_the_server_output_even_on_errors(tmp_path: Path) -> None:
    db = tmp_path / "secret.duckdb"
    build_db(db)
    with live_server(db, token=TOKEN) as live, live.client() as http:
        # Errors of every kind, with the token or parts of it in the places a careless log would print.
        http.post("/api/articles", content=b"{", headers={**AUTH, "Content-Type": "application/json"})
        http.post("/api/articles", content=b"\xff", headers={**AUTH, "Content-Type": "application/json"})
        http.post("/api/articles", content=b"x" * (11 * 1024 * 1024), headers={**AUTH, "Content-Type": "text/plain"})
        http.post("/api/articles", json={"text": "x"}, headers={"Authorization": f"Bearer {TOKEN}wrong"})
        http.post("/api/articles", json={"text": "x"}, headers={"Authorization": f"Bearer {TOKEN[:-1]}"})
        http.post("/api/articles?token=" + TOKEN[:4], json={}, headers={"Authorization": f"Bearer {TOKEN}x"})
        http.post("/api/articles", content=b"<a/>", headers={**AUTH, "Content-Type": "application/xml"})
        http.get("/api/events", params={"quad": "nine"}, headers=AUTH)
        http.get("/api/actors/%00", headers=AUTH)
        http.get("/articles/missing", headers=AUTH)
        http.get("/api/stats", headers={**AUTH, "Host": "attacker.example"})
        response = http.get("/api/stats")
        assert TOKEN not in response.text
    log = live.log.read_text(errors="replace")
    assert "POST /api/articles" in log and " 401" in log
    assert TOKEN not in log and TOKEN[:-1] not in log and TOKEN[4:] not in log
