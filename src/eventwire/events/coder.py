"""The event coder: PLOVER events from the dependency parse, clause by clause.

For each sentence the coder finds trigger tokens (verbs and event nouns of the lexicon),
picks each trigger's sense (a companion word or an object constraint wins over the bare
lemma), finds the source (subject, passive "by" agent, the noun a relative clause modifies,
the controller of an infinitive, the possessor or "of" phrase of an event noun) and the
target (the lexicon frame: object, dative, a preposition, the subject of a "that" clause,
or inside the complement of a control verb), expands conjoined actors, and decides the
modality (negation, condition, intent, reported speech).

Symmetric predicates ("Washington and Baghdad are negotiating", "signed a treaty") with
conjoined subjects and no target are coded once with every party as ``actor`` and no
recipient, as the PLOVER manual codes multilateral meetings; they are not split into two
directed events, which would double-count one real event.

Governing verbs absorb their complements ("agreed to withdraw" is one AGREE, "threatened to
impose sanctions" one THREATEN), light verbs give their event noun a source ("staged a
protest"), and event nouns that are arguments of a coded verb are not coded again: that keeps
the coder near one event per sentence.

The steps live in their own modules, mixed into :class:`Coder`: :mod:`~eventwire.events.senses`
(trigger senses), :mod:`~eventwire.events.parties` (actor phrases, subjects, frame slots),
:mod:`~eventwire.events.roles` (one candidate's source, target, place, weapon mode),
:mod:`~eventwire.events.modality` (negation, condition, intent), :mod:`~eventwire.events.absorb`
(control verbs, light verbs, absorption, CAMEO detail) and :mod:`~eventwire.events.implied`
(implied actors, things that are no actors, non-events). Candidates are
:class:`~eventwire.events.candidate.Candidate`; the coder implements the stage's one coder
interface, :class:`~eventwire.events.candidate.EventCoder`.
"""

from __future__ import annotations

from collections.abc import Callable

from spacy.tokens import Doc, Token

from eventwire.events import cameo
from eventwire.events.absorb import AbsorbMixin
from eventwire.events.candidate import SPEECH_ACTS, Candidate, EventCoder, Modality, confidence
from eventwire.events.implied import ImpliedMixin
from eventwire.events.lexicon import NONE, Entry, Lexicon
from eventwire.events.modality import ModalityMixin
from eventwire.events.modes import ModeMixin
from eventwire.events.parties import PartyMixin
from eventwire.events.roles import RoleMixin
from eventwire.events.senses import SenseMixin, _trigger_tokens
from eventwire.model import Actor, Article


class Coder(SenseMixin, PartyMixin, RoleMixin, ModalityMixin, AbsorbMixin, ImpliedMixin, ModeMixin):
    """Codes the events of one sentence of a parsed article."""

    def __init__(self, lexicon: Lexicon, country_of: Callable[[str], str | None] | None = None) -> None:
        self.lex = lexicon
        # Optional name -> ISO3 lookup (the actor knowledge base) for modifiers no actor covers.
        self.country_of = country_of
        # Token offset -> actor for the article being coded (the coder asks about the same tokens often).
        self._owner: Article | None = None
        self._actors: dict[int, Actor | None] = {}
        self._cover: dict[int, list[tuple[int, int]]] = {}
        self._count = 0
        # Parties that are unresolved place names (ids, for the sentence being coded).
        self._foreign: set[int] = set()


    # ------------------------------------------------------------------ the sentence
    def code(self, article: Article, doc: Doc, bounds: tuple[int, int]) -> list[Candidate]:
        """Candidates for the tokens ``doc[bounds[0]:bounds[1]]`` (one sentence)."""
        self._foreign = set()
        found: dict[int, Candidate] = {}
        light: list[tuple[Token, Entry]] = []
        for i in self.sense_positions(doc, bounds):
            token = doc[i]
            entry = self.sense(token)
            if entry is None or entry.type == NONE:
                continue
            if entry.light:
                light.append((token, entry))
                continue
            candidate = self._candidate(article, token, entry, bounds)
            if candidate is not None:
                found[token.i] = candidate
        for token, entry in light:
            self._light(article, token, entry, bounds, found)
        for i in [i for i, cand in found.items() if not self._resense(cand)]:
            del found[i]
        self._reported_obligations(article, doc, bounds, found)
        self._absorb(found)
        kept: list[Candidate] = []
        for cand in found.values():
            if not self._keep(cand) or self._not_political(doc, bounds, cand):
                continue
            self._no_self_target(cand)
            self._modes(article, cand)
            if not cand.mode and cameo.plover_of(cand.cameo) == cand.type:
                cand.mode = cameo.plover_mode(cand.cameo)
            cand.confidence = confidence(cand)
            kept.append(cand)
        return kept

    def _candidate(self, article: Article, token: Token, entry: Entry, bounds: tuple[int, int]) -> Candidate | None:
        nominal = entry.pos == "N"
        cand = Candidate(token, entry, entry.type, entry.mode, entry.cameo,
                         trigger_tokens=_trigger_tokens(token, entry))
        if nominal:
            self._nominal_roles(article, token, entry, bounds, cand)
        else:
            self._verbal_roles(article, token, entry, bounds, cand)
        self._clean_source(article, cand)
        self._no_self_target(cand)
        self._event_noun_agent(article, token, bounds, cand)
        cand.modality = self.modality(token, nominal)
        self._governed(article, token, entry, bounds, cand)
        self._symmetric(cand)
        self._location_target(article, token, bounds, cand)
        self._weapon_mode(token.doc, bounds, cand)
        self._implied_police(article, token, bounds, cand)
        self._unattributed(article, token, bounds, cand)
        self._domestic(article, token.doc, bounds, cand)
        return cand

    def _modes(self, article: Article, cand: Candidate) -> None:
        """Modes the manual defines by content: what is asked for or threatened, what is mobilised, how the
        parties meet."""
        self._content_mode(cand)
        self._threat_mode(cand)
        self._mobilize_mode(cand)
        self._consult_mode(article, cand)



__all__ = ["SPEECH_ACTS", "Candidate", "Coder", "EventCoder", "Modality"]
