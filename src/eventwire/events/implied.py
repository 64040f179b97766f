"""What the text implies rather than names, and what is no political event at all.

- Implied actors: a passive arrest, detention or dispersal with no agent ("were arrested",
  "the protest was dispersed") is the police's of the country where it happened (sector COP,
  lower confidence); a passive killing "in police firing" takes the actor of the event noun.
- Nominal events take their actor from compounds, possessives and "by" phrases (``roles``);
  here a sense that depends on who acts is chosen once the actor is known: a "strike" by
  workers is a PROTEST, by an army an ASSAULT.
- Things are no actors: a ship, a missile or a village never acts (a warship stands for its
  country's military), and no event has its own actor as recipient.
- Non-events: a conflict trigger caused by a natural hazard, disease or accident ("floods
  killed", "struck by lightning") is dropped; a conflict event with no named actor in a sentence
  about such a hazard is kept as doubtful (confidence below 0.3, see ``candidate.DOUBTFUL``).
"""

from __future__ import annotations

import re
from collections import Counter

from spacy.tokens import Doc, Token

from eventwire.events.candidate import NOMINAL_POS, Candidate
from eventwire.events.lexicon import Lexicon
from eventwire.events.parties import _place_country_at
from eventwire.model import Article, Party

# Types that harm or coerce: the ones a natural hazard or an accident is mistaken for.
CONFLICT = frozenset({"ASSAULT", "COERCE", "PROTEST", "MOBILIZE"})
# COERCE modes whose agent, when the text leaves it out, is the police (and grammar.tsv "police-act" verbs).
_POLICE_MODES = frozenset({"arrest", "seize"})
# Prepositions that give the cause of an event ("killed in floods", "died after the crash").
_CAUSE_PREPOSITIONS = frozenset({"in", "during", "by", "after", "amid", "following", "from", "due", "because", "as"})
# The prepositions of a harm's direct cause ("killed in floods", "died from cholera", "destroyed by fire");
# "after the quake" is only when it happened: police arresting looters after a quake is still an arrest.
_DIRECT_CAUSES = frozenset({"in", "by", "from", "due", "because"})
# Sectors of the parties that make violence political (the others: criminals, civilians).
_POLITICAL = frozenset({"GOV", "MIL", "COP", "REB", "UAF", "SPY", "INS", "IGO", "LEG", "JUD", "OPP", "PTY", "ELI"})
_ACTOR_LIKE = frozenset({"poss", "compound", "amod", "nmod"})
# Sectors of armed actors: their violence is an event even in a sentence about a match.
_ARMED = frozenset({"MIL", "REB", "UAF", "COP", "SPY", "INS", "PRM"})
_SCORE = re.compile(r"(?<![\d.,-])\d{1,2}-\d{1,2}(?![\d-])")


def head_word(text: str) -> str:
    """The last word of a party's phrase, lower case ("the Chinese warships" -> "warships")."""
    words = [w for w in text.replace("-", " ").split() if w[:1].isalpha()]
    return words[-1].lower().strip(".,;:'\"") if words else ""


