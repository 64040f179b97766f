"""Every documented filter of the JSON API either works or is rejected with 400 (issue 14, item 8).

The filters are read from the server's own OpenAPI document, so a filter added later is checked too:
an enumerated, boolean or bounded integer filter must split the unfiltered rows (its values' totals add up to
the unfiltered total); a free-text or date filter that matches nothing must return nothing (or a 400).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from eventwire.store import Store
from eventwire.store.aggregate import refresh_derived
from support.web import build_db, live_server

NOT_FILTERS = {"limit", "offset", "format", "interval", "directed"}
NOTHING = {"since": "2999", "until": "1000"}
PATH_VALUES = {"a": "USA", "b": "IRQ"}


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[httpx.Client]:
    db = tmp_path_factory.mktemp("filters") / "filters.duckdb"
    build_db(db)
    with Store(db) as store:
        refresh_derived(store.con)
    with live_server(db) as live, live.client() as http:
        yield http


def _total(client: httpx.Client, path: str, params: dict[str, Any]) -> int | None:
    """The number of rows the endpoint answers with these filters; None when the filter is rejected (400)."""
    response = client.get(path, params=params)
    if response.status_code == 400:
        assert response.json()["error"], response.text
        return None
    assert response.status_code == 200, (path, params, response.text)
    body = response.json()
    if "periods" in body:
        return sum(p["events"] for p in body["periods"])
    return int(body["total"])


def _filtered_endpoints(client: httpx.Client) -> list[tuple[str, list[dict[str, Any]]]]:
    spec = client.get("/openapi.json").json()
    found = []
    for template, operations in spec["paths"].items():
        get = operations.get("get")
        if not get:
            continue
        params = [p for p in get.get("parameters", []) if p["in"] == "query" and p["name"] not in NOT_FILTERS]
        if not params or ("{" in template and not set(PATH_VALUES) >= {
                p["name"] for p in get["parameters"] if p["in"] == "path"}):
            continue
        found.append((template.format(**PATH_VALUES), params))
    return found


def _schema(param: dict[str, Any], spec_components: dict[str, Any]) -> dict[str, Any]:
    schema = param.get("schema", {})
    for option in schema.get("anyOf", [schema]):
        if "$ref" in option:
            option = spec_components[option["$ref"].rsplit("/", 1)[-1]]
        if option.get("type") != "null":
            return option
    return schema


def test_every_documented_filter_works_or_is_rejected(client: httpx.Client) -> None:
    components = client.get("/openapi.json").json().get("components", {}).get("schemas", {})
    endpoints = _filtered_endpoints(client)
    assert {"/api/events", "/api/aggregated-events", "/api/quotes", "/api/actors", "/api/articles"} <= \
        {path for path, _ in endpoints}
    checked = 0
    for path, params in endpoints:
        everything = _total(client, path, {})
        assert everything, f"{path} has no rows to filter in the fixture"
        for param in params:
            name, schema = param["name"], _schema(param, components)
            small_range = (schema.get("type") == "integer" and "maximum" in schema
                           and schema["maximum"] - schema.get("minimum", 0) <= 10)
            if schema.get("type") == "number" and "maximum" in schema:
                # A fractional threshold (min_confidence=...): its largest value matches nothing in the fixture.
                assert _total(client, path, {name: schema["maximum"]}) in (0, None), f"{path}?{name} is ignored"
            elif schema.get("type") == "integer" and not small_range:
                # A threshold (min_killed=...): its largest allowed value matches nothing in the fixture.
                value = schema.get("maximum", 10**9)
                assert _total(client, path, {name: value}) in (0, None), f"{path}?{name}={value} is ignored"
            elif schema.get("type") == "boolean" or "enum" in schema or small_range:
                values = (["true", "false"] if schema.get("type") == "boolean" else schema.get("enum")
                          or list(range(schema["minimum"], schema["maximum"] + 1)))
                totals = [_total(client, path, {name: value}) for value in values]
                if all(t is None for t in totals):
                    continue  # rejected outright
                assert None not in totals, (path, name, totals)
                assert sum(totals) == everything, f"{path}?{name}=... ignores the filter: {totals} vs {everything}"
            else:
                value = NOTHING.get(name, "zzzqqx-no-such-thing")
                assert _total(client, path, {name: value}) in (0, None), f"{path}?{name}={value} is ignored"
            checked += 1
    assert checked >= 25


def test_aggregated_events_reject_sentence_search_and_honour_modality(client: httpx.Client) -> None:
    response = client.get("/api/aggregated-events", params={"q": "zzz", "negated": "true"})
    assert response.status_code == 400
    assert "q" in response.json()["error"]
    assert client.get("/api/aggregated-events", params={"negated": "true"}).json()["total"] == 0
    assert client.get("/api/aggregated-events", params={"hypothetical": "true"}).json()["total"] == 0
