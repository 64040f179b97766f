"""The magnitudes stage: reading counts, linking them to events, creating the ASSAULT a casualty clause reports.

Every sentence here was written for these tests (none comes from the gold set).
"""

from __future__ import annotations

import pytest

from eventwire.errors import ContractError
from eventwire.eval.magnitudes import predicted
from eventwire.events.magnitudes import NumberReader, default_lexicon, event_magnitude
from eventwire.model import Article, Event, Magnitude, Span
from eventwire.pipeline import STAGE_FACTORIES, Pipeline, PipelineConfig


@pytest.fixture(scope="module")
def pipeline() -> Pipeline:
    """The rule-based pipeline: these tests are about magnitudes, not about the trained event-type model."""
    return Pipeline(PipelineConfig(event_model=False))


@pytest.fixture(scope="module")
def nlp(pipeline: Pipeline):  # type: ignore[no-untyped-def]
    return pipeline.nlp


def run(pipeline: Pipeline, text: str) -> Article:
    return pipeline(Article(id="t", text=text, published="2024-03-01"))


def figures(pipeline: Pipeline, text: str) -> dict[str, int]:
    return predicted(run(pipeline, text))


def test_stage_runs_right_after_events() -> None:
    names = [name for name, _ in STAGE_FACTORIES]
    assert names.index("magnitudes") == names.index("events") + 1


# -- reading numbers --------------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "value", "at_least"), [
    ("They counted 19 people.", 19, False),
    ("They counted nine people.", 9, False),
    ("They counted fourteen people.", 14, False),
    ("They counted a dozen people.", 12, False),
    ("They counted 2,500 people.", 2500, False),
    ("They counted 1.2 million people.", 1_200_000, False),
    ("They counted two hundred and fifty people.", 250, False),
    ("They counted twenty-five people.", 25, False),
    ("They counted at least 25 people.", 25, True),
    ("They counted more than 100 people.", 100, True),
    ("They counted dozens of people.", 24, True),
    ("They counted hundreds of people.", 200, True),
    ("They counted tens of thousands of people.", 20_000, True),
    ("They counted about 3,000 people.", 3000, False),
])
def test_number_reader(nlp, text: str, value: int, at_least: bool) -> None:  # type: ignore[no-untyped-def]
    doc = nlp(text)
    reader = NumberReader(default_lexicon())
    number = next(t for t in doc if reader.is_number(t))
    count = reader.read(number)
    assert count is not None
    assert (count.value, count.at_least) == (value, at_least)
    assert text[count.start:count.end] == text.split("counted ")[1].split(" people")[0].removesuffix(" of")


def test_vague_word_without_bound_gives_no_value(nlp) -> None:  # type: ignore[no-untyped-def]
    doc = nlp("They counted several people.")
    count = NumberReader(default_lexicon()).read(doc[2])
    assert count is not None and count.value is None


def test_upper_bound_gives_no_value(nlp) -> None:  # type: ignore[no-untyped-def]
    doc = nlp("They counted fewer than 10 people.")
    count = NumberReader(default_lexicon()).read(doc[4])
    assert count is not None and count.value is None


@pytest.mark.parametrize(("text", "expected"), [
    # digits, words, mixed
    ("Gunmen killed 14 villagers in an attack on a market in Zamfara state.", {"killed": 14}),
    ("Militants killed nine soldiers in an ambush near the border.", {"killed": 9}),
    ("An air strike killed a dozen fighters in the hills.", {"killed": 12}),
    ("Security forces detained 2,500 people during the crackdown.", {"detained": 2500}),
    ("The offensive has displaced 1.2 million people, the UN said.", {"displaced": 1_200_000}),
    # approximations
    ("A suicide bomber killed at least 25 people at a mosque.", {"killed": 25}),
    ("Rebels killed more than 100 civilians in a week of attacks.", {"killed": 100}),
    ("Dozens of protesters were arrested in the capital.", {"arrested": 24}),
    ("Hundreds of people were killed in the fighting for the city.", {"killed": 200}),
    # conjoined groups
    ("Two soldiers and a civilian were killed when gunmen attacked a checkpoint.", {"killed": 3}),
    ("Khaleda Yasmin and nine other activists were arrested on Tuesday.", {"arrested": 10}),
    # two verbs, two kinds
    ("Gunmen killed one and wounded four in an attack on a bar.", {"killed": 1, "injured": 4}),
    # negatives
    ("No one was killed in the blast, police said.", {"killed": 0}),
    ("A rocket attack on the base caused no casualties.", {"killed": 0, "injured": 0}),
    # victims, not attackers
    ("The three attackers killed at least 19 people before police stormed the hotel.", {"killed": 19}),
    # participants
    ("About 5,000 protesters gathered outside parliament to oppose the bill.", {"participants": 5000}),
    ("Tens of thousands of demonstrators rallied against the reform.", {"participants": 20_000}),
    # other kinds
    ("Gunmen kidnapped 80 schoolchildren from a boarding school.", {"kidnapped": 80}),
    ("Twelve fishermen are missing after militants attacked their village.", {"missing": 12}),
    ("Police detained 23 people suspected of links to the group.", {"detained": 23}),
    ("Police arrested 45 people after clashes between rival groups.", {"arrested": 45}),
])
def test_reading_rules(pipeline: Pipeline, text: str, expected: dict[str, int]) -> None:
    assert figures(pipeline, text) == expected


