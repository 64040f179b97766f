"""The events stage: PLOVER/CAMEO coding, actors, modality, dates and scores."""

from __future__ import annotations

from pathlib import Path

import pytest

from eventwire.errors import DictionaryFormatError
from eventwire.events import EventStage
from eventwire.events.lexicon import LIGHT, default_lexicon, load_lexicon
from eventwire.model import PLOVER_TYPES, Article, Event, Quote
from eventwire.pipeline import Pipeline

PUBLISHED = "2017-12-20"


def code(pipeline: Pipeline, text: str, published: str | None = PUBLISHED) -> list[Event]:
    return pipeline(Article(id="t", text=text, published=published)).events


def top(events: list[Event]) -> Event:
    assert events, "no event coded"
    return max(events, key=lambda e: e.confidence)


def codes(parties: list) -> set[str | None]:  # type: ignore[type-arg]
    return {p.code for p in parties}


# --------------------------------------------------------------------------- the canonical article

def events_of(article: Article, event_type: str) -> list[Event]:
    return [e for e in article.events if e.event == event_type]


def test_iraq_negotiation_is_a_current_consult_between_us_and_iraq(iraq: Article) -> None:
    consults = [e for e in events_of(iraq, "CONSULT") if {"USA", "IRQ"} <= codes(e.actor) | codes(e.recipient)]
    assert consults
    assert all(e.date == PUBLISHED and not e.negated and not e.hypothetical for e in consults)
    # A symmetric pair: both governments are actors of one event, none is a recipient.
    assert any(codes(e.actor) == {"USA", "IRQ"} and not e.recipient for e in consults)


def test_iraq_2011_withdrawal_is_a_us_retreat_dated_2011(iraq: Article) -> None:
    [withdrawal] = [e for e in events_of(iraq, "RETREAT") if e.trigger.text.startswith("withdr")]
    assert codes(withdrawal.actor) == {"USA"}
    assert "IRQ" in codes(withdrawal.recipient)
    assert withdrawal.date == "2011" and withdrawal.mode == "withdraw"


def test_iraq_2014_storming_of_mosul_is_an_assault_on_iraq_dated_2014(iraq: Article) -> None:
    [storming] = [e for e in events_of(iraq, "ASSAULT") if e.trigger.text == "stormed"]
    assert "IRQ" in codes(storming.recipient)
    assert [p.text for p in storming.actor] == ["gunmen"]
    assert storming.date == "2014" and not storming.hypothetical


def test_iraq_government_rejected_the_2011_deal(iraq: Article) -> None:
    [rejection] = [e for e in events_of(iraq, "REJECT") if e.trigger.text == "rejected"]
    assert codes(rejection.actor) == {"IRQ"} and rejection.actor[0].sector == "GOV"
    assert rejection.date == "2011" and rejection.date_text == "then"


def test_iran_opposes_us_troops(iraq: Article) -> None:
    found = [e for e in iraq.events if e.event in ("ACCUSE", "REJECT") and codes(e.actor) == {"IRN"}]
    assert found and "USA" in codes(found[0].recipient)


def test_no_factual_agreement_between_us_and_iraq(iraq: Article) -> None:
    for event in events_of(iraq, "AGREE"):
        parties = codes(event.actor) | codes(event.recipient)
        if {"USA", "IRQ"} <= parties or parties & {"USA", "IRQ"}:
            assert event.negated or event.hypothetical, event


def test_iraq_events_carry_scores(iraq: Article) -> None:
    for event in iraq.events:
        assert event.event in PLOVER_TYPES and event.cameo
        assert event.quad in (1, 2, 3, 4) and event.goldstein is not None
        assert 0 < event.confidence <= 1
        assert iraq.text[event.trigger.start:event.trigger.end] == event.trigger.text
        assert event.sentence[0] <= event.trigger.start < event.sentence[1]


def test_headline_is_its_own_sentence(iraq: Article) -> None:
    first = iraq.events[0]
    assert "\n" not in iraq.text[first.sentence[0]:first.sentence[1]].strip()


# --------------------------------------------------------------------------- every PLOVER type

