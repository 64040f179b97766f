"""The quote stage on the canonical article and on short texts written for each construction."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from eventwire.errors import DictionaryFormatError
from eventwire.model import Actor, Article, Quote
from eventwire.pipeline import Pipeline
from eventwire.quotes import QuoteStage, quote_covering
from eventwire.quotes.lexicon import DATA, load_lexicon
from eventwire.quotes.marks import find_marked

pytestmark = pytest.mark.slow


def quote_with(article: Article, fragment: str) -> Quote:
    found = [q for q in article.quotes if fragment in q.text]
    assert found, f"no quote contains {fragment!r}; quotes: {[q.text[:60] for q in article.quotes]}"
    return found[0]


def speaker_of(article: Article, quote: Quote) -> Actor:
    actor = article.actor_by_id(quote.speaker)
    assert actor is not None, f"quote {quote.text[:50]!r} (speaker_text {quote.speaker_text!r}) has no speaker actor"
    return actor


def actor_named_at(article: Article, surface: str) -> Actor:
    start = article.text.index(surface)
    actor = article.actor_at(start, start + len(surface))
    assert actor is not None, f"no actor covers {surface!r}"
    return actor


def run(pipeline: Pipeline, text: str) -> Article:
    return pipeline(Article(id="t", text=text))


# ---- the canonical article ---------------------------------------------------------------------------


def test_iraq_quotes_are_well_formed(iraq: Article) -> None:
    assert [q.id for q in iraq.quotes] == [f"q{i}" for i in range(1, len(iraq.quotes) + 1)]
    assert [q.start for q in iraq.quotes] == sorted(q.start for q in iraq.quotes)
    for quote in iraq.quotes:
        assert quote.text == iraq.text[quote.start:quote.end]
        assert 0 < quote.confidence < 1


def test_iraq_jeffrey_direct_quotes(iraq: Article) -> None:
    first = quote_with(iraq, "What is happening now is similar")
    assert first.kind == "direct"
    assert first.text.startswith("What is happening") and first.text.endswith("after 2011")  # no marks, no comma
    assert speaker_of(iraq, first).name == "James Jeffrey"
    assert first.speaker_text == "James Jeffrey"
    assert first.cue == "said"
    assert first.channel == "USA Today"
    second = quote_with(iraq, "The big problem is that")
    assert second.kind == "direct"
    assert speaker_of(iraq, second).name == "James Jeffrey"
    assert second.channel is None  # no channel stated in that sentence


def test_iraq_jeffrey_indirect_statements(iraq: Article) -> None:
    size = quote_with(iraq, "the size of the force is likely to be less")
    assert size.kind == "indirect"
    assert size.text.startswith("the size of the force")
    assert speaker_of(iraq, size).name == "James Jeffrey"
    pointed = quote_with(iraq, "the task of any force")
    assert (pointed.kind, pointed.cue, pointed.speaker_text) == ("indirect", "pointed out", "He")
    assert pointed.text.startswith("the task")  # the complementiser "that" is the frame's
    assert speaker_of(iraq, pointed).name == "James Jeffrey"
    brake = quote_with(iraq, "would provide a brake")
    assert speaker_of(iraq, brake).name == "James Jeffrey"


def test_iraq_mattis_and_funk(iraq: Article) -> None:
    mattis = quote_with(iraq, "our battle is not over yet")
    assert mattis.kind == "direct"
    assert mattis.speaker_text == "US Defense Secretary Jim Mats"
    assert mattis.speaker == actor_named_at(iraq, "Jim Mats").id
    funk = quote_with(iraq, "commit ourselves to a long-term presence")
    assert funk.kind == "direct"
    assert funk.speaker == actor_named_at(iraq, "Paul Funk").id
    assert (funk.cue, funk.channel) == ("told", "USA Today")
    # "I think ..." inside Funk's quote is his speech, not a separate attribution.
    assert not [q for q in iraq.quotes if q.start > funk.start and q.end <= funk.end]


def test_iraq_abadi_mixed_quote(iraq: Article) -> None:
    abadi = quote_with(iraq, "continuing enemy")
    assert abadi.kind == "mixed"
    assert abadi.text.startswith("terrorism was still considered")
    assert abadi.text.endswith("”")
    assert abadi.speaker == actor_named_at(iraq, "Haider al-Abbadi").id
    assert abadi.speaker_text == "Prime Minister Haider al-Abbadi"


def test_iraq_anonymous_officials(iraq: Article) -> None:
    according = quote_with(iraq, "have yet to decide on the size")
    assert (according.speaker_text, according.cue, according.anonymous) == ("US officials", "According to", True)
    two = quote_with(iraq, "no decision had yet been made")
    assert two.speaker_text == "The two officials" and two.anonymous
    assert two.text.endswith("determined by the Iraqi government")  # both that-clauses
    one = quote_with(iraq, "instead of approving a formal agreement")
    assert one.speaker_text == "a US official" and one.anonymous
    named = [q for q in iraq.quotes if q.speaker_text and "Jeffrey" in q.speaker_text]
    assert named and not any(q.anonymous for q in named)


def test_iraq_the_us_newspaper_is_usa_today(iraq: Article) -> None:
    paper = quote_with(iraq, "it is not clear whether the United States")
    assert paper.kind == "indirect"
    assert paper.speaker_text == "The US newspaper"
    assert paper.channel == "USA Today"
    assert paper.speaker == actor_named_at(iraq, "USA Today").id


def test_quote_covering_finds_the_innermost_quote(iraq: Article) -> None:
    mattis = quote_with(iraq, "our battle is not over yet")
    inside = iraq.text.index("organization remains a threat")
    assert quote_covering(iraq, inside, inside + 12) is mattis
    assert quote_covering(iraq, 0, 5) is None


# ---- quotation marks -----------------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "content"), [
    ('"We will stay until the job is done," the minister said.', "We will stay until the job is done"),
    ("“We will stay until the job is done,” the minister said.", "We will stay until the job is done"),
    ("The minister said: «We will stay until the job is done.»", "We will stay until the job is done."),
    ("The minister said: „We will stay until the job is done.“", "We will stay until the job is done."),
])
def test_direct_quote_marks(pipeline: Pipeline, text: str, content: str) -> None:
    article = run(pipeline, text)
    [quote] = article.quotes
    assert (quote.kind, quote.text, quote.cue) == ("direct", content, "said")
    assert quote.speaker_text is not None and quote.speaker_text.lower() == "the minister"


def test_multi_paragraph_quote_is_one_quote(pipeline: Pipeline) -> None:
    text = ("“The first phase of the plan is complete. We have moved the troops back from the border.\n\n"
            "“The second phase will take longer, and it depends on ‘good faith’ from the other side,” "
            "said Ahmed Karimi, the army spokesman.\n\nTalks resume on Monday.")
    article = run(pipeline, text)
    [quote] = article.quotes
    assert quote.kind == "direct"
    assert quote.text.startswith("The first phase") and quote.text.endswith("from the other side")
    assert "\n\n“The second phase" in quote.text
    assert "‘good faith’" in quote.text  # nested single quotes stay in the content
    assert quote.speaker_text == "Ahmed Karimi"
    assert not article.warnings
    # One fragment per paragraph, without the paragraph break and the reopening mark.
    first, second = (text[s:e] for s, e in quote.parts)
    assert first == "The first phase of the plan is complete. We have moved the troops back from the border."
    assert second.startswith("The second phase") and second.endswith("from the other side")
    assert (quote.start, quote.end) == (quote.parts[0][0], quote.parts[-1][1])


def test_split_quote_is_merged(pipeline: Pipeline) -> None:
    text = ('"We will not accept these terms," Foreign Minister Sergei Lavrov said, '
            '"and we will say so in Geneva."\n\nThe talks open on Monday.')
    article = run(pipeline, text)
    [quote] = article.quotes
    assert quote.kind == "direct"
    assert quote.text.startswith("We will not accept") and quote.text.endswith("say so in Geneva.")
    assert quote.speaker_text == "Foreign Minister Sergei Lavrov"
    assert quote.cue == "said"
    assert [text[s:e] for s, e in quote.parts] == ["We will not accept these terms", "and we will say so in Geneva."]


def test_sentence_after_a_frame_continues_the_same_quote(pipeline: Pipeline) -> None:
    text = ('"Nobody gave anybody a green light," Lavrov said. "We are working so that the government '
            'returns to its borders."\n\n"We will not be rushed."')
    article = run(pipeline, text)
    first, second = article.quotes
    # '"A," he said. "B."': one attribution, two fragments, the frame between them left out.
    assert [text[s:e] for s, e in first.parts] == [
        "Nobody gave anybody a green light", "We are working so that the government returns to its borders."]
    assert first.cue == "said" and first.speaker_text == "Lavrov"
    # A cue-less quote in the next paragraph is a new attribution of the same speaker.
    assert second.text == "We will not be rushed." and second.cue is None
    assert second.speaker_text == "Lavrov" and second.speaker == first.speaker
    assert second.confidence < first.confidence


def test_unbalanced_mark_is_handled_within_its_paragraph(pipeline: Pipeline) -> None:
    text = ('“The ceasefire must hold until the elections, the general said in Kabul.\n\n'
            'The talks broke down on Friday.\n\n'
            '“We will return next week,” the envoy said.\n\n'
            'The envoy said the ceasefire would hold.')
    article = run(pipeline, text)
    envoy = quote_with(article, "We will return next week")
    assert envoy.text == "We will return next week" and envoy.speaker_text == "the envoy"
    assert quote_with(article, "the ceasefire would hold").kind == "indirect"
    unclosed = quote_with(article, "The ceasefire must hold")
    assert unclosed.end <= text.index("\n")  # closed at its own paragraph end, not later
    assert unclosed.confidence < envoy.confidence
    assert any("never closed" in w for w in article.warnings)


def test_marks_scanner_keeps_stray_marks_local() -> None:
    lexicon = load_lexicon()
    text = 'He called it a "farce.\nShe said "yes" twice.\n“One,\n“Two.”'
    spans = [(text[q.start:q.end], q.closed) for q in find_marked(text, lexicon.marks)]
    assert spans == [("farce.", False), ("yes", True), ("One,\n“Two.", True)]


def test_scare_quotes_are_not_quotes(pipeline: Pipeline) -> None:
    article = run(pipeline, "The so-called “Islamic State” lost its last town in March.")
    assert article.quotes == []


# ---- indirect and mixed ----------------------------------------------------------------------------------


def test_mixed_quote(pipeline: Pipeline) -> None:
    article = run(pipeline, "The prime minister said terrorism was still a “continuing enemy.”")
    [quote] = article.quotes
    assert quote.kind == "mixed"
    assert quote.text == "terrorism was still a “continuing enemy.”"
    assert quote.speaker_text == "The prime minister"


@pytest.mark.parametrize(("text", "speaker", "cue", "content"), [
    ("The minister said that the border would reopen on Monday.", "The minister", "said",
     "the border would reopen on Monday"),
    ("Erdogan warned that Turkish forces would resume their operation.", "Erdogan", "warned",
     "Turkish forces would resume their operation"),
    ("The Kremlin announced that talks would resume in Geneva.", "The Kremlin", "announced",
     "talks would resume in Geneva"),
    ("The Iraqi government believes that further assistance is needed.", "The Iraqi government", "believes",
     "further assistance is needed"),
    ("He pointed out that the force would have no combat role.", "He", "pointed out",
     "the force would have no combat role"),
    ("Ceasefire talks will resume next week, the foreign ministry says.", "the foreign ministry", "says",
     "Ceasefire talks will resume next week"),
    ("According to the United Nations, more than 176,000 people have been displaced.", "the United Nations",
     "According to", "more than 176,000 people have been displaced"),
    ("The ship was hit twice and the crew was evacuated, according to the coast guard.", "the coast guard",
     "according to", "The ship was hit twice and the crew was evacuated"),
    ("President Rajapaksa fled to the Maldives, the air force said, days after the protests.", "the air force",
     "said", "President Rajapaksa fled to the Maldives"),
])
def test_indirect_quotes(pipeline: Pipeline, text: str, speaker: str, cue: str, content: str) -> None:
    article = run(pipeline, text)
    [quote] = article.quotes
    assert (quote.kind, quote.speaker_text, quote.cue, quote.text) == ("indirect", speaker, cue, content)


def test_cognition_cues_are_less_certain_than_speech(pipeline: Pipeline) -> None:
    said = run(pipeline, "The government said that more help is needed.").quotes[0]
    believes = run(pipeline, "The government believes that more help is needed.").quotes[0]
    assert believes.confidence < said.confidence


def test_negated_cue_and_free_relative_are_not_quotes(pipeline: Pipeline) -> None:
    assert run(pipeline, "The spokesman did not say whether the troops would leave.").quotes == []
    assert run(pipeline, "Both countries want to avoid repeating what happened in 2011.").quotes == []


def test_speaker_through_coordination(pipeline: Pipeline) -> None:
    article = run(pipeline, "The prime minister declared victory but said the threat remained serious.")
    [quote] = article.quotes
    assert quote.speaker_text == "The prime minister"
    assert quote.text == "the threat remained serious"


def test_dateline_is_not_content(pipeline: Pipeline) -> None:
    article = run(pipeline, "ADEN, January 16, 2024 (Gulf Wire) — Rebels fired two missiles at a ship, "
                            "the US military said.")
    [quote] = article.quotes
    assert quote.text == "Rebels fired two missiles at a ship"


# ---- channels ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "channel"), [
    ("The president told Reuters that the sanctions would be lifted next year.", "Reuters"),
    ("“We are ready,” the general said in an interview with The Washington Post.", "The Washington Post"),
    ("The ministry said in a statement that it had summoned the ambassador.", "statement"),
    ("Senator John Smith wrote on Twitter that the vote was a disgrace.", "Twitter"),
    ("The senator wrote on X that the vote was a disgrace.", "X"),
    ("Military planes have left the base, according to a statement from US Central Command.", "statement"),
])
def test_channels(pipeline: Pipeline, text: str, channel: str) -> None:
    [quote] = run(pipeline, text).quotes
    assert quote.channel == channel


def test_told_a_person_is_no_channel(pipeline: Pipeline) -> None:
    [quote] = run(pipeline, "The envoy told Jeffrey Brown that the talks had failed.").quotes
    assert quote.channel is None


def test_document_stands_for_its_author(pipeline: Pipeline) -> None:
    [quote] = run(pipeline, "Planes have left the base, according to a statement from US Central Command.").quotes
    assert quote.speaker_text == "US Central Command"


def test_outlet_description_resolves_to_the_named_outlet(pipeline: Pipeline) -> None:
    text = ("“The talks are over,” the minister told Al Jazeera on Monday.\n\n"
            "The Qatari channel says the minister will travel to Doha next week.")
    article = run(pipeline, text)
    channel_quote = quote_with(article, "the minister will travel")
    assert channel_quote.speaker_text == "The Qatari channel"
    assert channel_quote.channel == "Al Jazeera"


# ---- anonymous sources -----------------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "anonymous"), [
    ("US officials, who declined to be named, said the troops would stay.", True),
    ("Two diplomats, speaking on condition of anonymity, warned that the ceasefire could collapse.", True),
    ("A source close to the negotiations said the deal was almost ready.", True),
    ("A US official said the troops would stay.", True),
    ("Officials said the troops would stay.", True),
    ("US official John Kirby said the troops would stay.", False),
    ("The Pentagon said the troops would stay.", False),
])
def test_anonymous_sources(pipeline: Pipeline, text: str, anonymous: bool) -> None:
    [quote] = run(pipeline, text).quotes
    assert quote.anonymous is anonymous


def test_the_source_refers_back_to_an_anonymous_source(pipeline: Pipeline) -> None:
    text = ("A source close to the ministry said that 2,400 soldiers are deployed. "
            "Part of these forces will go to Niger, the source added.")
    article = run(pipeline, text)
    assert [q.anonymous for q in article.quotes] == [True, True]


# ---- robustness and data files -----------------------------------------------------------------------------


def test_stage_runs_without_actors(nlp) -> None:  # type: ignore[no-untyped-def]
    text = "“We will stay,” the general said. He said that the base would stay open."
    article = Article(id="t", text=text)
    QuoteStage.from_config(None)(article, nlp(text))
    assert [(q.kind, q.speaker, q.speaker_text) for q in article.quotes] == [
        ("direct", None, "the general"), ("indirect", None, "He")]


def test_empty_and_markless_texts(pipeline: Pipeline) -> None:
    assert run(pipeline, "").quotes == []
    assert run(pipeline, '"""').quotes == []
    assert run(pipeline, "Troops crossed the border on Monday.").quotes == []


