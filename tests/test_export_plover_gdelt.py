"""PLOVER JSON lines and GDELT 2.0 event-table exports from a real DuckDB store."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from eventwire.eval.plover import read_gold
from eventwire.export import EXPORTERS
from eventwire.export.gdelt import GDELT_HEADER, pairs
from eventwire.model import DOUBTFUL_CONFIDENCE, Article
from eventwire.store import Store


@pytest.fixture()
def store_path(tmp_path: Path, iraq: Article) -> Path:
    path = tmp_path / "events.duckdb"
    article = Article.from_dict(iraq.to_dict())
    article.url = "https://example.org/iraq"
    article.outlet = "Example Outlet"
    with Store(path) as store:
        store.write_batch([article])
    return path


def test_plover_export(store_path: Path, tmp_path: Path, iraq: Article) -> None:
    out = tmp_path / "events.plover.jsonl"
    with Store(store_path, read_only=True) as store:
        count = EXPORTERS["plover"](store, out)
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert count == len(records) == len([e for e in iraq.events if e.confidence >= DOUBTFUL_CONFIDENCE])
    [withdrawal] = [r for r in records if r["event"] == "RETREAT" and r["eventText"].startswith("withdr")]
    assert withdrawal["date"] == "2011" and withdrawal["cameo"] == "0872" and withdrawal["quad"] == 2
    assert [p["code"] for p in withdrawal["source"]] == ["USA"]
    assert withdrawal["text"] in iraq.text and withdrawal["eventText"] in withdrawal["text"]
    assert withdrawal["url"] == "https://example.org/iraq" and withdrawal["publication"] == "Example Outlet"
    flagged = [r for r in records if r["negated"] or r["hypothetical"]]
    assert flagged and all(set(r["context"]) & {"negation", "hypothetical"} for r in flagged)
    # The export reads back as PLOVER gold records.
    assert len(read_gold(out)) == count


def test_gdelt_export(store_path: Path, tmp_path: Path, iraq: Article) -> None:
    out = tmp_path / "events.gdelt.tsv"
    with Store(store_path, read_only=True) as store:
        count = EXPORTERS["gdelt"](store, out)
    rows = [line.split("\t") for line in out.read_text(encoding="utf-8").splitlines()]
    factual = [e for e in iraq.events if not e.negated and not e.hypothetical]
    # One row per directed pair of each factual event (a symmetric event: both directions).
    assert count == len(rows) == sum(len(pairs(e)) for e in factual)
    assert all(len(row) == len(GDELT_HEADER) == 61 for row in rows)
    column = {name: i for i, name in enumerate(GDELT_HEADER)}
    [withdrawal] = [r for r in rows if r[column["EventCode"]] == "0872" and r[column["Year"]] == "2011"]
    assert withdrawal[column["SQLDATE"]] == "20110101"
    assert withdrawal[column["Actor1Code"]] == "USAMIL"
    assert withdrawal[column["Actor1CountryCode"]] == "USA" and withdrawal[column["Actor2CountryCode"]] == "IRQ"
    assert withdrawal[column["EventBaseCode"]] == "087" and withdrawal[column["EventRootCode"]] == "08"
    assert withdrawal[column["QuadClass"]] == "2" and float(withdrawal[column["GoldsteinScale"]]) == 9.0
    assert withdrawal[column["SOURCEURL"]] == "https://example.org/iraq"
    assert withdrawal[column["NumMentions"]] == ""  # filled by aggregation, not by the per-event export
    assert len(withdrawal[column["DATEADDED"]]) == 14
    assert len({r[column["GLOBALEVENTID"]] for r in rows}) == len(rows)
    [consult] = [r for r in rows if r[column["EventCode"]] == "046"][:1]
    assert consult[column["SQLDATE"]] == "20171220" and consult[column["IsRootEvent"]] == "1"


def test_export_command(store_path: Path, tmp_path: Path) -> None:
    command = Path(sys.executable).with_name("eventwire")
    if not command.exists():
        pytest.skip(f"the eventwire command is not installed next to {sys.executable}")
    out = tmp_path / "cli.tsv"
    result = subprocess.run([str(command), "export", "--format", "gdelt", "-o", str(out), "--db", str(store_path)],
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    assert out.read_text(encoding="utf-8").count("\n") >= 5