TYPE_SENTENCES = [
    ("Jordan agreed to hold talks with Israel.", "AGREE", "JOR", "ISR"),
    ("Egypt and Israel held talks in Cairo.", "CONSULT", "EGY", None),
    ("France praised Germany for its efforts.", "SUPPORT", "FRA", "DEU"),
    ("Sudan lifted the curfew in Khartoum.", "CONCEDE", "SDN", "SDN"),
    ("Kenya extradited two suspects to Uganda.", "COOPERATE", "KEN", "UGA"),
    ("Japan provided food aid to Haiti.", "AID", "JPN", "HTI"),
    ("Russian troops withdrew from Georgia.", "RETREAT", "RUS", "GEO"),
    ("Germany urged Iran to release the prisoners.", "REQUEST", "DEU", "IRN"),
    ("Turkey accused Greece of violating its airspace.", "ACCUSE", "TUR", "GRC"),
    ("Pakistan rejected India's proposal.", "REJECT", "PAK", "IND"),
    ("North Korea threatened to attack South Korea.", "THREATEN", "PRK", "KOR"),
    ("Thousands of students protested against the government in Chile.", "PROTEST", "CHL", "CHL"),
    ("The United States imposed sanctions on Iran.", "SANCTION", "USA", "IRN"),
    ("Russia deployed troops to the border with Ukraine.", "MOBILIZE", "RUS", "UKR"),
    ("Police arrested dozens of protesters in Moscow.", "COERCE", "RUS", "RUS"),
    ("Rebels attacked a village in Mali.", "ASSAULT", "MLI", "MLI"),
]


def test_type_sentences_cover_every_plover_type() -> None:
    assert {t for _, t, _, _ in TYPE_SENTENCES} == set(PLOVER_TYPES)


@pytest.mark.parametrize(("text", "event_type", "source", "target"), TYPE_SENTENCES)
def test_each_plover_type(pipeline: Pipeline, text: str, event_type: str, source: str, target: str | None) -> None:
    events = code(pipeline, text)
    event = top(events)
    assert event.event == event_type
    assert source in codes(event.actor)
    if target is None:
        assert not event.recipient
    else:
        assert target in codes(event.recipient)
    assert len(events) == 1  # no over-coding of a one-event sentence
    assert not event.negated and not event.hypothetical


def test_lexicon_covers_every_type_and_its_modes() -> None:
    lexicon = default_lexicon()
    entries = [e for senses in lexicon.entries.values() for e in senses if not e.light and e.type != "NONE"]
    assert {e.type for e in entries} == set(PLOVER_TYPES)
    modes = {(e.type, e.mode) for e in entries if e.mode}
    for expected in [("CONSULT", "visit"), ("RETREAT", "withdraw"), ("RETREAT", "release"), ("RETREAT", "resign"),
                     ("RETREAT", "ceasefire"), ("RETREAT", "disarm"), ("RETREAT", "access"),
                     ("ACCUSE", "investigate"), ("ACCUSE", "allege"), ("ACCUSE", "disapprove"),
                     ("PROTEST", "demo"), ("PROTEST", "riot"), ("PROTEST", "strike"), ("PROTEST", "hunger"),
                     ("PROTEST", "boycott"), ("PROTEST", "obstruct"), ("SANCTION", "expel"),
                     ("SANCTION", "withdraw"), ("SANCTION", "discontinue"), ("SANCTION", "convict"),
                     ("MOBILIZE", "troops"), ("COERCE", "arrest"), ("COERCE", "deport"), ("COERCE", "restrict"),
                     ("COERCE", "curfew"), ("COERCE", "martial-law"), ("COERCE", "censor"), ("COERCE", "seize"),
                     ("ASSAULT", "abduct"), ("ASSAULT", "beat"), ("ASSAULT", "torture"), ("ASSAULT", "targeted"),
                     ("ASSAULT", "firearms"), ("ASSAULT", "explosives"), ("ASSAULT", "heavy-weapons"),
                     ("ASSAULT", "aerial")]:
        assert expected in modes, expected
    for entry in entries:
        goldstein, quad = lexicon.score(entry.cameo)
        assert goldstein is not None and quad in (1, 2, 3, 4), entry


def test_quad_and_goldstein_come_from_the_cameo_table(pipeline: Pipeline) -> None:
    event = top(code(pipeline, "Rebels attacked a village in Mali."))
    assert (event.cameo, event.quad, event.goldstein) == ("190", 4, -10.0)
    event = top(code(pipeline, "Japan provided food aid to Haiti."))
    assert (event.cameo, event.quad, event.goldstein) == ("070", 2, 7.0)


