"""``eventwire eval quotes``: brat attribution gold, span matching, and the dev-gold score."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from eventwire.cli import main
from eventwire.errors import GoldFormatError
from eventwire.eval.quotes import REGIMES, GoldDocument, evaluate, read_ann, read_gold, score
from eventwire.eval.split import part_of
from eventwire.model import Actor, Article, Quote, Span
from eventwire.pipeline import Pipeline

GOLD = Path(__file__).parent / "gold" / "quotes"
SAMPLE = Path(__file__).parent.parent / "src" / "eventwire" / "data" / "sample"

TEXT = 'Talks failed. "We will leave," Smith said. Officials said the base would close.'
ANN = (
    "T1\tContent 15 28\tWe will leave\n"
    "T2\tSource 31 36\tSmith\n"
    "T3\tCue 37 41\tsaid\n"
    "E1\tAttribution:T3 Source:T2 Content:T1\n"
    "T4\tSource 43 52\tOfficials\n"
    "T5\tCue 53 57\tsaid\n"
    "T6\tContent 58 79\tthe base would close\n"
    "E2\tAttribution:T5 Source:T4 Content:T6\n"
    "A1\tAnonymous E2\n"
)


def write(tmp_path: Path, ann: str, text: str = TEXT) -> Path:
    (tmp_path / "doc.txt").write_text(text, encoding="utf-8")
    (tmp_path / "doc.ann").write_text(ann, encoding="utf-8")
    return tmp_path


def test_read_ann_ties_spans_and_infers_kind(tmp_path: Path) -> None:
    [doc] = read_gold(write(tmp_path, ANN))
    first, second = doc.attributions
    assert TEXT[slice(*first.content)] == "We will leave"
    assert TEXT[slice(*first.source)] == "Smith" and TEXT[slice(*first.cue)] == "said"
    assert first.kind == "direct" and not first.anonymous  # inside quotation marks
    assert second.kind == "indirect" and second.anonymous


DEV_GOLD = ("2018-05-iraq-turkey-water-talks", "2019-10-syria-sochi-threats", "2021-05-afghanistan-withdrawal",
            "2022-02-mali-france-withdrawal", "2022-03-eu-sanctions-russia", "2022-07-sri-lanka-protests",
            "2024-01-red-sea-houthi-attacks")


def test_gold_reads_and_is_split_by_article_name() -> None:
    documents = read_gold(GOLD)
    assert len(documents) >= 29
    attributions = [a for d in documents for a in d.attributions]
    assert len(attributions) >= 380
    assert {a.kind for a in attributions} == {"direct", "indirect", "mixed"}
    # Split and multi-paragraph quotes are one attribution with several fragments; cue-less quotes have a
    # source and no cue; documents speak ("the lawsuit alleges").
    assert any(len(a.parts) > 1 and "\n" in d.text[a.content[0]:a.content[1]] for d in documents
               for a in d.attributions)
    assert any(len(a.parts) > 1 and "\n" not in d.text[a.content[0]:a.content[1]] for d in documents
               for a in d.attributions)
    assert any(a.cue is None and a.source is not None for a in attributions)
    assert any(d.text[a.source[0]:a.source[1]] == "The lawsuit" for d in documents for a in d.attributions
               if a.source)
    parts = {part_of(d.name) for d in documents}
    assert parts == {"tuning", "checking"}


def test_gold_is_built_from_its_markup(tmp_path: Path) -> None:
    # The .txt/.ann pairs of the new articles are the output of markup/build.py: nobody edits them by hand.
    from importlib.util import module_from_spec, spec_from_file_location

    spec = spec_from_file_location("build", GOLD / "markup" / "build.py")
    assert spec is not None and spec.loader is not None
    build = module_from_spec(spec)
    spec.loader.exec_module(build)
    markup = sorted((GOLD / "markup").glob("*.txt"))
    assert len(markup) >= 20
    for path in markup:
        text, ann = build.parse(path.read_text(encoding="utf-8"), path.name)
        assert (GOLD / path.name).read_text(encoding="utf-8") == text, path.name
        assert (GOLD / path.with_suffix(".ann").name).read_text(encoding="utf-8") == ann, path.name


def test_dev_gold_texts_are_the_sample_corpus() -> None:
    for name in DEV_GOLD:
        txt = GOLD / f"{name}.txt"
        assert txt.read_text(encoding="utf-8") == (SAMPLE / txt.name).read_text(encoding="utf-8"), txt.name


@pytest.mark.parametrize(("ann", "message"), [
    ("T1\tContent 15 999\tx\nE1\tAttribution:T1 Content:T1\n", "outside the text"),
    ("T1\tContent a b\tx\n", "bad span"),
    ("T1\tContent 15 28\tx\nE1\tAttribution:T1 Source:T9 Content:T1\n", "T9"),
    ("T1\tCue 37 41\tsaid\nE1\tAttribution:T1\n", "no Content"),
    ("T1\tContent 15 28\tx\nE1\tAttribution:T1 Content:T1\nA1\tKind E1 rumour\n", "Kind"),
])
def test_malformed_ann_is_a_gold_format_error(tmp_path: Path, ann: str, message: str) -> None:
    with pytest.raises(GoldFormatError, match=message) as excinfo:
        read_gold(write(tmp_path, ann))
    assert "doc.ann:" in str(excinfo.value)


def test_missing_gold_dir_is_a_user_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as excinfo:
        main(["eval", "quotes", str(tmp_path / "nope")])
    assert excinfo.value.code == 2
    assert "not a directory of brat" in " ".join(capsys.readouterr().err.split())


def _article(quotes: list[Quote], actors: list[Actor] | None = None) -> Article:
    return Article(id="doc", text=TEXT, quotes=quotes, actors=actors or [])


def test_scoring_regimes_and_source(tmp_path: Path) -> None:
    documents = [GoldDocument("doc", TEXT, read_ann(TEXT, write(tmp_path, ANN) / "doc.ann"))]
    smith = Actor(id="a1", name="John Smith", kind="person", mentions=[Span(31, 36, "Smith")])
    quotes = [
        # exact content, speaker resolved through the actor's mention
        Quote("q1", "direct", "We will leave", 15, 28, speaker="a1", speaker_text="Smith", cue="said"),
        # overlapping content (the "the" left out), wrong speaker
        Quote("q2", "indirect", "base would close", 62, 78, speaker=None, speaker_text="Talks", cue="said"),
        # a false positive
        Quote("q3", "indirect", "Talks failed", 0, 12, speaker=None, speaker_text="Talks"),
    ]
    report = score(documents, lambda _doc: _article(quotes, [smith]))
    scores = report["scores"]
    assert scores["all/content/exact"]["tp"] == 1
    assert scores["all/content/one-to-one"]["tp"] == 2
    assert scores["all/content+source/one-to-one"]["tp"] == 1
    assert scores["all/content/one-to-one"]["precision"] == pytest.approx(2 / 3, abs=1e-3)
    assert scores["all/content/one-to-one"]["recall"] == 1.0
    assert scores["direct/content+source/exact"] == {
        "precision": 1.0, "recall": 1.0, "f1": 1.0, "tp": 1, "predicted": 1, "gold": 1}
    assert report["kind_accuracy"] == 1.0
    assert report["anonymous_accuracy"] == 0.5  # q2 should have been anonymous


def test_one_to_one_and_any_overlap_differ_on_split_predictions(tmp_path: Path) -> None:
    # One gold attribution predicted as two quotes: one-to-one pairs only one of them, any-overlap counts both.
    documents = [GoldDocument("doc", TEXT, read_ann(TEXT, write(tmp_path, ANN) / "doc.ann"))]
    quotes = [Quote("q1", "indirect", "the base", 58, 66, speaker_text="Officials"),
              Quote("q2", "indirect", "would close", 67, 78, speaker_text="Officials")]
    scores = score(documents, lambda _doc: _article(quotes))["scores"]
    assert scores["all/content+source/one-to-one"]["tp"] == 1
    assert scores["all/content+source/one-to-one"]["precision"] == 0.5
    assert scores["all/content+source/any-overlap"]["precision"] == 1.0
    assert scores["all/content+source/any-overlap"]["recall"] == 0.5  # the direct quote is missed


def test_fragments_are_compared_not_extents(tmp_path: Path) -> None:
    text = '"We will leave," Smith said. "The base will close."'
    ann = ("T1\tContent 1 14;30 49\tWe will leave The base will close\nT2\tSource 17 22\tSmith\n"
           "T3\tCue 23 27\tsaid\nE1\tAttribution:T3 Source:T2 Content:T1\n")
    documents = read_gold(write(tmp_path, ann, text))
    assert documents[0].attributions[0].parts == [(1, 14), (30, 49)]
    frame_only = [Quote("q1", "indirect", "Smith said", 17, 27, speaker_text="Smith")]
    merged = [Quote("q1", "direct", text[1:49], 1, 49, speaker_text="Smith", parts=[(1, 14), (30, 49)])]
    assert score(documents, lambda _d: Article(id="doc", text=text, quotes=frame_only))["scores"][
        "all/content/one-to-one"]["tp"] == 0
    assert score(documents, lambda _d: Article(id="doc", text=text, quotes=merged))["scores"][
        "all/content/exact"]["tp"] == 1


def test_nothing_predicted_scores_zero(tmp_path: Path) -> None:
    documents = read_gold(write(tmp_path, ANN))
    report = score(documents, lambda _doc: _article([]))
    for regime in REGIMES:
        assert report["scores"][f"all/content/{regime}"] == {
            "precision": 0.0, "recall": 0.0, "f1": 0.0, "tp": 0, "predicted": 0, "gold": 2}


@pytest.mark.slow
def test_gold_score_on_both_parts(pipeline: Pipeline) -> None:
    # Regression floors (the README reports the exact figures); the checking part is read only in aggregate.
    report = evaluate(GOLD, pipeline=pipeline)
    assert set(report["parts"]) == {"tuning", "checking", "all"}
    assert report["parts"]["checking"]["per_document"] == []
    assert report["parts"]["tuning"]["per_document"]
    for part in ("tuning", "checking"):
        scores = report["parts"][part]["scores"]
        assert scores["direct/content/any-overlap"]["f1"] >= 0.9
        assert scores["direct/content+source/one-to-one"]["f1"] >= 0.8
        assert scores["all/content+source/one-to-one"]["f1"] >= 0.8


def test_eval_cli_reports_each_part_and_refuses_unknown_parts(tmp_path: Path,
                                                            capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as excinfo:
        main(["eval", "quotes", str(write(tmp_path, ANN)), "--part", "everything"])
    assert excinfo.value.code == 2
    assert "--part must be tuning, checking or all" in " ".join(capsys.readouterr().err.split())
    with pytest.raises(SystemExit) as excinfo:
        main(["eval", "quotes", str(tmp_path), "--part", "all", "--format", "json"])
    assert excinfo.value.code == 0
    report = json.loads(capsys.readouterr().out)
    assert list(report["parts"]) == ["all"]
    assert set(report["parts"]["all"]["scores"]) == {f"{s}/{m}/{r}" for s in ("direct", "all")
                                                     for m in ("content", "content+source") for r in REGIMES}
