"""``eventwire eval plover-gsr``: scoring the coder against PLOVER gold records."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import shared_path
from eventwire.errors import GoldFormatError
from eventwire.eval.plover import NONE, evaluate, read_gold, read_gold_files, render, score, score_parts, select
from eventwire.eval.split import part_of
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


def test_every_figure_is_reported_per_part_and_errors_list_tuning_records_only() -> None:
    articles = [Article(id="r1", text="x", events=[_event("COERCE", "MLI", None, 0.9)]),  # r1 is in the tuning part
                Article(id="r2", text="x", events=[]),  # r2 and r3 are in the checking part
                Article(id="r3", text="x", events=[_event("AID", "JPN", None, 0.9)])]
    assert [part_of(r["id"]) for r in RECORDS] == ["tuning", "checking", "checking"]
    report = score_parts(RECORDS, articles)
    assert report["records"] == 3 and report["top_type_accuracy"] == pytest.approx(1 / 3, abs=1e-3)
    assert report["parts"]["tuning"]["records"] == 1 and report["parts"]["tuning"]["top_type_accuracy"] == 0.0
    assert report["parts"]["checking"]["records"] == 2 and report["parts"]["checking"]["top_type_accuracy"] == 0.5
    assert [e["id"] for e in report["errors"]] == ["r1"]  # r2 is wrong too but belongs to the checking part
    assert all("errors" not in part for part in report["parts"].values())
    table = render(report)
    assert "tuning" in table and "checking" in table and "r2" not in table


def test_select_keeps_one_part() -> None:
    assert [r["id"] for r in select(RECORDS, "checking")] == ["r2", "r3"]
    assert [r["id"] for r in select(RECORDS, "tuning")] == ["r1"]
    with pytest.raises(GoldFormatError):
        select(RECORDS, "dev")


def test_corpus_lines_are_gold_records_and_non_events_count_conflict_events(tmp_path: Path) -> None:
    lines = [{"id": "n1", "text": "Floods killed 12 people.", "events": [], "register": "lead", "region": "x"},
             {"id": "n2", "text": "Police fired tear gas at protesters.", "register": "lead", "region": "x",
              "events": [{"type": "COERCE", "mode": None, "trigger": "fired", "source": "Police", "target": None},
                         {"type": "PROTEST", "mode": None, "trigger": "protesters", "source": None, "target": None}]}]
    gold = tmp_path / "corpus.jsonl"
    gold.write_text("\n".join(json.dumps(line) for line in lines) + "\n", encoding="utf-8")
    records = read_gold_files([tmp_path])
    assert [(r["event"], r["also"]) for r in records] == [(NONE, []), ("COERCE", ["PROTEST"])]
    articles = [Article(id="n1", text="x", events=[_event("ASSAULT", None, None, 0.5)]),
                Article(id="n2", text="x", events=[_event("PROTEST", None, None, 0.5)])]
    report = score(records, articles)
    assert report["non_event_conflict_share"] == 1.0 and report["counts"]["non_events"] == 1
    assert report["top_type_accuracy"] == 0.5  # PROTEST is one of n2's gold events
    assert report["macro_f1"] == 1.0  # over event types only: the non-event class (F1 0 here) is left out


def test_recorded_split_of_the_plover_dev_records_is_the_hash_split() -> None:
    recorded = json.loads((Path(__file__).parents[1] / "training" / "splits" / "plover_gsr_dev.json")
                          .read_text(encoding="utf-8"))
    gold = read_gold(shared_path("eval", "plover_gsr_dev.jsonl"))
    assert sorted(recorded["tuning"] + recorded["checking"]) == sorted(str(r["id"]) for r in gold)
    assert all(part_of(i) == "tuning" for i in recorded["tuning"])
    assert all(part_of(i) == "checking" for i in recorded["checking"])
    assert len(recorded["tuning"]) > 60 and len(recorded["checking"]) > 60


def test_doubtful_events_are_not_the_answer_nor_a_conflict_event_of_a_non_event() -> None:
    records = [{"id": "n1", "text": "x", "event": NONE}, {"id": "r1", "text": "x", "event": "AID"}]
    articles = [Article(id="n1", text="x", events=[_event("ASSAULT", None, None, 0.2)]),
                Article(id="r1", text="x", events=[_event("ASSAULT", None, None, 0.25),
                                                   _event("AID", None, None, 0.4)])]
    report = score(records, articles)
    assert report["top_type_accuracy"] == 1.0
    assert report["non_event_conflict_share"] == 0.0
    assert report["events_per_sentence"] == 1.5  # doubtful events still count as coded events
