"""``eventwire eval quotes``: brat attribution gold, span matching, and the dev-gold score."""

from __future__ import annotations

from pathlib import Path

import pytest

from eventwire.cli import main
from eventwire.errors import GoldFormatError
from eventwire.eval.quotes import GoldDocument, evaluate, read_ann, read_gold, score
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


def test_dev_gold_reads(tmp_path: Path) -> None:
    documents = read_gold(GOLD)
    assert len(documents) == 7
    attributions = [a for d in documents for a in d.attributions]
    assert len(attributions) == 76
    assert {a.kind for a in attributions} == {"direct", "indirect", "mixed"}
    # The multi-paragraph quote is one discontinuous span; cue-less quotes have a source and no cue.
    assert any("\n" in d.text[slice(*a.content)] for d in documents for a in d.attributions)
    assert any(a.cue is None and a.source is not None for a in attributions)


def test_dev_gold_texts_are_the_sample_corpus() -> None:
    for txt in GOLD.glob("*.txt"):
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


def test_scoring_exact_overlap_and_source(tmp_path: Path) -> None:
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
    assert scores["all/content/overlap"]["tp"] == 2
    assert scores["all/content+source/overlap"]["tp"] == 1
    assert scores["all/content/overlap"]["precision"] == pytest.approx(2 / 3, abs=1e-3)
    assert scores["all/content/overlap"]["recall"] == 1.0
    assert scores["direct/content+source/exact"] == {
        "precision": 1.0, "recall": 1.0, "f1": 1.0, "tp": 1, "predicted": 1, "gold": 1}
    assert report["kind_accuracy"] == 1.0
    assert report["anonymous_accuracy"] == 0.5  # q2 should have been anonymous


def test_nothing_predicted_scores_zero(tmp_path: Path) -> None:
    documents = read_gold(write(tmp_path, ANN))
    report = score(documents, lambda _doc: _article([]))
    assert report["scores"]["all/content/overlap"] == {
        "precision": 0.0, "recall": 0.0, "f1": 0.0, "tp": 0, "predicted": 0, "gold": 2}


@pytest.mark.slow
def test_dev_gold_score(pipeline: Pipeline) -> None:
    # A regression floor on the dev gold (README reports the exact figures).
    report = evaluate(GOLD, pipeline=pipeline)
    assert report["scores"]["direct/content+source/exact"]["f1"] >= 0.9
    assert report["scores"]["all/content+source/overlap"]["f1"] >= 0.85
    assert report["scores"]["all/content/exact"]["f1"] >= 0.8
