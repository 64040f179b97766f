"""``eventwire eval petr`` on PETRARCH2's own unit-test records, with its validation dictionaries.

The overall figure must not fall below what README.md's "PETRARCH interoperability"
section reports.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import REPO, shared_path
from eventwire.errors import GoldFormatError
from eventwire.eval.petr import evaluate, format_report, read_records


def readme_figure() -> float:
    """The overall accuracy the README reports for the PETRARCH records, in percent (one decimal)."""
    text = (REPO / "README.md").read_text(encoding="utf-8")
    section = text.split("## PETRARCH interoperability", 1)[1].split("\n## ", 1)[0]
    match = re.search(r"overall\D*?(\d+\.\d)\s*%", section, re.IGNORECASE)
    assert match, "README's PETRARCH section states no overall figure"
    return float(match.group(1))


@pytest.fixture(scope="module")
def report(nlp) -> dict:  # type: ignore[no-untyped-def]
    records = shared_path("eval", "petrarch2", "PETR.UnitTest.records.xml")
    return evaluate(records, records.parent, nlp=nlp)


def test_records_are_read_with_their_expectations() -> None:
    records = read_records(shared_path("eval", "petrarch2", "PETR.UnitTest.records.xml"))
    assert len(records) == 284
    first = records[0]
    assert (first.id, first.category, first.expected) == ("DEMO-00", "DEMO", [("ARN", "GON", "064")])
    assert first.text.startswith("Arnor is about to restore full diplomatic ties with Gondor")
    kinds = {r.empty for r in records if r.empty}
    assert kinds == {"noevents", "dateline", "bad_input_parse", "storydiscard", "sentencediscard"}
    assert sum(len(r.expected) for r in records) == 359


def test_overall_figure_holds(report: dict) -> None:
    assert report["records"] == 284 and report["codings"] == 359
    assert report["accuracy"] >= 0.70
    assert round(report["matched"] / report["codings"] * 100, 1) >= readme_figure()
    assert report["matched"] == sum(c["matched"] for c in report["categories"].values())


def test_constructs_the_parse_does_not_affect(report: dict) -> None:
    # Synonym sets and date-restricted actors depend on the dictionaries, not on the parse.
    assert report["categories"]["SYNSET"]["accuracy"] == 1.0
    assert report["categories"]["DATE"]["accuracy"] >= 0.95
    by_id = {d["id"]: d for d in report["details"]}
    assert by_id["DATE-19"]["produced"] == [("ARN", "HOBREB", "064")]   # Slinker after 1999-08-16
    assert by_id["DATE-20"]["produced"] == [("RHO", "HOB", "064")]      # Zimbabwe before 1979-06-06
    for discarded in ("DISCARD-01", "DISCARD-02", "DISCARD-03", "DISCARD-04"):
        assert by_id[discarded]["produced"] == []


def test_text_report_lists_every_category(report: dict) -> None:
    text = format_report(report)
    for category in report["categories"]:
        assert category in text
    assert "overall" in text


def test_cli_json(tmp_path: Path) -> None:
    from eventwire.cli import app

    records = tmp_path / "records.xml"
    records.write_text(
        '<Validation><Sentences>'
        '<Sentence date="19950101" id="T-1" category="DEMO"><EventCoding sourcecode="ARN" targetcode="GON" '
        'eventcode="064"></EventCoding><Text>Arnor is about to restore full diplomatic ties with Gondor.</Text>'
        '</Sentence>'
        '<Sentence date="19950101" id="T-2" category="DEMO"><EventCoding noevents="True"></EventCoding>'
        '<Text>Ethiopia departx from Libya.</Text></Sentence>'
        '</Sentences></Validation>', encoding="utf-8")
    dictionaries = shared_path("eval", "petrarch2")
    result = CliRunner().invoke(app, ["eval", "petr", str(records), "--dictionaries", str(dictionaries),
                                      "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert {k: data[k] for k in ("records", "codings", "matched", "accuracy", "extra")} == {
        "records": 2, "codings": 1, "matched": 1, "accuracy": 1.0, "extra": 0}
    assert data["clean"] == 1


def test_unreadable_records_are_a_gold_format_error(tmp_path: Path) -> None:
    bad = tmp_path / "bad.xml"
    bad.write_text("<Validation><Sentence id='x'>", encoding="utf-8")
    with pytest.raises(GoldFormatError):
        read_records(bad)


def test_allow_missing_target_codes_null_targets(report: dict, nlp) -> None:  # type: ignore[no-untyped-def]
    records = shared_path("eval", "petrarch2", "PETR.UnitTest.records.xml")
    loose = evaluate(records, records.parent, nlp=nlp, require_dyad=False)
    by_id = {d["id"]: d for d in loose["details"]}
    assert ("---GOV", "---", "023") in by_id["DATE-16"]["produced"]   # "a senior official said"
    assert loose["matched"] > report["matched"] and loose["extra"] > report["extra"]
