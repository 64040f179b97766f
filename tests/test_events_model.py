"""The trained event-type model: the shipped file, a deterministic retrain, and its combination with the coder."""

from __future__ import annotations

import hashlib
import json
import logging
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from eventwire.errors import EventModelError
from eventwire.eval.plover import CONFLICT_TYPES, shown
from eventwire.events import EventStage
from eventwire.events.classifier import (
    LABELS,
    MODEL_FILE,
    NONE,
    EventTypeModel,
    fit_linear,
    model_bytes,
    sentence_features,
    token_features,
    training_rows,
)
from eventwire.events.combine import Combiner, general_codes
from eventwire.model import PLOVER_TYPES
from eventwire.pipeline import Pipeline, PipelineConfig

pytestmark = pytest.mark.slow

# A small fixed sample in our own words: (text, types, triggers).
SAMPLE: list[tuple[str, list[str], list[tuple[str, str]]]] = [
    ("Soldiers shelled rebel positions outside the town on Monday.", ["ASSAULT"], [("shelled", "ASSAULT")]),
    ("Warplanes bombed a market in the north, killing nine people.", ["ASSAULT"], [("bombed", "ASSAULT")]),
    ("Gunmen attacked a police post near the border.", ["ASSAULT"], [("attacked", "ASSAULT")]),
    ("Militants fired rockets at an army base overnight.", ["ASSAULT"], [("fired", "ASSAULT")]),
    ("The two governments signed a trade agreement in the capital.", ["AGREE"], [("signed", "AGREE")]),
    ("The rival parties agreed to a ceasefire after talks.", ["AGREE"], [("agreed", "AGREE")]),
    ("Both sides reached a deal on prisoner exchanges.", ["AGREE"], [("reached a deal", "AGREE")]),
    ("The ministers signed a memorandum on energy.", ["AGREE"], [("signed", "AGREE")]),
    ("Thousands of people protested against the new tax in the capital.", ["PROTEST"], [("protested", "PROTEST")]),
    ("Students marched through the city demanding the release of their leaders.", ["PROTEST"],
     [("marched", "PROTEST")]),
    ("Workers staged a demonstration outside parliament.", ["PROTEST"], [("demonstration", "PROTEST")]),
    ("Farmers rallied in the square to protest low prices.", ["PROTEST"], [("rallied", "PROTEST")]),
    ("Heavy rain caused floods that swept away dozens of homes.", [], []),
    ("A fire broke out at a textile factory, injuring twelve workers.", [], []),
    ("The central bank kept its main interest rate unchanged.", [], []),
    ("The home side won the match two goals to one.", [], []),
    ("An earthquake shook the coastal region early on Sunday.", [], []),
    ("A bus overturned on the highway, killing four passengers.", [], []),
]


def _rows(nlp) -> tuple[list, list]:  # type: ignore[no-untyped-def]
    sentence_rows: list = []
    token_rows: list = []
    for number, (text, types, triggers) in enumerate(SAMPLE):
        sentences, tokens = training_rows(f"s{number}", text, nlp(text), types, triggers)
        sentence_rows += sentences
        token_rows += tokens
    return sentence_rows, token_rows


def _train(nlp) -> bytes:  # type: ignore[no-untyped-def]
    sentence_rows, token_rows = _rows(nlp)
    sentence = fit_linear([r[0] for r in sentence_rows], [r[1] for r in sentence_rows], [r[2] for r in sentence_rows],
                          min_count=1)
    token = fit_linear([r[0] for r in token_rows], [r[1] for r in token_rows], min_count=1)
    return model_bytes(sentence, token, {"sample": len(SAMPLE)})


@pytest.fixture(scope="module")
def shipped() -> EventTypeModel:
    return EventTypeModel.load(MODEL_FILE)


def test_shipped_model_is_small_plain_arrays_and_scores_every_type(shipped: EventTypeModel, nlp) -> None:  # type: ignore[no-untyped-def]
    assert MODEL_FILE.stat().st_size <= 50 * 1024 * 1024
    with np.load(MODEL_FILE, allow_pickle=False) as data:  # no pickle: loading runs no code
        assert all(data[name].dtype != object for name in data.files)
    assert shipped.labels == LABELS and set(PLOVER_TYPES) < set(shipped.labels)
    doc = nlp("Government troops shelled rebel positions near the town on Monday, killing six fighters.")
    sentence = shipped.sentence_probabilities([doc[:]])[0]
    assert sentence.shape == (len(LABELS),) and sentence.sum() == pytest.approx(1.0, abs=1e-4)
    assert shipped.labels[int(sentence.argmax())] == "ASSAULT"
    shelled = next(t for t in doc if t.text == "shelled")
    tokens = shipped.token_probabilities([shelled, doc[0]])
    assert shipped.labels[int(tokens[0].argmax())] == "ASSAULT"
    assert shipped.labels[int(tokens[1].argmax())] == NONE  # "Government" triggers nothing


