"""Roles of one candidate: source and target from its frame, the place it happened, unattributed
violence, the weapon mode and the country of domestic acts."""

from __future__ import annotations

from spacy.tokens import Doc, Token

from eventwire.events.candidate import Candidate
from eventwire.events.lexicon import Entry
from eventwire.events.parties import _place_country_at
from eventwire.model import Article, Party

# The text of the party violence with no named perpetrator is coded to (sector UAF of the country where it happened).
UNIDENTIFIED_ATTACKERS = "unidentified attackers"


class RoleMixin:
    def _weapon_mode(self, doc: Doc, bounds: tuple[int, int], cand: Candidate) -> None:
        """An ASSAULT's mode from the weapon or method its sentence names ("in a bomb attack")."""
        if cand.type != "ASSAULT" or cand.mode:
            return
        rank = {word: n for n, word in enumerate(self.lex.weapons)}
        found = [(rank[w], w) for i in range(*bounds) for w in (doc[i].lemma_.lower(), doc[i].lower_) if w in rank]
        if found:
            cand.mode = self.lex.weapons[min(found)[1]]

    def _domestic(self, article: Article, doc: Doc, bounds: tuple[int, int], cand: Candidate) -> None:
        """A person or generic actor with no known country, in a sentence that names one country only,
        belongs to that country ("President Omar El Bashir ... the curfew imposed in Sudan")."""
        parties = [p for p in (*cand.source, *cand.target) if p.code is None and id(p) not in self._foreign]
        if not parties:
            return
        start, end = doc[bounds[0]].idx, doc[bounds[1] - 1].idx + len(doc[bounds[1] - 1])
        codes = {a.country for a in article.actors if a.country and any(start <= m.start < end for m in a.mentions)}
        codes |= {p.country for p in article.places if p.country and p.start is not None and start <= p.start < end}
        if self.country_of is not None:
            # Country names inside organisation names ("National Union for the Total Independence of Angola").
            for i in range(*bounds):
                if doc[i].pos_ == "PROPN" and doc[i].ent_type_ in ("ORG", "GPE", "NORP"):
                    found = self.country_of(doc[i].text)
                    if found:
                        codes.add(found)
        if len(codes) != 1:
            return
        [code] = codes
        for party in parties:
            party.code = code

    def _unattributed(self, article: Article, token: Token, bounds: tuple[int, int], cand: Candidate) -> None:
        """Violence with no named perpetrator ("a roadside bombing near Samarra killed ...") is coded to an
        unidentified armed actor (sector UAF) of the country where it happened, as PLOVER coders do."""
        if cand.type != "ASSAULT" or cand.source or cand.entry.pos != "V":
            return
        doc = token.doc
        for i in range(*bounds):
            t = doc[i]
            prep = t.head.head if t.head.lower_ == "of" and t.head.head.dep_ in ("prep", "advmod") else t.head
            if t.dep_ == "pobj" and prep.lower_ in ("in", "near", "outside", "at", "around", "inside") \
                    and t.pos_ in ("NOUN", "PROPN") and t.ent_type_ not in ("DATE", "TIME", "CARDINAL"):
                actor = self.actor_of(article, t)
                code = (actor.country if actor else None) or _place_country_at(article, t.idx, t.idx + len(t)) \
                    or self._phrase_code(article, t)
                if code:
                    # The place only gives the country: the actor is not the place, and no words of the text
                    # name it, so its text says what it is (as the implied police are "police").
                    cand.source = [Party(None, UNIDENTIFIED_ATTACKERS, code, "UAF")]
                    cand.unattributed = True
                    return

    def _location_target(self, article: Article, token: Token, bounds: tuple[int, int], cand: Candidate) -> None:
        """With no coded target, the country where a domestic act happens is its recipient
        ("lifted the curfew in Abidjan", "demonstrated in Kirkuk"), as PLOVER coders do."""
        if any(p.code for p in cand.target) or (cand.entry.has("sym") and len(cand.source) > 1):
            return
        heads = [token, *(c for c in token.children if c.dep_ == "dobj")]
        for head in heads:
            for child in head.children:
                if child.dep_ != "prep" or child.lower_ not in ("in", "into", "at", "across", "throughout"):
                    continue
                pobj = next((g for g in child.children if g.dep_ == "pobj"), None)
                if pobj is None or not bounds[0] <= pobj.i < bounds[1]:
                    continue
                actor = self.actor_of(article, pobj)
                code = (actor.country if actor else None) or _place_country_at(article, pobj.idx,
                                                                               pobj.idx + len(pobj))
                if code is None:
                    code = self._phrase_code(article, pobj)
                if (code and all(code != p.code for p in cand.source)) or (code and cand.entry.type in (
                        "PROTEST", "COERCE", "CONCEDE", "RETREAT", "MOBILIZE", "ASSAULT", "AID")):
                    if cand.target:
                        # "arrested dozens of protesters in Moscow": the protesters are Russia's.
                        for party in cand.target:
                            party.code = code
                        return
                    start, end = self._np_bounds(pobj)
                    cand.target = [Party(actor.id if actor else None, article.text[start:end], code, None)]
                    cand.location_target = True
                    return

    def _verbal_roles(self, article: Article, token: Token, entry: Entry, bounds: tuple[int, int],
                      cand: Candidate) -> None:
        subj, passive, clause = self.subject_clause(token)
        own_passive = any(c.dep_ in ("nsubjpass", "auxpass") for c in token.children)
        agent = self.agent(token) or (self.agent(clause) if passive else None)
        if passive or own_passive:
            if agent is not None:
                cand.source = self.parties(article, agent, bounds)
            elif entry.has("theme"):
                cand.source = self.parties(article, subj, bounds)
            if not entry.has("theme") and subj is not None:
                cand.target = self.parties(article, subj, bounds, cand.source) or self._modifier_parties(
                    article, subj, bounds, cand.source)
        else:
            cand.source = self._subject_parties(article, subj, bounds)
        if subj is None and not cand.source and token.dep_ == "ROOT":
            self._headline_roles(article, token, bounds, cand)
        if not cand.source and entry.type == "ASSAULT":
            # "a missile fired from Houthi-controlled territory": where a shot comes from is who fired it.
            origin = self.prep_object(token, "from")
            if origin is not None:
                cand.source = self.parties(article, origin, bounds) or self._modifier_parties(
                    article, origin, bounds, [])
        if not cand.target:
            cand.target = self.target_of(article, token, entry, bounds, cand.source)

    def _headline_roles(self, article: Article, verb: Token, bounds: tuple[int, int], cand: Candidate) -> None:
        """Headline grammar ("Mali junta expels French ambassador"): the parser hangs the subject's words on the
        verb as modifiers and the object as an adverbial noun. The nearest noun before the verb is the actor (its
        country from another name before it), a noun after it the recipient."""
        before = [c for c in verb.lefts if c.dep_ in ("compound", "amod", "nmod", "npadvmod")
                  and (c.pos_ in ("NOUN", "PROPN") or c.ent_type_ in ("NORP", "GPE") or c.text[:1].isupper())]
        if not before:
            return
        source = self.parties(article, before[-1], bounds)
        if source and source[0].code is None:
            for other in reversed(before[:-1]):
                found = self.parties(article, other, bounds)
                code = found[0].code if found else self._code_from_words(other)
                if code:
                    source[0].code = code
                    break
        cand.source = source
        if not cand.target:
            after = next((c for c in verb.rights if c.dep_ in ("npadvmod", "attr", "oprd")
                          and c.pos_ in ("NOUN", "PROPN")), None)
            cand.target = self.parties(article, after, bounds, source) if after is not None else []

    def _subject_parties(self, article: Article, subj: Token | None, bounds: tuple[int, int]) -> list[Party]:
        """The parties of an active subject; a subject that is itself an event ("the shelling of Kharkiv by
        Russian forces killed ...", "Israeli strikes kill 12") stands for who carried it out."""
        # Nouns for actors ("the opposition", "peacekeepers") are parties even where the lexicon has an event sense.
        actor_like = subj is None or self._sector(subj) is not None or self.actor_of(article, subj) is not None
        sense = None if actor_like or subj is None or subj.pos_ != "NOUN" else self.sense(subj)
        if subj is None or sense is None or sense.light or sense.type == "NONE":
            return self.parties(article, subj, bounds)
        event = Candidate(subj, sense, sense.type, sense.mode, sense.cameo)
        self._nominal_roles(article, subj, sense, bounds, event)
        return event.source

    def _nominal_roles(self, article: Article, token: Token, entry: Entry, bounds: tuple[int, int],
                       cand: Candidate) -> None:
        of_obj = self.prep_object(token, "of")
        by_obj = self.prep_object(token, "by")
        for child in token.children:
            if child.dep_ == "poss":
                cand.source = self.parties(article, child, bounds)
            elif child.dep_ in ("amod", "compound", "nmod", "npadvmod") and not cand.source:
                words = {t.lower_ for t in child.subtree}
                modifier_words = self.lex.words("backing") | self.lex.words("leading")
                if words & modifier_words or child.pos_ == "PROPN" or child.ent_type_ in ("NORP", "GPE"):
                    cand.source = self.parties(article, child, bounds)
        if by_obj is not None and not cand.source:
            cand.source = self.parties(article, by_obj, bounds)
        prep = token.head
        if not cand.source and token.dep_ == "pobj" and prep.lower_ in ("for", "to", "into") \
                and prep.head.pos_ == "VERB":
            # "negotiators return to Geneva for talks", "converging for a rally": the goers hold it.
            subj, passive = self.subject(prep.head)
            if not passive:
                cand.source = self.parties(article, subj, bounds)
        if of_obj is not None:
            if entry.of_target:
                cand.target = self.parties(article, of_obj, bounds, cand.source)
            elif not cand.source:
                cand.source = self.parties(article, of_obj, bounds)
        if not cand.target:
            cand.target = self.target_of(article, token, entry, bounds, cand.source)


    def _any_target(self, article: Article, clause: Token, bounds: tuple[int, int],
                    source: list[Party]) -> list[Party]:
        for child in clause.children:
            if child.dep_ in ("dobj", "dative"):
                found = self.parties(article, child, bounds, source) or self._modifier_parties(
                    article, child, bounds, source)
                if found:
                    return found
        return self._prepositional_parties(article, clause, bounds, source)