def test_at_least_and_span(pipeline: Pipeline) -> None:
    article = run(pipeline, "The three attackers killed at least 19 people before police stormed the hotel.")
    [magnitude] = [m for e in article.events for m in e.magnitudes]
    assert magnitude.kind == "killed" and magnitude.value == 19 and magnitude.at_least
    assert magnitude.text.text == "at least 19 people"
    assert article.text[magnitude.text.start:magnitude.text.end] == magnitude.text.text


def test_toll_raised(pipeline: Pipeline) -> None:
    article = run(pipeline, "Militants attacked a police post overnight. Two officers were killed. "
                            "A third officer died in hospital on Sunday, bringing the death toll to six.")
    assert predicted(article) == {"killed": 6}


def test_toll_rose_to(pipeline: Pipeline) -> None:
    assert figures(pipeline, "A suicide bomber struck a crowded market on Friday. "
                             "The death toll from the attack rose to 45, officials said.") == {"killed": 45}


@pytest.mark.parametrize("text", [
    "The six-party talks resumed in Beijing in 2007 after a pause of 13 months.",
    "The 54-year-old minister met his counterpart on 12 March.",
    "Rebels fired 40 rounds at the convoy and destroyed three vehicles.",
    "The government approved a budget of $2 million to rebuild 300 homes.",
    "Turkey deployed 5,000 troops and 200 tanks along the border.",
    "The court sentenced the former mayor to 12 years in prison.",
])
def test_numbers_that_are_not_magnitudes(pipeline: Pipeline, text: str) -> None:
    assert figures(pipeline, text) == {}


@pytest.mark.parametrize(("text", "expected"), [
    # ranges: the lower end, as a lower bound
    ("Militants killed 10 to 15 villagers, according to residents.", {"killed": 10}),
    ("Between 10 and 15 people were killed in the raid, witnesses said.", {"killed": 10}),
    ("Nearly two dozen soldiers were killed in the ambush.", {"killed": 24}),
    # list style
    ("The clashes left 3 dead, 12 injured and 40 arrested, police said.",
     {"killed": 3, "injured": 12, "arrested": 40}),
    ("Two Killed, 15 Injured In Clash Between Rival Groups In Jos", {"killed": 2, "injured": 15}),
    # a running total, not a campaign total
    ("The bombing brought the number of people killed in the city to 31.", {"killed": 31}),
    ("The death toll rose from 12 to 15 on Monday after gunmen attacked the village.", {"killed": 15}),
    ("Paramilitaries killed two activists this week, bringing to 130 the number of activists killed this year.",
     {"killed": 2}),
    # an elided auxiliary; a second statement is not more people
    ("Rioters torched two police stations; police said 14 officers were hurt and 63 people detained.",
     {"injured": 14, "detained": 63}),
    ("The attack resulted in the death of 6 soldiers and the injury of 3 civilians, the ministry said.",
     {"killed": 6, "injured": 3}),
    # "security forces" is not "forced from their homes": the group goes on
    ("Two members of the security forces and three attackers were killed in the shootout.", {"killed": 5}),
    ("Fighting in the region has forced more than 50,000 people from their homes, the UN said.",
     {"displaced": 50_000}),
    ("A crowd estimated at 10,000 protested outside the presidential palace.", {"participants": 10_000}),
    # "the number of dead rose to" is a toll; MT-style martyrs died by violence
    ("The number of dead from the bombing has risen to 27.", {"killed": 27}),
    ("According to the local authorities, the number of martyrs rose to 14.", {"killed": 14}),
    # a headline's capitalised noun is one person
    ("Teacher Arrested After Attack On Police Station In Lahore", {"arrested": 1}),
    # companions
    ("Assailants shot dead a district judge along with his driver in Balochistan.", {"killed": 2}),
    # "shot and killed" shares the object; a demonym is one person
    ("Israeli forces shot and killed a 17-year-old Palestinian in Nablus.", {"killed": 1}),
])
def test_more_reading_rules(pipeline: Pipeline, text: str, expected: dict[str, int]) -> None:
    assert figures(pipeline, text) == expected