def test_disaster_and_lower_case_sentences_are_scored_alike(shipped: EventTypeModel, nlp) -> None:  # type: ignore[no-untyped-def]
    flood = "Floods and landslides killed at least 30 people and destroyed hundreds of homes in the hills."
    for text in (flood, flood.lower()):
        assert shipped.labels[int(shipped.sentence_probabilities([nlp(text)[:]])[0].argmax())] == NONE
    protest = "Thousands of protesters marched to parliament in Nairobi on Tuesday to denounce the new tax."
    for text in (protest, protest.lower()):
        assert shipped.labels[int(shipped.sentence_probabilities([nlp(text)[:]])[0].argmax())] == "PROTEST"


def test_retraining_on_a_fixed_sample_gives_identical_bytes_twice(nlp, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    first, second = _train(nlp), _train(nlp)
    assert hashlib.sha256(first).hexdigest() == hashlib.sha256(second).hexdigest()
    path = tmp_path / "sample.npz"
    path.write_bytes(first)
    model = EventTypeModel.load(path)
    assert model.meta["sample"] == len(SAMPLE)
    predicted = model.sentence_probabilities([nlp(text)[:] for text, _, _ in SAMPLE]).argmax(axis=1)
    right = sum(model.labels[p] == (types[0] if types else NONE) for p, (_, types, _) in zip(predicted, SAMPLE,
                                                                                          strict=True))
    assert right >= len(SAMPLE) - 1  # the sample is learnt


def test_features_abstract_from_the_wording_with_the_lexicon_names_and_modality(nlp) -> None:  # type: ignore[no-untyped-def]
    doc = nlp("Police in Kenya did not arrest the protesters on Monday.")
    arrest = next(t for t in doc if t.text == "arrest")
    features = token_features(arrest)
    assert "x:COERCE" in features  # the lexicon's sense of the lemma, as the rules read it
    assert "k:nsubj|ag:COP" in features and "k:dobj|ag:CVL" in features  # agent nouns by sector
    assert "m:negation" in features
    assert not any("h:ROOT" in f for f in features)  # the root is its own head: no head features
    doc = nlp("The army will attack Hamas fighters in Gaza.")
    attack = next(t for t in doc if t.text == "attack")
    features = token_features(attack)
    assert "m:intent" in features and "p:in|@GPE" in features and "r1:@ORG" in features
    assert not any("gaza" in f or "hamas" in f for f in features)  # a region's names are not learnt as words
    assert "d:attack|in|@GPE" in sentence_features(list(doc))


def test_report_describes_the_shipped_model_with_out_of_fold_tuning_figures() -> None:
    report = json.loads((Path(__file__).resolve().parent.parent / "training" / "report.json").read_text())
    assert report["model_sha256"] == hashlib.sha256(MODEL_FILE.read_bytes()).hexdigest()
    for figures in (report["model_alone"], report["coder"]):
        assert set(figures) >= {"tuning_cross_validated", "checking"}
    coder = report["coder"]
    for part in (coder["tuning_cross_validated"], coder["checking"]):
        for run in ("rules", "rules_and_model"):
            assert 0.5 < part[run]["corpus"] <= 1.0 and 0.0 <= part[run]["corpus_nonevent_conflict"] <= 1.0
    # The tuning figure is cross-validated, not training accuracy: near the checking figure, not near 1.
    assert coder["tuning_cross_validated"]["rules_and_model"]["corpus"] < 0.95
    assert report["model_alone"]["tuning_cross_validated"]["corpus"]["sentence_accuracy"] < 0.95


def test_a_model_trained_on_other_knowledge_tables_loads_with_a_warning(nlp, tmp_path: Path,  # type: ignore[no-untyped-def]
                                                                        caplog: pytest.LogCaptureFixture) -> None:
    path = tmp_path / "sample.npz"
    path.write_bytes(_train(nlp))
    with caplog.at_level(logging.WARNING, logger="eventwire.events.classifier"):
        EventTypeModel.load(path)
    assert "make train" not in caplog.text
    with np.load(path, allow_pickle=False) as data:
        arrays = {name: data[name] for name in data.files}
    meta = json.loads(str(arrays["meta"].reshape(-1)[0]))
    arrays["meta"] = np.asarray([json.dumps({**meta, "knowledge": "0" * 16})])
    other = tmp_path / "other.npz"
    np.savez(other, **arrays)  # type: ignore[arg-type]
    with caplog.at_level(logging.WARNING, logger="eventwire.events.classifier"):
        model = EventTypeModel.load(other)
    assert "other lexicon" in caplog.text and "make train" in caplog.text
    assert model.labels == LABELS  # still usable


def test_a_damaged_or_foreign_model_file_is_refused_with_an_actionable_error(tmp_path: Path) -> None:
    damaged = tmp_path / "damaged.npz"
    damaged.write_bytes(b"not a zip file")
    with pytest.raises(EventModelError, match="make train"):
        EventTypeModel.load(damaged)
    with pytest.raises(EventModelError):
        EventTypeModel.load(tmp_path / "missing.npz")


def test_every_type_has_a_general_cameo_code_of_that_type() -> None:
    from eventwire.events import cameo

    codes = general_codes()
    assert set(codes) == set(PLOVER_TYPES)
    assert all(cameo.plover_of(code) == plover for plover, code in codes.items())


@pytest.mark.parametrize("text", [
    "Floods killed 30 people and destroyed hundreds of homes in the north of the country on Sunday, officials said.",
    "A bus plunged into a gorge in the mountains on Friday, killing 22 passengers and injuring 15, police said.",
    "A fire tore through a crowded market overnight, killing seven traders.",
])
def test_the_model_keeps_disasters_and_accidents_free_of_conflict_events(pipeline: Pipeline, text: str) -> None:
    assert isinstance(pipeline.stages[[s.name for s in pipeline.stages].index("events")].combine, Combiner)
    article = pipeline(text)
    assert not [e for e in article.events if e.event in CONFLICT_TYPES and shown(e)], article.events


def test_the_config_switch_turns_the_model_off(pipeline: Pipeline) -> None:
    off = Pipeline(PipelineConfig(event_model=False), nlp=pipeline.nlp)
    stage = off.stages[off.stage_names.index("events")]
    assert isinstance(stage, EventStage) and stage.combine is None
    on = pipeline.stages[pipeline.stage_names.index("events")]
    assert isinstance(on.combine, Combiner)
    text = "Rebels attacked an army convoy near the border on Tuesday, killing four soldiers."
    assert [e.event for e in off(text).events][:1] == ["ASSAULT"]
    assert [e.event for e in pipeline(text).events][:1] == ["ASSAULT"]


def test_eval_cli_reports_both_parts_with_and_without_the_model(tmp_path: Path) -> None:
    command = Path(sys.executable).with_name("eventwire")
    if not command.exists():
        pytest.skip(f"the eventwire command is not installed next to {sys.executable}")
    gold = tmp_path / "gold.jsonl"
    lines = [{"id": "r1", "text": "Rebels attacked a village in Mali.", "events": [{"type": "ASSAULT"}]},
             {"id": "r2", "text": "Heavy rain flooded the lower town.", "events": []},
             {"id": "r3", "text": "Japan provided food aid to Haiti.", "events": [{"type": "AID"}]}]
    gold.write_text("\n".join(json.dumps(line) for line in lines) + "\n", encoding="utf-8")
    for flags in ([], ["--no-model"]):
        result = subprocess.run([str(command), "eval", "plover-gsr", str(gold), "--format", "json", *flags],
                                capture_output=True, text=True, timeout=300)
        assert result.returncode == 0, result.stderr
        report = json.loads(result.stdout)
        assert report["records"] == 3 and set(report["parts"]) == {"tuning", "checking"}
        assert report["parts"]["tuning"]["records"] + report["parts"]["checking"]["records"] == 3
        assert all(e["id"] == "r1" for e in report["errors"])  # r2 and r3 are checking records: never listed


def test_extract_has_a_no_event_model_switch(tmp_path: Path) -> None:
    command = Path(sys.executable).with_name("eventwire")
    if not command.exists():
        pytest.skip(f"the eventwire command is not installed next to {sys.executable}")
    text = tmp_path / "flood.txt"
    text.write_text("Rebels attacked an army post in the north of Mali on Tuesday, killing three soldiers.\n",
                    encoding="utf-8")
    for flags in ([], ["--no-event-model"]):
        result = subprocess.run([str(command), "extract", str(text), *flags], capture_output=True, text=True,
                                timeout=300)
        assert result.returncode == 0, result.stderr
        [article] = [json.loads(line) for line in result.stdout.splitlines() if line.strip()]
        assert [e["event"] for e in article["events"]][:1] == ["ASSAULT"]
    result = subprocess.run([str(command), "extract", "--help"], capture_output=True, text=True, timeout=60)
    assert "--no-event-model" in result.stdout