def test_light_verb_gives_the_event_noun_its_source(pipeline: Pipeline) -> None:
    event = top(code(pipeline, "Students staged a hunger strike in Algiers."))
    assert (event.event, event.mode) == ("PROTEST", "hunger")
    assert event.trigger.text == "staged a hunger strike"


def test_nominal_event_with_of_phrase(pipeline: Pipeline) -> None:
    event = top(code(pipeline, "The report described the withdrawal of US forces from Iraq."))
    assert event.event == "RETREAT" and event.trigger.text == "withdrawal"
    assert codes(event.actor) == {"USA"} and "IRQ" in codes(event.recipient)


def test_passive_agent_is_the_source(pipeline: Pipeline) -> None:
    event = top(code(pipeline, "Three Iraqi soldiers were killed by Turkish troops."))
    assert event.event == "ASSAULT"
    assert codes(event.actor) == {"TUR"} and codes(event.recipient) == {"IRQ"}


def test_relative_clause_subject_is_the_noun_it_modifies(pipeline: Pipeline) -> None:
    events = code(pipeline, "Iran, which opposes the presence of US troops, has influence in Iraq.")
    event = top(events)
    assert event.event == "REJECT" and codes(event.actor) == {"IRN"} and "USA" in codes(event.recipient)


def test_backed_modifier_does_not_replace_the_actor(pipeline: Pipeline) -> None:
    event = top(code(pipeline, "US-backed Iraqi forces attacked the militants."))
    assert codes(event.actor) == {"IRQ"} and event.actor[0].sector == "MIL"


def test_led_modifier_gives_the_country(pipeline: Pipeline) -> None:
    event = top(code(pipeline, "Vietnamese-led forces attacked the village."))
    assert codes(event.actor) == {"VNM"}


def test_conjoined_targets_are_expanded(pipeline: Pipeline) -> None:
    event = top(code(pipeline, "Al-Qaeda threatened to attack the United States and Israel."))
    assert codes(event.recipient) == {"USA", "ISR"}


def test_said_it_would_is_the_sayers_promise(pipeline: Pipeline) -> None:
    event = top(code(pipeline, "Iraq said it would allow the return of weapons inspectors."))
    assert event.event == "AGREE" and codes(event.actor) == {"IRQ"}
    assert not event.hypothetical


def test_reported_must_is_a_request(pipeline: Pipeline) -> None:
    event = top(code(pipeline, "Britain said that Libya must hand over the suspects."))
    assert event.event == "REQUEST" and codes(event.actor) == {"GBR"} and codes(event.recipient) == {"LBY"}


def test_unknown_attacker_is_an_unidentified_armed_force_where_it_happened(pipeline: Pipeline) -> None:
    event = top(code(pipeline, "A roadside bomb near Baghdad killed two American soldiers."))
    assert event.event == "ASSAULT" and event.actor[0].sector == "UAF" and codes(event.actor) == {"IRQ"}
    assert event.actor[0].text == "unidentified attackers"  # the place gives the country, it is not the actor
    assert codes(event.recipient) == {"USA"}


# --------------------------------------------------------------------------- modality

@pytest.mark.parametrize(("text", "event_type"), [
    ("Israel did not attack Syria.", "ASSAULT"),
    ("Turkey never accused Greece of anything.", "ACCUSE"),
    ("No agreement was reached between Israel and Hamas.", "AGREE"),
    ("It was not possible to reach an agreement with Iraq.", "AGREE"),
    ("Egypt failed to sign the treaty with Israel.", "SUPPORT"),
])
def test_negation(pipeline: Pipeline, text: str, event_type: str) -> None:
    event = top(code(pipeline, text))
    assert event.event == event_type and event.negated


@pytest.mark.parametrize(("text", "event_type"), [
    ("Iran could attack Israel.", "ASSAULT"),
    ("Iran may attack Israel.", "ASSAULT"),
    ("If Iran attacks Israel, the United States will respond.", "ASSAULT"),
    ("Iran hopes to sign a deal with Iraq.", "SUPPORT"),
    ("Iran will demand compensation from Iraq.", "REQUEST"),
    ("Turkey would probably criticize Greece.", "ACCUSE"),
])
def test_conditional_and_hypothetical(pipeline: Pipeline, text: str, event_type: str) -> None:
    event = top(code(pipeline, text))
    assert event.event == event_type and event.hypothetical and not event.negated


