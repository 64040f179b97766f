"""Issue 16: one attribution one quote (fragments), indirect and nominal attributions, documents as sources,
who can speak, speaker chains; and the quote fragments carried by the contract, the store and the exports.

Short texts written for each construction (our own words); the pipeline stops after the quotes stage, since
the later stages cannot change quotes.
"""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
from typer.testing import CliRunner

from eventwire.cli import app
from eventwire.eval.quotes import quotes_pipeline
from eventwire.model import Article, Quote
from eventwire.pipeline import Pipeline
from eventwire.schema import contract_schema
from eventwire.store.database import Store
from eventwire.store.query import Filters, query_quotes
from eventwire.web.highlight import describe, pieces

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def qpipe() -> Pipeline:
    return quotes_pipeline()


def run(pipeline: Pipeline, text: str) -> Article:
    return pipeline(Article(id="t", text=text))


def only(article: Article, fragment: str) -> Quote:
    found = [q for q in article.quotes if fragment in article.text[q.start:q.end]]
    assert len(found) == 1, f"{len(found)} quotes contain {fragment!r}: {[q.text[:60] for q in article.quotes]}"
    return found[0]


def words(article: Article, quote: Quote) -> list[str]:
    return [article.text[s:e] for s, e in quote.parts]


# ---- one attribution, one quote ---------------------------------------------------------------------------


def test_split_quote_has_two_fragments_and_leaves_the_frame_out(qpipe: Pipeline) -> None:
    article = run(qpipe, '"We are going to put a clean bill on the floor," Brenner told reporters. '
                         '"If it fails, the people will know who said no."')
    [quote] = article.quotes
    assert words(article, quote) == ["We are going to put a clean bill on the floor",
                                     "If it fails, the people will know who said no."]
    assert (quote.kind, quote.speaker_text, quote.cue) == ("direct", "Brenner", "told")
    assert quote.start == quote.parts[0][0] and quote.end == quote.parts[-1][1]
    assert "Brenner told reporters" in quote.text  # text spans the whole; parts hold the quoted words


def test_quote_running_over_paragraphs_is_one_quote_with_a_fragment_per_paragraph(qpipe: Pipeline) -> None:
    text = ('"There was no serious offer on the table. There was a press release.\n\n'
            '"If they want to negotiate, my door is open," Brenner said.\n\nThe vote is on Friday.')
    article = run(qpipe, text)
    [quote] = article.quotes
    assert words(article, quote) == ["There was no serious offer on the table. There was a press release.",
                                     "If they want to negotiate, my door is open"]
    assert quote.speaker_text == "Brenner" and not article.warnings


def test_closed_quote_in_a_new_paragraph_is_a_new_attribution_of_the_chain(qpipe: Pipeline) -> None:
    text = ('"We will not back down," Senator Lorraine Voss said at a rally.\n\n'
            '"The people of Ohio deserve better than this."')
    first, second = run(qpipe, text).quotes
    assert first.speaker_text == "Senator Lorraine Voss"
    assert second.cue is None and second.speaker_text == "Senator Lorraine Voss"
    assert second.speaker == first.speaker


# ---- speaker chains and pronouns ----------------------------------------------------------------------------


def test_he_added_continues_the_last_named_speaker(qpipe: Pipeline) -> None:
    text = ('Sen. Martin Ocampo said he had not decided how to vote.\n\n'
            'The White House did not comment.\n\n'
            '"I want to see the text first," he added.')
    article = run(qpipe, text)
    added = only(article, "I want to see the text first")
    assert added.speaker_text == "he" and added.cue == "added"
    ocampo = only(article, "he had not decided")
    assert ocampo.speaker is not None and added.speaker == ocampo.speaker


def test_abbreviated_title_does_not_end_the_frame(qpipe: Pipeline) -> None:
    article = run(qpipe, '"You don\'t fix a leaky roof by tearing down the house," said Sen. Ramona Fields (D-La.). '
                         '"We need the agency."\n\n"We have no intention of building a weapon," Mr. Soltani said.')
    fields = only(article, "leaky roof")
    assert fields.speaker_text == "Sen. Ramona Fields" and len(fields.parts) == 2
    assert only(article, "building a weapon").speaker_text == "Mr. Soltani"