class ImpliedMixin:
    lex: Lexicon

    def nonevent(self, word: str) -> str | None:
        """The class of a word in nonevents.tsv (also for its plural)."""
        found = self.lex.nonevents.get(word)
        if found is None and word.endswith("s"):
            found = self.lex.nonevents.get(word[:-1]) or (
                self.lex.nonevents.get(word[:-2]) if word.endswith("es") else None)
        return found

    # ------------------------------------------------------------------ things are no actors
    def _clean_source(self, article: Article, cand: Candidate) -> None:
        kept: list[Party] = []
        for party in cand.source:
            actor = article.actor_by_id(party.actor)
            if actor is not None and actor.kind != "location":
                kept.append(party)
                continue
            kind = self.nonevent(head_word(party.text))
            if kind == "military-vehicle":
                if party.code:
                    kept.append(Party(party.actor, party.text, party.code, party.sector or "MIL"))
            elif kind not in ("object", "place", "hazard"):
                kept.append(party)
        cand.source = kept

    @staticmethod
    def _no_self_target(cand: Candidate) -> None:
        """No party is its own recipient: a target equal to a source is dropped."""
        def same(a: Party, b: Party) -> bool:
            # The same actor or the same words; equal codes are not enough (a minister receiving an
            # ambassador of the same government's country is still two parties).
            return bool(a.actor and a.actor == b.actor) or a.text.strip().lower() == b.text.strip().lower()

        cand.target = [t for t in cand.target if not any(same(t, s) for s in cand.source)]

    # ------------------------------------------------------------------ senses that depend on the actor
    def _resense(self, cand: Candidate) -> bool:
        """A bare sense replaced by one the source's sector selects ("workers struck" is a strike).
        False when the candidate stood in for sector senses and its source selects none of them."""
        if cand.entry.word or cand.entry.obj:
            return True
        sectors = {p.sector[:3] for p in cand.source if p.sector}
        if cand.entry.sectors and cand.entry.sectors & sectors:
            return True
        if not sectors:
            return not cand.entry.sectors
        token = cand.token
        pos = cand.entry.pos
        for entry in self.lex.senses(pos, cand.entry.lemma):
            if entry.sectors and entry.sectors & sectors and not entry.word and not entry.obj:
                cand.entry, cand.type, cand.cameo = entry, entry.type, entry.cameo
                cand.mode = entry.mode
                cand.trigger_tokens = cand.trigger_tokens or [token]
                return True
        return not cand.entry.sectors

    # ------------------------------------------------------------------ implied actors
    def _event_noun_agent(self, article: Article, token: Token, bounds: tuple[int, int], cand: Candidate) -> None:
        """ "killed in police firing", "died in army shelling": a passive act with no agent takes the actor
        of the event noun that says how it happened."""
        if cand.source or cand.type not in CONFLICT or cand.entry.pos != "V":
            return
        if any(c.dep_ in ("nsubjpass", "auxpass") for c in token.children):
            # "one youth was killed when police fired at the mob": the clause says who used force.
            clauses = [c for c in token.children if c.dep_ == "advcl"]
            clauses += [g for c in clauses for g in c.children if g.dep_ == "advcl"]
            for clause in (c for c in clauses if self._is_force_noun(c)):
                subj = next((g for g in clause.children if g.dep_ == "nsubj"), None)
                found = self.parties(article, subj, bounds) if subj is not None else []
                if found:
                    cand.source = found
                    return
        for child in token.children:
            if child.dep_ not in ("prep", "agent") or child.lower_ not in ("in", "during", "by", "under"):
                continue
            for noun in (g for g in child.children if g.dep_ == "pobj" and g.pos_ in NOMINAL_POS):
                acts = [c for c in noun.children if c.dep_ == "acl" and c.tag_ == "VBG" and self._is_force_noun(c)]
                if acts and (self._sector(noun) or self.actor_of(article, noun) is not None):
                    # "in police firing" parsed as "police" + participle "firing": the police fired.
                    found = self.parties(article, noun, bounds)
                    if found:
                        cand.source = found
                        cand.absorbed.update(a.i for a in acts)
                        return
                if not self._is_force_noun(noun):
                    continue
                found: list[Party] = []
                for mod in noun.children:
                    if mod.dep_ in _ACTOR_LIKE and mod.i < noun.i and bounds[0] <= mod.i < bounds[1]:
                        found = self.parties(article, mod, bounds)
                        if found:
                            break
                if not found:
                    by = self.prep_object(noun, "by") or self.prep_object(noun, "of")
                    found = self.parties(article, by, bounds) if by is not None else []
                if found:
                    cand.source = found
                    cand.absorbed.add(noun.i)
                    return

    def _is_force_noun(self, noun: Token) -> bool:
        """A noun (or participle: "firing") for the use of force."""
        for lemma in (noun.lemma_.lower(), noun.lower_):
            if any(e.type in ("ASSAULT", "COERCE") for pos in ("N", "V") for e in self.lex.senses(pos, lemma)):
                return True
        return noun.lemma_.lower() in self.lex.words("force-noun")

    def _implied_police(self, article: Article, token: Token, bounds: tuple[int, int], cand: Candidate) -> None:
        """An arrest, detention or dispersal whose agent the text leaves out is the police's."""
        if cand.source or cand.type != "COERCE" or (cand.mode not in _POLICE_MODES
                                                    and cand.entry.lemma not in self.lex.words("police-act")):
            return
        passive = any(c.dep_ in ("nsubjpass", "auxpass") for c in token.children) or (
            token.tag_ == "VBN" and token.dep_ in ("acl", "advcl", "relcl", "conj")) or (
            # "were produced in court and remanded": a conjunct shares its head's passive voice
            token.dep_ == "conj" and not any(c.dep_ == "nsubj" for c in token.children)
            and any(c.dep_ in ("nsubjpass", "auxpass") for c in token.head.children))
        if cand.entry.pos == "V" and not passive:
            return
        # Where it happened: the act's own place ("arrested in Kampala"), else the sentence's places, else its
        # targets' country, else the article's places.
        code = self._act_place(article, token, bounds) or self._country_here(article, token.doc, bounds, False) \
            or next((p.code for p in cand.target if p.code), None) or self._country_here(article, token.doc, bounds)
        cand.source = [Party(None, "police", code, "COP")]
        cand.implied_source = True

    def _act_place(self, article: Article, token: Token, bounds: tuple[int, int]) -> str | None:
        """The country of the place in the act's own "in"/"at" phrase."""
        for child in token.children:
            if child.dep_ == "prep" and child.lower_ in ("in", "at", "near", "across", "outside", "inside"):
                for pobj in (g for g in child.children if g.dep_ == "pobj" and bounds[0] <= g.i < bounds[1]):
                    for t in pobj.subtree:
                        code = _place_country_at(article, t.idx, t.idx + len(t))
                        if code:
                            return code
        return None

    def _country_here(self, article: Article, doc: Doc, bounds: tuple[int, int], whole: bool = True) -> str | None:
        """The country where a sentence happens: its places (or country actors), else (``whole``) the article's."""
        start, end = doc[bounds[0]].idx, doc[bounds[1] - 1].idx + len(doc[bounds[1] - 1])
        for i in range(*bounds):
            token = doc[i]
            code = _place_country_at(article, token.idx, token.idx + len(token))
            if code:
                return code
        here = [a.country for a in article.actors if a.kind == "country" and a.country
                and any(start <= m.start < end for m in a.mentions)]
        if len(set(here)) == 1:
            return here[0]
        if not whole:
            return None
        counts = Counter(p.country for p in article.places if p.country)
        return counts.most_common(1)[0][0] if counts else None

    # ------------------------------------------------------------------ non-events
    def _hazard_word(self, token: Token) -> bool:
        """A hazard noun that no actor owns ("the floods", not "army fire")."""
        if token.pos_ not in NOMINAL_POS or (self.nonevent(token.lemma_.lower()) != "hazard" and \
                self.nonevent(token.lower_) != "hazard"):
            return False
        for child in token.children:
            if child.dep_ == "poss" or (child.dep_ == "prep" and child.lower_ in ("by", "from")):
                return False  # "the army's fire", "fire from across the border"
            if child.dep_ in ("compound", "amod", "nmod") and (
                    self._sector(child) or any(w.lower_ in self.lex.weapons for w in child.subtree)
                    or child.ent_type_ in ("NORP", "GPE", "ORG")):
                return False  # "police fire", "artillery fire", "Israeli fire"
        return True

    def _hazard_phrase(self, head: Token) -> bool:
        """A hazard noun, or a noun a hazard word qualifies ("a lightning strike", "the flood waters"),
        or conjoined nouns one of which is a hazard ("heavy rains and landslides")."""
        for token in (head, *head.conjuncts):
            if self._hazard_word(token) or any(c.dep_ in ("compound", "amod", "nmod") and self._hazard_word(c)
                                               for c in token.children):
                return True
        return False

    def _accident(self, verb: Token) -> bool:
        """An accident verb whose subject is neither a weapon nor an actor ("the boat capsized", not "a car
        bomb exploded" or "militants crashed a truck into ...")."""
        if verb.pos_ != "VERB" or self.nonevent(verb.lemma_.lower()) not in ("accident", "hazard"):
            return False  # hazard nouns are also accident verbs ("the mine collapsed", "the bus crashed")
        subj = next((c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass")), None)
        if subj is None:
            return True
        if self.nonevent(subj.lemma_.lower()) == "place":
            return True  # "a coal mine collapsed": a place, though "mine" is also a weapon word
        words = {t.lemma_.lower() for t in subj.subtree} | {t.lower_ for t in subj.subtree}
        return not (words & set(self.lex.weapons)) and not self._sector(subj) and subj.ent_type_ not in (
            "PERSON", "ORG", "NORP", "GPE")

    def _caused_by_hazard(self, cand: Candidate) -> bool:
        """Whether the trigger's cause is a hazard: its subject or agent, a cause phrase, or its compound;
        or an accident the trigger elaborates ("capsized ..., killing 41") or that explains it ("killed
        when a coal mine collapsed")."""
        token = cand.token
        if token.dep_ in ("advcl", "xcomp", "conj") and self._accident(token.head):
            return True
        if any(c.dep_ == "advcl" and self._accident(c) for c in token.children):
            return True
        if cand.entry.pos == "N" and any(c.dep_ in ("compound", "amod", "nmod") and self._hazard_word(c)
                                         for c in token.children):
            return True
        heads = [token, *(t for t in cand.trigger_tokens if t.i != token.i)]
        subj, passive, clause = self.subject_clause(token)
        if subj is not None and not passive and self._hazard_phrase(subj):
            return True
        agent = self.agent(token) or self.agent(clause)
        if agent is not None and self._hazard_phrase(agent):
            return True
        if cand.type not in ("ASSAULT", "COERCE", "SANCTION"):
            return False  # a protest "after the floods" is still a protest
        for head in {h.i: h for h in (*heads, clause)}.values():
            for child in head.children:
                if child.dep_ in ("prep", "agent") and child.lower_ in _DIRECT_CAUSES:
                    nouns = [g for g in child.children if g.dep_ == "pobj"]
                    nouns += [g for n in nouns for g in n.children if g.dep_ == "prep" and g.lower_ == "of"
                              for g in g.children if g.dep_ == "pobj"]
                    if any(self._hazard_phrase(n) for n in nouns):
                        return True
        return False

    def _doubt(self, doc: Doc, bounds: tuple[int, int], cand: Candidate) -> None:
        """Doubtful as a political event: a hazard in the sentence and no named actor, or criminals only."""
        if cand.type in ("ASSAULT", "COERCE") and cand.source and all(
                p.sector and p.sector[:3] == "CRM" for p in cand.source) and not any(
                p.sector and p.sector[:3] in _POLITICAL for p in cand.target):
            cand.doubt = "crime"
            return
        # Unnamed: no actor at all, the unidentified armed force of unattributed violence, or an implied one
        # ("Villagers blocked the highway after the landslide" names its actor: no doubt).
        explicit = [p for p in cand.source if p.code or p.sector]
        unnamed = not explicit or cand.unattributed or cand.implied_source
        if unnamed and any(self._hazard_agent(doc[i]) for i in range(*bounds)):
            cand.doubt = "hazard"

    def _sport(self, doc: Doc, bounds: tuple[int, int]) -> bool:
        """A sentence of sport reporting: a sport word or a score ("2-1")."""
        return bool(_SCORE.search(doc[bounds[0]:bounds[1]].text)) or any(
            self.nonevent(doc[i].lemma_.lower()) == "sport" for i in range(*bounds))

    def _hazard_agent(self, token: Token) -> bool:
        """A hazard that acts in the sentence: a subject ("the fire destroyed ...") or a cause ("after the
        quake"), not the object of an act ("set fire to", "opened fire")."""
        if not self._hazard_word(token):
            return False
        node = token
        while node.dep_ == "conj" and node.head.i != node.i:
            node = node.head
        return node.dep_ in ("nsubj", "nsubjpass", "csubj") or (
            node.dep_ == "pobj" and node.head.lower_ in _CAUSE_PREPOSITIONS)

    def _hazard_warning(self, cand: Candidate) -> bool:
        """A warning about a natural hazard or disease ("warned of a dust storm", "warned about the danger of
        avalanches") is no threat: PLOVER's threats are "coercive or forceful warnings" of what the actor may do.
        Only a warning with no act of its own (the generic code) is judged; the hazard must be what it is about."""
        if cand.cameo not in ("130", "13"):
            return False
        about = [t for t in cand.token.subtree if t.i != cand.token.i and t.pos_ in NOMINAL_POS]
        return any(self.nonevent(t.lemma_.lower()) == "hazard" for t in about)

    def _not_political(self, doc: Doc, bounds: tuple[int, int], cand: Candidate) -> bool:
        """True when a conflict candidate is no political event (and is dropped); marks doubtful ones."""
        if cand.type == "THREATEN":
            return self._hazard_warning(cand)
        if cand.type not in CONFLICT and cand.type != "SANCTION":
            return False
        if self._caused_by_hazard(cand):
            return True
        if cand.type == "SANCTION":
            return False
        # The unidentified attackers of unattributed violence are the coder's guess, not an armed actor the text names.
        armed = not cand.unattributed and any(p.sector and p.sector[:3] in _ARMED for p in cand.source)
        if self._sport(doc, bounds) and not armed and (
                cand.entry.lemma in self.lex.words("sport-verb")
                or not any(p.sector and p.sector[:3] in _POLITICAL for p in cand.source)):
            return True  # "United beat Liverpool 2-1", "India crushed Australia in the third Test"
        self._doubt(doc, bounds, cand)
        return False