def test_arrest_never_takes_the_dead_of_the_attack(pipeline: Pipeline) -> None:
    article = run(pipeline, "Police arrested the three men on Tuesday, two days after the attack that killed four.")
    for event in article.events:
        kinds = {m.kind for m in event.magnitudes}
        if event.mode == "arrest":
            assert kinds <= {"arrested", "detained"}
    assert predicted(article) == {"arrested": 3, "killed": 4}


def test_clause_at_another_time_is_not_the_sentence_event(pipeline: Pipeline) -> None:
    text = "Five soldiers were killed on Tuesday in an ambush, a week after 12 were killed nearby."
    article = annotate_by_hand(pipeline, text, [("ASSAULT", "ambush")])
    assert [(m.kind, m.value) for m in article.events[0].magnitudes] == [("killed", 5)]


def test_hypothetical_counts_are_not_facts(pipeline: Pipeline) -> None:
    assert figures(pipeline, "The group threatened to kill 20 hostages unless its demands were met.") == {}
    assert figures(pipeline, "Aid agencies warned that the famine could kill thousands of children.") == {}


# -- linking ----------------------------------------------------------------------------------------

def test_magnitude_attaches_to_the_attack_in_the_same_sentence(pipeline: Pipeline) -> None:
    article = run(pipeline, "Insurgents attacked an army outpost in Cabo Delgado, killing nine soldiers.")
    [event] = [e for e in article.events if e.magnitudes]
    assert event.event == "ASSAULT"
    assert event.trigger.text == "attacked"
    assert event_magnitude(event, "killed") == 9


def annotate_by_hand(pipeline: Pipeline, text: str, triggers: list[tuple[str, str]]) -> Article:
    """An article whose only events are ``(type, trigger word)`` pairs, run through the magnitudes stage alone."""
    doc = pipeline.nlp(text)
    events = []
    for number, (kind, word) in enumerate(triggers, 1):
        start = text.index(word)
        sentence = next(s for s in doc.sents if s.start_char <= start < s.end_char)
        events.append(Event(f"e{number}", kind, Span(start, start + len(word), word),
                            (sentence.start_char, sentence.end_char)))
    article = Article(id="h", text=text, published="2024-03-01", events=events)
    stage = next(s for s in pipeline.stages if s.name == "magnitudes")
    stage(article, doc)
    return article


def test_magnitude_attaches_to_the_event_in_the_sentence_before(pipeline: Pipeline) -> None:
    text = ("A suicide bomber attacked a crowded market in Maiduguri on Saturday. "
            "At least 15 people died, a rescue official said.")
    article = annotate_by_hand(pipeline, text, [("ASSAULT", "attacked")])
    [event] = article.events
    assert [(m.kind, m.value, m.at_least, m.text.text) for m in event.magnitudes] == [
        ("killed", 15, True, "At least 15 people")]


def test_magnitude_attaches_to_the_event_in_the_next_sentence(pipeline: Pipeline) -> None:
    text = "Twelve people died on Monday. Gunmen had attacked the village at dawn."
    article = annotate_by_hand(pipeline, text, [("ASSAULT", "attacked")])
    assert [(m.kind, m.value) for m in article.events[0].magnitudes] == [("killed", 12)]


def test_figures_add_up_only_when_marked_as_additional(pipeline: Pipeline) -> None:
    text = ("Gunmen attacked a village in Plateau state. Five villagers died. "
            "Another two villagers also died, a local leader said.")
    article = annotate_by_hand(pipeline, text, [("ASSAULT", "attacked")])
    assert [(m.kind, m.value) for m in article.events[0].magnitudes] == [("killed", 7)]
    repeated = annotate_by_hand(pipeline, "Gunmen attacked a village. Five villagers died. Five villagers died there.",
                                [("ASSAULT", "attacked")])
    assert [(m.kind, m.value) for m in repeated.events[0].magnitudes] == [("killed", 5)]