def test_long_subject_with_a_relative_clause_still_frames_the_quote(qpipe: Pipeline) -> None:
    text = ('Officials said the complaint was filed on Monday.\n\n'
            '"The law is clear, and the agency ignored it," Attorney General Sofia Delgado, who is leading '
            'the coalition, told The Hill.')
    quote = only(run(qpipe, text), "The law is clear")
    assert quote.speaker_text == "Attorney General Sofia Delgado" and quote.channel == "The Hill"


# ---- indirect and nominal attributions ---------------------------------------------------------------------


@pytest.mark.parametrize(("text", "speaker", "cue", "content"), [
    ("Nearly 800,000 workers would be furloughed, according to the Congressional Budget Office.",
     "the Congressional Budget Office", "according to", "Nearly 800,000 workers would be furloughed"),
    ("Governor Maddox believes the voucher program would drain money from public schools.",
     "Governor Maddox", "believes", "the voucher program would drain money from public schools"),
    ("Critics argue that the drop reflected seasonal patterns.", "Critics", "argue",
     "the drop reflected seasonal patterns"),
    ("The Kremlin warned that the aid would change nothing on the battlefield.", "The Kremlin", "warned",
     "the aid would change nothing on the battlefield"),
    ("Ms. Maddox insisted the veto had nothing to do with politics.", "Ms. Maddox", "insisted",
     "the veto had nothing to do with politics"),
    ("The administrator acknowledged that the agency's oversight had fallen short.", "The administrator",
     "acknowledged", "the agency's oversight had fallen short"),
    ("In a statement, the union's president said the governor had kept her promise.", "the union's president",
     "said", "the governor had kept her promise"),
    ("Secretary Alan Kessler told reporters the parties were closer than a month ago.", "Secretary Alan Kessler",
     "told", "the parties were closer than a month ago"),
    ("Ukraine's biggest shortage is now soldiers, the general said.", "the general", "said",
     "Ukraine's biggest shortage is now soldiers"),
])
def test_indirect_constructions(qpipe: Pipeline, text: str, speaker: str, cue: str, content: str) -> None:
    quote = only(run(qpipe, text), content)
    assert (quote.kind, quote.speaker_text, quote.cue, quote.text) == ("indirect", speaker, cue, content)


@pytest.mark.parametrize(("text", "speaker", "cue", "content"), [
    ("The case turned on the administration's claim that an emergency justified the rule.",
     "the administration's", "claim", "an emergency justified the rule"),
    ("The assertion by the solicitor general that crossings had created an emergency drew questions.",
     "the solicitor general", "assertion", "crossings had created an emergency"),
    ("Okonkwo's warning that the disaster fund could run dry has added urgency to the dispute.",
     "Okonkwo's", "warning", "the disaster fund could run dry"),
    ("The senator repeated his claim that the election had been stolen.", "his", "claim",
     "the election had been stolen"),
])
def test_nominal_attributions(qpipe: Pipeline, text: str, speaker: str, cue: str, content: str) -> None:
    quote = only(run(qpipe, text), content)
    assert (quote.kind, quote.cue, quote.text) == ("indirect", cue, content)
    assert quote.speaker_text is not None and quote.speaker_text.lower().startswith(speaker.lower().rstrip("'s"))


def test_a_relative_clause_after_a_cue_noun_is_no_attribution(qpipe: Pipeline) -> None:
    assert run(qpipe, "The claim that he made on Monday was false.").quotes == []


def test_sentence_final_according_to_covers_the_nested_report(qpipe: Pipeline) -> None:
    text = ("A senior analyst alleges that her superiors ordered her to stop producing reports, according to a "
            "whistleblower complaint filed with the inspector general.")
    article = run(qpipe, text)
    outer = only(article, "A senior analyst alleges")
    assert outer.cue == "according to" and outer.speaker_text.startswith("a whistleblower complaint")
    inner = [q for q in article.quotes if q.cue == "alleges"]
    assert [q.text for q in inner] == ["her superiors ordered her to stop producing reports"]


def test_headline_style_name_and_colon(qpipe: Pipeline) -> None:
    article = run(qpipe, 'Hartman in Ohio: "We\'re taking this state back"\n\nThe rally drew thousands.')
    [quote] = article.quotes
    assert (quote.kind, quote.text, quote.speaker_text) == ("direct", "We're taking this state back", "Hartman")


# ---- documents and organisations as sources ---------------------------------------------------------------