def test_infinitival_to_be_agreed_is_hypothetical(pipeline: Pipeline) -> None:
    events = code(pipeline, "The terms of the deal to be agreed with Iraq will be set by the United States.")
    assert all(e.hypothetical for e in events if e.event == "AGREE")


@pytest.mark.parametrize(("text", "event_type"), [
    ("Israel will withdraw from Gaza.", "AGREE"),              # announced cooperation is AGREE
    ("Russia plans to deploy troops to Syria.", "THREATEN"),   # announced force is THREATEN
    ("Syria is ready to negotiate with Turkey.", "AGREE"),
    ("Syria will not accept refugees from Iraq.", "REJECT"),   # announced refusal is REJECT
    ("Nigeria vowed to attack the rebels.", "THREATEN"),
])
def test_future_intent_becomes_agree_threaten_or_reject(pipeline: Pipeline, text: str, event_type: str) -> None:
    event = top(code(pipeline, text))
    assert event.event == event_type and not event.negated


def test_reported_speech_links_the_quote(pipeline: Pipeline) -> None:
    text = 'The minister said: "We will not talk to Iran." Later, Egypt attacked Libya.'
    nlp = pipeline.nlp
    article = Article(id="q", text=text, published=PUBLISHED)
    doc = nlp(text)
    for stage in pipeline.stages:
        if stage.name == "actors":
            stage(article, doc)
    start = text.index('"') + 1
    end = text.index('"', start)
    article.quotes.append(Quote(id="q1", kind="direct", text=text[start:end], start=start, end=end))
    EventStage.from_config(pipeline.config)(article, doc)
    inside = [e for e in article.events if start <= e.trigger.start < end]
    outside = [e for e in article.events if e.trigger.start >= end]
    assert inside and all(e.reported_by == "q1" for e in inside)
    assert outside and all(e.reported_by is None for e in outside)


# --------------------------------------------------------------------------- dates

def test_date_from_the_sentence(pipeline: Pipeline) -> None:
    assert top(code(pipeline, "Rebels attacked Mali last month.")).date == "2017-11"
    assert top(code(pipeline, "Rebels attacked Mali in October.")).date == "2017-10"
    assert top(code(pipeline, "Rebels attacked Mali earlier this month.")).date == "2017-12"
    assert top(code(pipeline, "Rebels attacked Mali on Tuesday.")).date == "2017-12-19"
    event = top(code(pipeline, "In 2011, US forces withdrew from Iraq."))
    assert (event.date, event.date_text) == ("2011", "2011")


def test_publication_date_when_the_sentence_has_none(pipeline: Pipeline) -> None:
    event = top(code(pipeline, "Rebels attacked Mali."))
    assert (event.date, event.date_text) == (PUBLISHED, None)
    assert top(code(pipeline, "Rebels attacked Mali.", published=None)).date is None


def test_anaphoric_date_after_an_earlier_event(pipeline: Pipeline) -> None:
    events = code(pipeline, "US forces withdrew from Iraq in 2011.\n\n"
                            "Three years after that withdrawal, militants attacked Mosul.")
    [attack] = [e for e in events if e.event == "ASSAULT"]
    assert attack.date == "2014" and attack.date_text == "Three years after that withdrawal"


def test_then_takes_the_previous_explicit_date(pipeline: Pipeline) -> None:
    events = code(pipeline, "In 2011, the two sides failed to reach a deal. Iraq then rejected the American offer.")
    [rejection] = [e for e in events if e.event == "REJECT"]
    assert rejection.date == "2011"


def test_when_clause_takes_the_date_it_follows(pipeline: Pipeline) -> None:
    event = top(code(pipeline, "Nobody forgot 2014, when gunmen stormed Mosul."))
    assert event.event == "ASSAULT" and event.date == "2014"


def test_date_of_another_clause_is_not_taken(pipeline: Pipeline) -> None:
    events = code(pipeline, "The deal signed in 2011 is old, and Iran, which opposes the presence of US troops, "
                            "is strong.")
    [opposition] = [e for e in events if e.trigger.text == "opposes"]
    assert opposition.date == PUBLISHED


# --------------------------------------------------------------------------- over-coding and robustness

def test_governed_complement_is_not_coded_twice(pipeline: Pipeline) -> None:
    events = code(pipeline, "Libya offered to hand over the suspects to Britain.")
    assert [e.event for e in events] == ["AGREE"]