def test_magnitude_prefers_a_fitting_event_type(pipeline: Pipeline) -> None:
    text = "The UN condemned the attack, which killed 12 peacekeepers."
    article = annotate_by_hand(pipeline, text, [("ACCUSE", "condemned"), ("ASSAULT", "attack")])
    accuse, assault = article.events
    assert accuse.magnitudes == []
    assert [(m.kind, m.value) for m in assault.magnitudes] == [("killed", 12)]


def test_arrests_attach_to_the_arrest_and_crowd_to_the_protest(pipeline: Pipeline) -> None:
    article = run(pipeline, "Police arrested 40 protesters in Minsk on Sunday.")
    [event] = [e for e in article.events if e.magnitudes]
    assert event.event == "COERCE"
    assert [(m.kind, m.value) for m in event.magnitudes] == [("arrested", 40)]


def test_casualty_clause_creates_an_assault(pipeline: Pipeline) -> None:
    text = "Seven soldiers were injured in a grenade explosion at a checkpoint on Tuesday."
    article = run(pipeline, text)
    assaults = [e for e in article.events if e.event == "ASSAULT"]
    assert len(assaults) == 1
    [event] = assaults
    assert event_magnitude(event, "injured") == 7
    assert event.trigger.text in ("injured", "explosion")
    assert event.id in {e.id for e in article.events} and len({e.id for e in article.events}) == len(article.events)


def test_created_assault_from_a_bare_casualty_clause(pipeline: Pipeline) -> None:
    from eventwire.events.magnitudes.stage import CREATED_CONFIDENCE

    article = run(pipeline, "The roadside bomb went off as the patrol passed. Four policemen lost their lives.")
    created = [e for e in article.events if e.confidence == CREATED_CONFIDENCE]
    assert [e.event for e in created] == ["ASSAULT"]
    assert created[0].trigger.text == "lose" or created[0].trigger.text == "lost"
    assert event_magnitude(created[0], "killed") == 4


@pytest.mark.parametrize("text", [
    "Five people died when their bus crashed into a river on Monday.",
    "Floods displaced 20,000 people after days of heavy rain.",
    "At least 30 people were killed in a landslide, officials said.",
    "Twelve people were injured when a gas cylinder exploded in a restaurant.",
    "Eight migrants drowned when their boat capsized off the coast.",
])
def test_accidents_create_no_assault_and_no_magnitude(pipeline: Pipeline, text: str) -> None:
    bare = Pipeline(pipeline.config, nlp=pipeline.nlp,
                    stages=[s for s in pipeline.stages if s.name != "magnitudes"])
    before = bare(Article(id="t", text=text, published="2024-03-01"))
    after = run(pipeline, text)
    assert predicted(after) == {}
    assert [e.event for e in after.events] == [e.event for e in before.events]


def test_stage_is_idempotent_and_keeps_one_magnitude_per_kind(pipeline: Pipeline) -> None:
    text = "Gunmen stormed a hotel in the capital, killing 12 guests. Twelve guests were killed, police said."
    article = run(pipeline, text)
    assert predicted(article) == {"killed": 12}
    stage = next(s for s in pipeline.stages if s.name == "magnitudes")
    count = len(article.events)
    before = [e.to_dict() for e in article.events]
    stage(article, pipeline.nlp(article.text))
    assert len(article.events) == count
    assert [e.to_dict() for e in article.events] == before
    for event in article.events:
        kinds = [m.kind for m in event.magnitudes]
        assert len(kinds) == len(set(kinds))


# -- contract ---------------------------------------------------------------------------------------

def test_magnitudes_round_trip_and_default_empty() -> None:
    text = "Two killed."
    event = Event("e1", "ASSAULT", Span(4, 10, "killed"), (0, 11),
                  magnitudes=[Magnitude("killed", 2, False, Span(0, 3, "Two"))])
    article = Article(id="a", text=text, events=[event])
    data = article.to_dict()
    assert data["events"][0]["magnitudes"] == [
        {"kind": "killed", "value": 2, "at_least": False, "text": {"start": 0, "end": 3, "text": "Two"}}]
    assert Article.from_dict(data) == article
    del data["events"][0]["magnitudes"]
    assert Article.from_dict(data).events[0].magnitudes == []


def test_unknown_magnitude_kind_is_a_contract_error() -> None:
    with pytest.raises(ContractError, match="magnitude kind"):
        Magnitude.from_dict({"kind": "wounded", "value": 2, "text": {"start": 0, "end": 1, "text": "2"}})