@pytest.mark.parametrize(("text", "speaker", "content"), [
    ("The memo says field offices should treat such arrests as expected.", "The memo",
     "field offices should treat such arrests as expected"),
    ("A Marist poll found that 14 percent of voters remained undecided.", "A Marist poll",
     "14 percent of voters remained undecided"),
    ("The lawsuit alleges that the agency ignored its own scientific findings.", "The lawsuit",
     "the agency ignored its own scientific findings"),
    ("The 64-page report found that the agency approved dozens of grants without documents.",
     "The 64-page report", "the agency approved dozens of grants without documents"),
])
def test_documents_speak_for_themselves(qpipe: Pipeline, text: str, speaker: str, content: str) -> None:
    quote = only(run(qpipe, text), content)
    assert (quote.speaker_text, quote.text) == (speaker, content)


def test_a_document_with_an_author_speaks_for_the_author_but_not_for_its_reader(qpipe: Pipeline) -> None:
    article = run(qpipe, "A report issued by the inspector general says the fund is empty. "
                         "A memo seen by Reuters says the plan was dropped.")
    assert only(article, "the fund is empty").speaker_text == "the inspector general"
    assert only(article, "the plan was dropped").speaker_text == "A memo"


def test_a_belief_inside_a_poll_finding_is_part_of_the_finding(qpipe: Pipeline) -> None:
    article = run(qpipe, "A recent poll found that 61 percent of Americans believe the Pentagon wastes money.")
    [quote] = article.quotes
    assert quote.speaker_text == "A recent poll"
    assert quote.text == "61 percent of Americans believe the Pentagon wastes money"


@pytest.mark.parametrize("text", [
    "The investigation concluded that the fire had been set deliberately.",
    "Tensions showed that the truce was fragile.",
    "The analyst was told that her reports made the administration look bad.",
    "They will act alone if they believe Iran is close to a weapon.",
])
def test_things_and_hearers_are_no_speakers(qpipe: Pipeline, text: str) -> None:
    assert run(qpipe, text).quotes == []


def test_coordinated_cue_starts_a_new_attribution(qpipe: Pipeline) -> None:
    text = ('Justice Miriam Adeyemi said the statute was "plain and unambiguous" and rejected the argument '
            "that the law allowed it. Brenner said the Senate would vote on Tuesday and predicted it would pass.")
    article = run(qpipe, text)
    assert only(article, "plain and unambiguous").text == 'the statute was "plain and unambiguous"'
    assert only(article, "the Senate would vote").text == "the Senate would vote on Tuesday"
    assert only(article, "it would pass").speaker_text == "Brenner"


# ---- the contract, the store and the exports carry the fragments ------------------------------------------

SPLIT = '"We will not accept these terms," Foreign Minister Sergei Lavrov said. "We will say so in Geneva."'
SECOND = SPLIT.index("We will say")
PARTS = [{"start": 1, "end": 31}, {"start": SECOND, "end": len(SPLIT) - 1}]


def test_parts_round_trip_and_validate(qpipe: Pipeline) -> None:
    article = run(qpipe, SPLIT)
    data = article.to_dict()
    assert data["quotes"][0]["parts"] == PARTS
    jsonschema.validate(data, contract_schema())
    assert Article.from_dict(json.loads(json.dumps(data))).quotes == article.quotes
    # A 1.0 record without parts reads as one fragment.
    old = dict(data["quotes"][0])
    del old["parts"]
    assert Quote.from_dict(old).parts == [(old["start"], old["end"])]


