"""``eventwire eval magnitudes``: scoring, the tuning/checking split, and the command itself."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from eventwire.errors import GoldFormatError
from eventwire.eval.magnitudes import read_gold, score
from eventwire.eval.split import part_of
from support.web import eventwire_command

REPO = Path(__file__).resolve().parent.parent
GOLD = REPO / "tests" / "gold" / "magnitudes" / "magnitudes.jsonl"


def test_score_counts_exact_and_wrong_figures() -> None:
    report = score([
        ({"killed": 3}, {"killed": 3}),                 # exact
        ({"killed": 5, "injured": 2}, {"killed": 4}),  # a wrong figure and a missed one
        ({}, {"arrested": 7}),                         # a figure where the gold has none: wrong
        ({"arrested": 0}, {"arrested": 0}),            # "no arrests": exact
    ])
    killed, injured, arrested = (report["kinds"][k] for k in ("killed", "injured", "arrested"))
    assert (killed["gold"], killed["exact"], killed["reported"], killed["correct"]) == (2, 1, 2, 1)
    assert killed["accuracy"] == 0.5 and killed["precision"] == 0.5 and killed["wrong"] == 0.5
    assert injured["accuracy"] == 0.0 and injured["precision"] is None
    assert (arrested["gold"], arrested["exact"], arrested["reported"], arrested["correct"]) == (1, 1, 2, 1)
    assert report["main"]["gold"] == 4 and report["main"]["exact"] == 2 and report["main"]["reported"] == 4


def test_gold_set_is_large_enough_and_split() -> None:
    records = read_gold(GOLD)
    assert len(records) >= 150 and len({r["id"] for r in records}) == len(records)
    parts = {part_of(r["id"]) for r in records}
    assert parts == {"tuning", "checking"}
    assert sum(1 for r in records if not r["magnitudes"]) >= 15  # negatives: accidents, numbers that count no one


def test_bad_gold_is_reported_with_its_line(tmp_path: Path) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_text('{"id": "a", "text": "x", "magnitudes": {}}\n{"id": "b", "text": "y", "magnitudes": '
                    '{"wounded": 2}}\n', encoding="utf-8")
    with pytest.raises(GoldFormatError, match=r"bad\.jsonl:2: unknown magnitude kind"):
        read_gold(path)


def test_command_scores_both_parts_and_lists_only_tuning_errors(tmp_path: Path) -> None:
    records = [
        {"id": "b1", "text": "Gunmen killed 14 villagers in an attack on a market.", "published": "2024-01-02",
         "magnitudes": {"killed": 14}},
        {"id": "a2", "text": "Police arrested 45 people after clashes in the capital.", "published": "2024-01-02",
         "magnitudes": {"arrested": 44}},
        {"id": "a3", "text": "Floods displaced 20,000 people after days of rain.", "published": "2024-01-02",
         "magnitudes": {}},
        {"id": "b2", "text": "The militants killed nine soldiers near the border.", "published": "2024-01-02",
         "magnitudes": {"killed": 8}},
    ]
    gold = tmp_path / "gold.jsonl"
    gold.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    result = subprocess.run([*eventwire_command(), "eval", "magnitudes", str(gold), "--format", "json", "--errors"],
                            capture_output=True, text=True, timeout=300, check=False)
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    both = report["both"]
    assert both["records"] == 4
    assert both["kinds"]["killed"]["gold"] == 2 and both["kinds"]["killed"]["exact"] == 1
    assert both["kinds"]["arrested"]["exact"] == 0 and both["kinds"]["arrested"]["reported"] == 1
    tuning = {r["id"] for r in records if part_of(r["id"]) == "tuning"}
    # a2 (tuning) and b2 (checking) are both wrong; only the tuning one is ever listed
    assert tuning == {"a2", "a3"}
    assert [e["id"] for e in report["tuning_errors"]] == ["a2"]
    assert sum(report["parts"][p]["records"] for p in ("tuning", "checking")) == 4
