"""The PETRARCH dictionary-driven coder on spaCy's parse, with small dictionaries written here."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from conftest import shared_path
from eventwire.errors import KnowledgeBaseError
from eventwire.events import EventStage
from eventwire.model import Actor, Article, Mention, Quote
from eventwire.petrarch.coder import PetrarchCoder, cameo_info, combined_code, load_coder
from eventwire.pipeline import PipelineConfig

ACTORS = """\
ARNOR [ARN]
GONDOR [GON]
+MINAS_TIRITH
ERIADOR [ERI]
OSGILIATH [OSG]
LORIEN [ELR/GAL]
SMEAGOL
\t[HOB <19950601]
\t[HOBGOV 19950601-19990815]
\t[HOBREB >19990815]
"""
AGENTS = """\
FOREIGN_MINISTER [~GOVFRM]
GOVERNMENT [~GOV]
OFFICIAL [~GOV]
MSF {} [NGO~]
"""
VERBS = """\
&TIETYPES
+MILITARY
+ECONOMIC

--- RESTORE [064] ---
RESTORE
- * &TIETYPES TIES [065]
- NOT * RELATIONS [112]

--- URGE [102] ---
URGE

--- MEET [031:031] ---
MEET
MET

--- DELAY [120] ---
DELAY
- % HAVE * [191]

--- OPPOSE [112] ---
OPPOSE

--- SAY [023] ---
SAY {SAYS SAID SAYING}

--- ATTACK [190] ---
ATTACK

--- RESPOND [---] ---
RESPOND

--- FREE [066] ---
FREE
- + * FROM $ [0661]

