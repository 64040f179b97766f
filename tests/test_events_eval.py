"""``eventwire eval plover-gsr``: scoring the coder against PLOVER gold records."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from eventwire.errors import GoldFormatError
from eventwire.eval.plover import evaluate, read_gold, render, score
from eventwire.model import Article, Event, Party, Span
from eventwire.pipeline import Pipeline

RECORDS = [
    {"id": "r1", "event": "FIGHT", "text": "Rebels attacked a village in Mali.",
     "source": [{"actorText": "Rebels", "code": "MLI", "sector": "REB"}],
     "target": [{"actorText": "Mali", "code": "MLI"}]},
    {"id": "r2", "event": "DEMAND", "text": "Germany urged Iran to release the prisoners.",
     "source": [{"actorText": "Germany", "code": "DEU"}], "target": [{"actorText": "Iran", "code": "IRN"}]},
    {"id": "r3", "event": "AID", "text": "Japan provided food aid to Haiti.",
     "source": [{"actorText": "Japan", "code": "JPN"}], "target": ""},
]


def _event(kind: str, source: str | None, target: str | None, confidence: float) -> Event:
    return Event(id="e", event=kind, trigger=Span(0, 1, "x"), sentence=(0, 1), confidence=confidence,
                 actor=[Party(None, "s", source, "GOV")] if source else [],
                 recipient=[Party(None, "t", target)] if target else [])


def test_score_counts_top_event_codes_and_overcoding() -> None:
    articles = [
        Article(id="r1", text="x", events=[_event("ASSAULT", "MLI", "MLI", 0.9), _event("COERCE", "MLI", None, 0.5)]),
        Article(id="r2", text="x", events=[_event("ACCUSE", "DEU", "IRN", 0.8)]),
        Article(id="r3", text="x", events=[]),
    ]
    report = score(RECORDS, articles)
    assert report["top_type_accuracy"] == pytest.approx(1 / 3, abs=1e-3)  # legacy FIGHT maps to ASSAULT
    assert report["source_country_accuracy"] == pytest.approx(2 / 3, abs=1e-3)
    assert report["target_country_accuracy"] == 1.0  # r3 has no gold target and is not counted
    assert report["events_per_sentence"] == 1.0
    assert report["confusion"]["rows"]["REQUEST"] == {"ACCUSE": 1}
    assert report["confusion"]["rows"]["AID"] == {"(none)": 1}
    assert report["sector_accuracy"] == 0.0  # gold REB for the rebels, coded GOV
    assert "REQUEST" in render(report)


def test_group_codes_match_on_their_root() -> None:
    record = {"id": "u", "event": "AGREE", "text": "x", "source": [{"actorText": "U.N.", "code": "IGO"}]}
    article = Article(id="u", text="x", events=[_event("AGREE", "IGOUNO", None, 0.9)])
    assert score([record], [article])["source_country_accuracy"] == 1.0


def test_evaluate_runs_the_pipeline(pipeline: Pipeline, tmp_path: Path) -> None:
    gold = tmp_path / "gold.jsonl"
    gold.write_text("\n".join(json.dumps(r) for r in RECORDS) + "\n", encoding="utf-8")
    report = evaluate(gold, pipeline)
    assert report["records"] == 3
    assert report["top_type_accuracy"] == 1.0
    assert report["source_country_accuracy"] == 1.0
    assert report["per_type"]["ASSAULT"]["f1"] == 1.0
    assert report["events_per_sentence"] <= 1.5


def test_gold_as_json_array(tmp_path: Path) -> None:
    gold = tmp_path / "gold.json"
    gold.write_text(json.dumps(RECORDS), encoding="utf-8")
    assert [r["id"] for r in read_gold(gold)] == ["r1", "r2", "r3"]


@pytest.mark.parametrize("content", ["", "{not json\n", '{"id": "x"}\n', "[1, 2]"])
def test_bad_gold_files_raise_gold_format_error(tmp_path: Path, content: str) -> None:
    gold = tmp_path / "bad.jsonl"
    gold.write_text(content, encoding="utf-8")
    with pytest.raises(GoldFormatError):
        read_gold(gold)


@pytest.mark.slow
def test_cli_prints_json(tmp_path: Path) -> None:
    gold = tmp_path / "gold.jsonl"
    gold.write_text(json.dumps(RECORDS[0]) + "\n", encoding="utf-8")
    command = Path(sys.executable).with_name("eventwire")
    if not command.exists():
        pytest.skip(f"the eventwire command is not installed next to {sys.executable}")
    result = subprocess.run([str(command), "eval", "plover-gsr", str(gold), "--format", "json"],
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["records"] == 1 and report["top_type_accuracy"] == 1.0