def test_text_without_events(pipeline: Pipeline) -> None:
    assert code(pipeline, "The weather in Paris was pleasant.") == []
    assert code(pipeline, "") == []


def test_lexicon_format_errors_name_file_and_line(tmp_path: Path) -> None:
    source = Path(__file__).resolve().parent.parent / "src" / "eventwire" / "events" / "data"
    for path in source.glob("*.tsv"):
        (tmp_path / path.name).write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    assert load_lexicon(tmp_path).entries  # the copy loads
    (tmp_path / "intent.tsv").write_text("type\tagree\treject\tthreaten\tmode\nHUG\t030\t-\t-\t-\n", encoding="utf-8")
    with pytest.raises(DictionaryFormatError, match="HUG"):
        load_lexicon(tmp_path)
    (tmp_path / "intent.tsv").write_text((source / "intent.tsv").read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "lexicon.tsv").write_text("# test\npos\ttrigger\ttype\tmode\tcameo\tframe\n"
                                          "V\tattack\tSMASH\t-\t190\t-\n", encoding="utf-8")
    with pytest.raises(DictionaryFormatError) as error:
        load_lexicon(tmp_path)
    assert error.value.line == 3 and "SMASH" in str(error.value)
    (tmp_path / "lexicon.tsv").write_text("pos\ttrigger\ttype\tmode\tcameo\tframe\nV\tattack\tASSAULT\n",
                                          encoding="utf-8")
    with pytest.raises(DictionaryFormatError, match="6 tab-separated fields"):
        load_lexicon(tmp_path)
    (tmp_path / "lexicon.tsv").write_text("pos\ttrigger\ttype\tmode\tcameo\tframe\n"
                                          f"V\tstage\t{LIGHT}\t-\t-\tbogus=1\n", encoding="utf-8")
    with pytest.raises(DictionaryFormatError, match="unknown frame option"):
        load_lexicon(tmp_path)


def test_ethnic_group_is_coded_where_it_lives(pipeline: Pipeline) -> None:
    event = top(code(pipeline, "The Albanians of southern Serbia demanded autonomy from Serbian authorities."))
    assert event.event == "REQUEST" and codes(event.actor) == {"SRB"}


def test_official_is_coded_by_the_office_in_apposition(pipeline: Pipeline) -> None:
    event = top(code(pipeline, "Jan Kowalski, the United Nations envoy, accused Sudan of obstruction."))
    assert event.event == "ACCUSE" and {c[:3] for c in codes(event.actor) if c} == {"IGO"}


def test_withdrawn_forces_are_the_source_of_a_passive_withdrawal(pipeline: Pipeline) -> None:
    event = top(code(pipeline, "Russian troops were withdrawn from Georgia."))
    assert event.event == "RETREAT" and codes(event.actor) == {"RUS"} and codes(event.recipient) == {"GEO"}


def test_weapon_gives_the_assault_mode(pipeline: Pipeline) -> None:
    assert top(code(pipeline, "Rebels killed two soldiers in a bomb attack.")).mode == "explosives"
    assert top(code(pipeline, "Troops shelled the town with artillery.")).mode == "heavy-weapons"


def test_a_dateline_is_never_a_party(pipeline: Pipeline) -> None:
    # The parser makes the dateline the subject; the story's own subject is its appositive or a second subject.
    [signed] = code(pipeline, "ISTANBUL — Ukraine and Russia signed separate agreements with Turkey on Friday.",
                    "2022-07-22")
    assert [p.text for p in signed.actor] == ["Ukraine", "Russia"]
    [attack] = code(pipeline, "KABUL, May 3 — Taliban fighters attacked a checkpoint.", "2022-05-03")
    assert [p.text for p in attack.actor] == ["Taliban fighters"]


def test_the_accused_is_the_actor_of_the_act_they_are_accused_of(pipeline: Pipeline) -> None:
    events = code(pipeline, "Russia accused Ukraine of shelling Donetsk.", "2024-05-01")
    accuse = next(e for e in events if e.event == "ACCUSE")
    assault = next(e for e in events if e.event == "ASSAULT")
    assert (codes(accuse.actor), codes(accuse.recipient)) == ({"RUS"}, {"UKR"})
    assert codes(assault.actor) == {"UKR"}
    blamed = code(pipeline, "Kyiv blamed Moscow for attacking the port of Odesa.", "2022-07-22")
    assert codes(next(e for e in blamed if e.event == "ASSAULT").actor) == {"RUS"}