~ a (a b ATTACK) SAY = a b 015
~ a (b . ATTACK) SAY = a b 112
"""
DISCARDS = """\
BASEBALL
+WORLD GOLF CHAMPIONSHIPS
"""


@pytest.fixture(scope="module")
def directory(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("petr")
    for name, text in (("mini.actors.txt", ACTORS), ("mini.agents.txt", AGENTS), ("mini.verbs.txt", VERBS),
                       ("mini.discards.txt", DISCARDS)):
        (root / name).write_text(text, encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def coder(directory: Path) -> PetrarchCoder:
    return PetrarchCoder.from_directory(directory)


def triples(coder: PetrarchCoder, nlp, text: str, day: date | None = None) -> list[tuple[str, str, str]]:  # type: ignore[no-untyped-def]
    return [c.triple for _sent, codings in coder.code_doc(nlp(text), day) for c in codings]


def test_default_code_subject_and_first_actor_after_the_verb(coder: PetrarchCoder, nlp) -> None:  # type: ignore[no-untyped-def]
    assert triples(coder, nlp, "Arnor is about to restore full diplomatic ties with Gondor.") == [
        ("ARN", "GON", "064")]


def test_patterns_synsets_and_words_before_the_verb(coder: PetrarchCoder, nlp) -> None:  # type: ignore[no-untyped-def]
    assert triples(coder, nlp, "Arnor will restore economic ties with Gondor.") == [("ARN", "GON", "065")]
    assert triples(coder, nlp, "Arnor did not restore relations with Gondor.") == [("ARN", "GON", "112")]


def test_agents_combine_with_actors(coder: PetrarchCoder, nlp) -> None:  # type: ignore[no-untyped-def]
    # Object control: Eriador is the one who responds ('respond' codes nothing: [---]).
    assert triples(coder, nlp, "Arnor's foreign minister urged Eriador to respond to Gondor.") == [
        ("ARNGOVFRM", "ERI", "102")]
    assert triples(coder, nlp, "MSF Arnor urged the Gondor government to act.") == [("NGOARN", "GONGOV", "102")]
    # An agent without an actor keeps PETRARCH's '---' actor code.
    assert triples(coder, nlp, "A senior official urged Eriador to act.") == [("---GOV", "ERI", "102")]


def test_date_restricted_actor_is_coded_by_the_sentence_date(coder: PetrarchCoder, nlp) -> None:  # type: ignore[no-untyped-def]
    text = "Smeagol urged Gondor to act."
    assert triples(coder, nlp, text, date(1990, 1, 1)) == [("HOB", "GON", "102")]
    assert triples(coder, nlp, text, date(1997, 3, 1)) == [("HOBGOV", "GON", "102")]
    assert triples(coder, nlp, text, date(2005, 1, 1)) == [("HOBREB", "GON", "102")]


def test_paired_codes_compounds_and_slash_codes(coder: PetrarchCoder, nlp) -> None:  # type: ignore[no-untyped-def]
    # [031:031]: the event and its reverse
    assert sorted(triples(coder, nlp, "Arnor met Gondor on Monday.")) == [("ARN", "GON", "031"), ("GON", "ARN", "031")]
    # '%': a compound subject acting on itself
    assert sorted(triples(coder, nlp, "Gondor and Osgiliath have delayed their meeting.")) == [
        ("GON", "OSG", "191"), ("OSG", "GON", "191")]
    # conjoined targets and a two-actor code [ELR/GAL]
    assert sorted(triples(coder, nlp, "Arnor urged Lorien and Eriador to act.")) == [
        ("ARN", "ELR", "102"), ("ARN", "ERI", "102"), ("ARN", "GAL", "102")]


def test_passive_and_pattern_markers(coder: PetrarchCoder, nlp) -> None:  # type: ignore[no-untyped-def]
    assert triples(coder, nlp, "Eriador was opposed by Osgiliath.") == [("OSG", "ERI", "112")]
    # '+ * FROM $': the target before the verb, the source after FROM
    assert triples(coder, nlp, "Arnor freed them from Osgiliath.") == [("OSG", "ARN", "0661")]


def test_transformation_rules(coder: PetrarchCoder, nlp) -> None:  # type: ignore[no-untyped-def]
    assert triples(coder, nlp, "Gondor attacked Eriador.") == [("GON", "ERI", "190")]
    # claiming one's own attack: "a says a attacked b" becomes one event a b 015
    assert triples(coder, nlp, "Arnor said it attacked Gondor.") == [("ARN", "GON", "015")]
    # accusing another: "a says b attacked c" becomes a b 112
    assert triples(coder, nlp, "Arnor said Gondor attacked Eriador.") == [("ARN", "GON", "112")]


def test_discards_and_dyads(coder: PetrarchCoder, nlp) -> None:  # type: ignore[no-untyped-def]
    assert triples(coder, nlp, "Arnor urged Gondor to resume baseball games.") == []
    story = "Arnor urged Gondor to act. The World Golf Championships start today."
    assert triples(coder, nlp, story) == []
    # no target: PETRARCH's default (require a dyad) codes nothing
    assert triples(coder, nlp, "Arnor said on Monday it was ready.") == []


def test_events_for_an_article(coder: PetrarchCoder, nlp) -> None:  # type: ignore[no-untyped-def]
    text = "Arnor's foreign minister urged Eriador to respond."
    article = Article(id="a1", text=text, published="2001-05-02")
    [event] = EventStage(coder=coder).events(article, nlp(text))
    assert (event.event, event.cameo, event.quad) == ("REQUEST", "102", 3)
    assert event.goldstein == cameo_info("102").goldstein  # type: ignore[union-attr]
    assert event.trigger.text == "urged" and text[event.trigger.start:event.trigger.end] == "urged"
    [source], [target] = event.actor, event.recipient
    assert (source.code, source.sector, combined_code(source)) == ("ARN", "GOVFRM", "ARNGOVFRM")
    assert source.text == "Arnor's foreign minister"
    assert (target.code, target.sector, target.text) == ("ERI", None, "Eriador")
    assert event.date == "2001-05-02" and event.id == "e1" and event.reported_by is None
    assert Article.from_dict(article.to_dict() | {"events": [event.to_dict()]}).events[0] == event


def test_parties_link_to_the_article_actor_the_dictionary_names(coder: PetrarchCoder, nlp) -> None:  # type: ignore[no-untyped-def]
    text = "The Arnor government urged the people of Eriador and Osgiliath to act."

    def actor(actor_id: str, word: str) -> Actor:
        start = text.index(word)
        return Actor(id=actor_id, name=word, mentions=[Mention(start, start + len(word), word)])

    # "people" overlaps the target phrases too, but the dictionary names Eriador and Osgiliath
    article = Article(id="a4", text=text, actors=[actor("a1", "Arnor"), actor("a2", "Eriador"),
                                                  actor("a3", "Osgiliath"), actor("a9", "people")])
    events = EventStage(coder=coder).events(article, nlp(text))
    assert [(e.actor[0].actor, e.actor[0].code, e.actor[0].sector, e.recipient[0].actor, e.recipient[0].code)
            for e in events] == [("a1", "ARN", "GOV", "a2", "ERI"), ("a1", "ARN", "GOV", "a3", "OSG")]


def test_events_inside_a_quote_are_reported_by_it(coder: PetrarchCoder, nlp) -> None:  # type: ignore[no-untyped-def]
    text = 'An official said: "Arnor urged Eriador to act."'
    start = text.index('"')
    quote = Quote(id="q1", kind="direct", text=text[start + 1:-1], start=start, end=len(text))
    article = Article(id="a3", text=text, quotes=[quote])
    said, urged = EventStage(coder=coder).events(article, nlp(text))
    # the speaker's statement (SAY [023], PETRARCH's target: the first actor of what is said) is outside
    assert (said.trigger.text, said.reported_by, said.actor[0].sector, said.recipient[0].code) == (
        "said", None, "GOV", "ARN")
    assert (urged.trigger.text, urged.reported_by, urged.event) == ("urged", "q1", "REQUEST")


def test_event_stage_from_config(directory: Path, nlp) -> None:  # type: ignore[no-untyped-def]
    stage = EventStage.from_config(PipelineConfig(dictionaries=str(directory)))
    assert isinstance(stage.coder, PetrarchCoder)
    text = "Arnor is about to restore full diplomatic ties with Gondor."
    article = Article(id="a2", text=text)
    stage(article, nlp(text))
    assert [(e.event, e.cameo, e.actor[0].code, e.recipient[0].code) for e in article.events] == [
        ("COOPERATE", "064", "ARN", "GON")]
    with pytest.raises(KnowledgeBaseError):
        EventStage.from_config(PipelineConfig(dictionaries=str(directory / "missing")))


def test_odd_input_codes_nothing(coder: PetrarchCoder, nlp) -> None:  # type: ignore[no-untyped-def]
    for text in ("", "   \n\n  ", "Arnor.", "urged urged urged", "Let us urge them."):
        assert triples(coder, nlp, text) == []


def test_phoenix_dictionaries_code_by_date(nlp) -> None:  # type: ignore[no-untyped-def]
    coder = load_coder(str(shared_path("dictionaries", "petrarch2")))
    text = "Barack Obama condemned the Iranian government on Monday."
    # Phoenix: Obama is USAELI 1978-2000 and USAGOV after 2009-01-20; CAMEO.2.0: CONDEMN [111]
    assert triples(coder, nlp, text, date(2010, 5, 1)) == [("USAGOV", "IRNGOV", "111")]
    assert triples(coder, nlp, text, date(1990, 5, 1)) == [("USAELI", "IRNGOV", "111")]
    assert triples(coder, nlp, text, date(2005, 5, 1)) == []
