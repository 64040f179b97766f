"""One CSV formula-injection guard for every CSV writer: API, `export --format csv`, `events --format csv`
(issue 14, item 4)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from eventwire.export.csv_cells import safe_cell
from eventwire.model import Article, Party
from support.cli import run
from support.trust import build_trust_db
from support.web import live_server, make_event, span

# Cells a spreadsheet would run as formulas (OWASP's list: = + - @, tab, carriage return).
HOSTILE = ["-1+1+cmd|' /C calc'!A0", "=HYPERLINK(\"http://x\")", "+1+cmd", "@SUM(A1)", "\tTAB", "\rCR"]
DANGEROUS_START = ("=", "+", "-", "@", "\t", "\r")


def hostile_article() -> Article:
    text = "=HYPERLINK(\"http://x\") -1+1+cmd|' /C calc'!A0 attacked @SUM(A1) today."
    events = [make_event(text, "e1", "ASSAULT", span(text, "-1+1+cmd|' /C calc'!A0"),
                         [Party(None, "=HYPERLINK(\"http://x\")", "+1+cmd", "@GOV")],
                         [Party(None, "@SUM(A1)", None, None)], 4, -10.0, "2022-03-01", cameo="190",
                         date_text="\tTAB")]
    return Article("csv-hostile", text, "\rCR", "https://example.org/x", "-1+1+cmd|' /C calc'!A0", "2022-03-02",
                   "en", [], [], events)


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("csv") / "csv.duckdb"
    build_trust_db(path, [hostile_article()])
    return path


def test_guard_neutralises_formulas_and_keeps_numbers() -> None:
    for value in HOSTILE:
        assert safe_cell(value) == "'" + value
    assert safe_cell(-10.0) == -10.0 and safe_cell("-10.5") == "-10.5" and safe_cell("-3") == "-3"
    assert safe_cell(None) == "" and safe_cell("Iraq") == "Iraq" and safe_cell("") == ""


def _assert_safe(text: str) -> int:
    rows = list(csv.reader(io.StringIO(text)))
    assert len(rows) >= 2, text
    hostile_cells = 0
    for row in rows[1:]:
        for cell in row:
            try:
                float(cell)
                continue  # a number, written as such
            except ValueError:
                pass
            assert not cell.startswith(DANGEROUS_START), (cell, row)
            hostile_cells += cell.startswith("'")
    return hostile_cells


def test_export_csv_is_guarded(db: Path, tmp_path: Path) -> None:
    out = tmp_path / "events.csv"
    result = run("export", "--db", str(db), "--format", "csv", "-o", str(out))
    assert result.returncode == 0, result.stderr
    assert _assert_safe(out.read_text(encoding="utf-8")) >= 4


def test_events_csv_is_guarded(db: Path) -> None:
    result = run("events", "--db", str(db), "--format", "csv")
    assert result.returncode == 0, result.stderr
    assert _assert_safe(result.stdout) >= 2


@pytest.fixture(scope="module")
def client(db: Path) -> Iterator[httpx.Client]:
    with live_server(db) as live, live.client() as http:
        yield http


def test_api_csv_is_guarded(client: httpx.Client) -> None:
    response = client.get("/api/events", params={"format": "csv"})
    assert response.status_code == 200
    assert _assert_safe(response.text) >= 3