def test_store_cli_and_highlight_carry_the_fragments(qpipe: Pipeline, tmp_path: Path) -> None:
    article = run(qpipe, SPLIT)
    db = tmp_path / "q.duckdb"
    store = Store(db)
    try:
        store.write_batch([article])
        rows, _ = query_quotes(store.con, Filters(limit=10))
        assert [(p["start"], p["end"]) for p in rows[0]["parts"]] == article.quotes[0].parts
        stored = store.article(article.id)
        assert stored is not None and stored.quotes[0].parts == article.quotes[0].parts
    finally:
        store.close()
    runner = CliRunner()
    result = runner.invoke(app, ["quotes", "--db", str(db), "--format", "json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout.splitlines()[0])["parts"] == PARTS
    result = runner.invoke(app, ["quotes", "--db", str(db), "--format", "csv"])
    assert "We will not accept these terms … We will say so in Geneva." in result.stdout
    assert "Lavrov said" not in result.stdout.splitlines()[1].split(",")[-2]
    # The web page marks the quoted words only, not the frame between them.
    data = article.to_dict()
    marked = "".join(p.text for p in pieces(data, describe(data, {}), {}, lambda key: key)
                     if any(r.startswith("q:") for r in p.refs))
    assert marked == "We will not accept these termsWe will say so in Geneva."


def test_pronoun_speaker_follows_the_chain_not_names_inside_quotes(qpipe: Pipeline) -> None:
    text = ('Justice Miriam Adeyemi said the statute was plain.\n\n'
            '"The Executive may not rewrite a statute by proclamation," she wrote.\n\n'
            'Sen. Tom Reinholt said he shared the frustration of President Dale Merriweather. '
            '"Families are paying 7 percent on a mortgage," he said.')
    article = run(qpipe, text)
    adeyemi = only(article, "the statute was plain")
    wrote = only(article, "The Executive may not")
    assert wrote.speaker_text == "she" and wrote.speaker == adeyemi.speaker is not None
    reinholt = only(article, "he shared the frustration")
    families = only(article, "Families are paying")
    assert families.speaker == reinholt.speaker is not None


def test_it_refers_back_to_a_document_not_to_an_organisation(qpipe: Pipeline) -> None:
    text = ("The inspector general's report says FEMA approved grants without documents. "
            "It also says the Department of Homeland Security ignored two warnings.")
    article = run(qpipe, text)
    second = only(article, "ignored two warnings")
    assert second.speaker_text == "It" and second.speaker is None


def test_titles_in_marks_and_dash_attributions(qpipe: Pipeline) -> None:
    text = ('Vance, in an interview with NBC\'s "Meet the Press," said the administration would appeal.\n\n'
            '"Enough is enough." — Senator Elizabeth Warren, on social media.\n\n'
            'The statement read: "The governor has been clear."\n\nAsked again, he said: "No."')
    article = run(qpipe, text)
    assert not [q for q in article.quotes if q.text == "Meet the Press"]
    assert only(article, "the administration would appeal").speaker_text == "Vance"
    assert only(article, "Enough is enough").speaker_text == "Senator Elizabeth Warren"
    assert only(article, "The governor has been clear").speaker_text == "The statement"
    assert only(article, "No.").cue == "said"


def test_that_clause_after_a_document_in_a_prepositional_frame(qpipe: Pipeline) -> None:
    text = ("Prosecutors wrote in the indictment that the former aide had lied to investigators. "
            "A senior administration official told reporters that no pardon was planned. "
            'The official said the decision "has not been discussed."')
    article = run(qpipe, text)
    wrote = only(article, "the former aide had lied")
    assert (wrote.speaker_text, wrote.cue, wrote.text) == (
        "Prosecutors", "wrote", "the former aide had lied to investigators")
    first = only(article, "no pardon was planned")
    second = only(article, "has not been discussed")
    assert second.anonymous and second.speaker == first.speaker  # "the official" is the official named before


def test_per_as_according_to_but_not_as_a_rate(qpipe: Pipeline) -> None:
    text = ("The White House is weighing new tariffs on European cars, per two people familiar with the talks. "
            "Gas prices rose 10 cents per gallon, and the company charges $20 per person.")
    article = run(qpipe, text)
    [quote] = article.quotes
    assert (quote.cue, quote.speaker_text, quote.anonymous) == ("per", "two people", True)
    assert quote.text == "The White House is weighing new tariffs on European cars"


def test_content_boundaries_and_named_beliefs(qpipe: Pipeline) -> None:
    text = ("A recent poll found that 61 percent of Americans believe the Pentagon wastes money, up from 52 "
            "percent five years ago. The ministry announced new measures aimed at curbing inflation. "
            "Sen. Tom Reinholt believes the bill will pass, his spokesman said.")
    article = run(qpipe, text)
    assert only(article, "61 percent").text == "61 percent of Americans believe the Pentagon wastes money"
    assert not [q for q in article.quotes if "new measures" in q.text]
    belief = [q for q in article.quotes if q.cue == "believes"]
    assert [(q.speaker_text, q.text) for q in belief] == [("Sen. Tom Reinholt", "the bill will pass")]
    assert only(article, "Reinholt believes").speaker_text == "his spokesman"
