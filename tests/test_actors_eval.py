"""``eventwire eval entities``: the gold format, the scoring, and the dev gold set."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from eventwire.cli import app
from eventwire.errors import GoldFormatError
from eventwire.eval.entities import Entity, predicted_entities, read_gold, score
from eventwire.model import Article
from eventwire.pipeline import Pipeline

DEV_GOLD = Path(__file__).parent / "gold" / "entities" / "dev.jsonl"


def _write(tmp_path: Path, *docs: object) -> Path:
    path = tmp_path / "gold.jsonl"
    path.write_text("\n".join(d if isinstance(d, str) else json.dumps(d) for d in docs) + "\n", encoding="utf-8")
    return path


def test_dev_gold_is_well_formed_and_covers_every_type() -> None:
    documents = read_gold(DEV_GOLD)
    assert len(documents) >= 7
    types = {e.type for d in documents for e in d.entities}
    assert types == {"Person", "Organisation", "Location", "Nationality"}


@pytest.mark.parametrize(("doc", "message"), [
    ("{not json", "not valid JSON"),
    ({"id": "a"}, "'id' and a string 'text'"),
    ({"id": "a", "text": "Iraq", "entities": [{"start": 0, "end": 4, "type": "GPE"}]}, "is not one of"),
    ({"id": "a", "text": "Iraq", "entities": [{"start": 0, "end": 9, "type": "Location"}]}, "outside the text"),
    ({"id": "a", "text": "Iraq", "entities": [{"start": 0, "end": 4, "type": "Location", "text": "Iran"}]},
     "not 'Iran'"),
])
def test_malformed_gold_is_refused_with_the_line(tmp_path: Path, doc: object, message: str) -> None:
    path = _write(tmp_path, {"id": "ok", "text": "fine", "entities": []}, doc)
    with pytest.raises(GoldFormatError, match=message) as info:
        read_gold(path)
    assert f"{path}:2:" in str(info.value)


def test_scoring_exact_and_lenient_per_type() -> None:
    gold = [Entity(0, 10, "Location"), Entity(15, 22, "Location"), Entity(30, 35, "Person")]
    predicted = [Entity(0, 10, "Location"), Entity(15, 20, "Location"), Entity(30, 35, "Organisation")]
    report = score([(gold, predicted)])
    assert report["exact"]["Location"]["tp"] == 1 and report["lenient"]["Location"]["tp"] == 2
    assert report["exact"]["Person"]["recall"] == 0.0 and report["exact"]["Organisation"]["precision"] == 0.0
    assert report["exact"]["all"] == {"precision": 0.3333, "recall": 0.3333, "f1": 0.3333, "tp": 1,
                                      "predicted": 3, "gold": 3}


def test_predicted_entities_type_names_and_description_modifiers(pipeline: Pipeline) -> None:
    text = "US officials said Iraqi forces met Jim Mattis and Iranians in Baghdad."
    article = pipeline(Article(id="p", text=text, published="2017-12-20"))
    typed = {(text[e.start:e.end], e.type) for e in predicted_entities(article)}
    assert {("US", "Location"), ("Iraqi", "Nationality"), ("Jim Mattis", "Person"), ("Iranians", "Nationality"),
            ("Baghdad", "Location")} <= typed
    assert not any(t in ("officials", "forces") for t, _ in typed)


def test_cli_eval_entities_json(tmp_path: Path) -> None:
    text = "Sergey Lavrov met Iraqi officials in Moscow."
    gold = _write(tmp_path, {"id": "d1", "published": "2019-01-01", "text": text, "entities": [
        {"start": 0, "end": 13, "type": "Person"}, {"start": 18, "end": 23, "type": "Nationality"},
        {"start": 37, "end": 43, "type": "Location"}]})
    result = CliRunner().invoke(app, ["eval", "entities", str(gold), "--format", "json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["documents"] == 1 and report["gold_entities"] == 3
    assert report["exact"]["all"]["recall"] == 1.0
    assert set(report["lenient"]) == {"Person", "Organisation", "Location", "Nationality", "all"}


def test_cli_eval_entities_lower_case(tmp_path: Path) -> None:
    text = "Sergey Lavrov met Iraqi officials in Moscow on Monday, the Russian foreign ministry said."
    gold = _write(tmp_path, {"id": "d1", "published": "2019-01-01", "text": text, "entities": [
        {"start": 0, "end": 13, "type": "Person"}, {"start": 18, "end": 23, "type": "Nationality"},
        {"start": 37, "end": 43, "type": "Location"}, {"start": 59, "end": 66, "type": "Nationality"}]})
    result = CliRunner().invoke(app, ["eval", "entities", str(gold), "--format", "json", "--lower-case"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    # The lower-case text is parsed from a case-restored copy: the same names are found.
    assert report["exact"]["all"]["recall"] == 1.0 and report["exact"]["all"]["precision"] == 1.0


@pytest.mark.slow
def test_dev_gold_in_lower_case_keeps_most_names() -> None:
    from eventwire.eval.entities import evaluate

    cased = evaluate(DEV_GOLD)["exact"]["all"]["f1"]  # type: ignore[index]
    lower = evaluate(DEV_GOLD, lower_case=True)["exact"]["all"]["f1"]  # type: ignore[index]
    # Without case restoration the lower-case F1 was 0.70; with it, within a few points of the cased text.
    assert cased >= 0.9 and lower >= 0.88 and cased - lower <= 0.03