def test_malformed_data_file_names_file_and_line(tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(DATA, data)
    with (data / "cues.tsv").open("a", encoding="utf-8") as handle:
        handle.write("proclaim\tshouting\n")
    with pytest.raises(DictionaryFormatError) as excinfo:
        load_lexicon(data)
    assert excinfo.value.path.endswith("cues.tsv")
    assert "shouting" in str(excinfo.value)
    assert excinfo.value.line == len((data / "cues.tsv").read_text(encoding="utf-8").splitlines())


_PIECES = ["He said", "the minister", "told Reuters", "that", "“", "”", '"', "«", "»", "„", "‘", "’", ",", ".",
           "\n", "\n\n", "officials", "according to", "we will stay", "Jeffrey", "warned", " "]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.sampled_from(_PIECES), max_size=40))
def test_any_text_gives_well_formed_quotes(nlp, pieces: list[str]) -> None:  # type: ignore[no-untyped-def]
    text = " ".join(pieces)
    article = Article(id="t", text=text)
    QuoteStage.from_config(None)(article, nlp(text))
    assert [q.id for q in article.quotes] == [f"q{i}" for i in range(1, len(article.quotes) + 1)]
    for quote in article.quotes:
        assert 0 <= quote.start <= quote.end <= len(text)
        assert quote.text == text[quote.start:quote.end]
        assert quote.kind in ("direct", "indirect", "mixed")
        # Fragments: non-empty, in order, not overlapping, spanning exactly start..end.
        assert quote.parts and all(s < e for s, e in quote.parts)
        assert all(a[1] <= b[0] for a, b in zip(quote.parts, quote.parts[1:], strict=False))
        assert (quote.parts[0][0], quote.parts[-1][1]) == (quote.start, quote.end)


def test_description_frame_makes_a_mixed_quote(pipeline: Pipeline) -> None:
    article = run(pipeline, 'The president described his rival as a "thief" who had stolen the wheat.')
    [quote] = article.quotes
    assert (quote.kind, quote.cue, quote.speaker_text) == ("mixed", "described", "The president")
    assert quote.text == 'his rival as a "thief" who had stolen the wheat'


def test_according_to_over_a_framed_quote_keeps_both(pipeline: Pipeline) -> None:
    text = '"We will not accept pressure," the prime minister told the delegation, according to the statement.'
    article = run(pipeline, text)
    direct = next(q for q in article.quotes if q.kind == "direct")
    assert (direct.text, direct.cue) == ("We will not accept pressure", "told")
    assert direct.speaker_text == "the prime minister"
    report = next(q for q in article.quotes if q.cue == "according to")
    assert report.kind == "indirect" and report.speaker_text == "the statement"
    assert report.start <= direct.start and direct.end <= report.end
