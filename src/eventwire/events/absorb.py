"""Absorption: control verbs take in their complement, light verbs lend their subject to an event
noun, and event nouns or adverbials that belong to a coded verb are not coded again."""

from __future__ import annotations

from spacy.tokens import Doc, Token

from eventwire.events import cameo
from eventwire.events.candidate import SPEECH_ACTS, Candidate, Modality
from eventwire.events.lexicon import Entry
from eventwire.model import Article


class AbsorbMixin:
    def _governed(self, article: Article, token: Token, entry: Entry, bounds: tuple[int, int],
                  cand: Candidate) -> None:
        """A control verb's complement: absorb its trigger, borrow its target, convert by intent."""
        governs = entry.has("ctl") or entry.has("intent") or entry.type in SPEECH_ACTS
        if not governs:
            self._convert(cand, cand.modality)
            return
        kinds = ("xcomp", "ccomp", "acl") if entry.pos == "N" else ("xcomp", "ccomp")
        complements = [c for c in token.children if c.dep_ in kinds or (
            c.dep_ == "advcl" and any(g.dep_ == "aux" and g.lower_ == "to" for g in c.children))]
        complement = complements[-1] if complements else None
        inner: Candidate | None = None
        if complement is not None:
            # The complement's own verb (and its conjuncts and object) says what was agreed, threatened...;
            # triggers deeper inside only get absorbed.
            preferred = [t for c in complements for t in (c, *c.conjuncts)]
            preferred += [g for c in preferred for g in c.children if g.dep_ == "dobj"]
            rank = {t.i: n for n, t in enumerate(preferred)}
            subs = sorted((t for c in complements for t in c.subtree), key=lambda t: (rank.get(t.i, 99), t.i))
            for sub in subs:
                if not bounds[0] <= sub.i < bounds[1]:
                    continue
                sub_entry = self.sense(sub)
                if sub_entry is not None and not sub_entry.light:
                    cand.absorbed.add(sub.i)
                    if inner is None and sub.i in rank:
                        inner = Candidate(sub, sub_entry, sub_entry.type, sub_entry.mode, sub_entry.cameo)
                        if sub_entry.pos == "V":
                            inner.target = self.target_of(article, sub, sub_entry, bounds, cand.source)
                        else:
                            self._nominal_roles(article, sub, sub_entry, bounds, inner)
            if not cand.target:
                cand.target = inner.target if inner and inner.target else self._any_target(
                    article, complement, bounds, cand.source)
        if entry.has("intent") and inner is not None:
            mod = Modality(intent=True, negated=cand.modality.negated)
            cand.type, cand.mode, cand.cameo = inner.type, inner.mode, inner.cameo
            self._convert(cand, mod)
            cand.modality.intent = False
            return
        if entry.type == "THREATEN" and inner is not None and inner.type in self.lex.intent:
            _agree, _reject, threaten, mode = self.lex.intent[inner.type]
            cand.cameo = self.lex.detail_code(inner.cameo, entry.cameo) or threaten or entry.cameo
            cand.mode = inner.mode if mode == "=" else (cameo.plover_mode(cand.cameo) or mode)
        elif inner is not None:
            self._refine(cand, inner)
        self._convert(cand, cand.modality)

    def _refine(self, cand: Candidate, inner: Candidate) -> None:
        """CAMEO detail of an appeal, demand, rejection or pledge from the act it is about (detail.tsv):
        "urged Sudan to release" appeals for a release (0253), "refused talks" rejects a meeting (125)."""
        if cand.type not in ("REQUEST", "REJECT", "AGREE") or not cand.cameo or cand.cameo[2:] not in ("0", ""):
            return  # only the generic codes (020, 030, 100, 120) are refined; a sense's own detail stays
        code = self.lex.detail_code(inner.cameo, cand.cameo)
        if code:
            cand.cameo, cand.mode = code, cand.mode or cameo.plover_mode(code)


    @staticmethod
    def _symmetric(cand: Candidate) -> None:
        if not cand.entry.has("sym"):
            return
        if not cand.source and len(cand.target) >= 2:
            cand.source, cand.target = cand.target, []

    def _light(self, article: Article, verb: Token, entry: Entry, bounds: tuple[int, int],
               found: dict[int, Candidate]) -> None:
        """A light verb lends its subject (and modality) to the event noun it takes as object."""
        objects = [c for c in verb.children if c.dep_ in ("dobj", "nsubjpass")]
        for child in verb.children:
            if child.dep_ == "prep":
                objects.extend(g for g in child.children if g.dep_ == "pobj")
        for obj in list(objects):
            # "launched a mediation effort", "launched ten days of war games"
            objects.extend(c for c in obj.children if c.dep_ == "compound")
            of = self.prep_object(obj, "of")
            if of is not None:
                objects.append(of)
        for obj in objects:
            cand = found.get(obj.i)
            if cand is None:
                continue
            subj, passive = self.subject(verb)
            src_head = self.agent(verb) if passive or obj.dep_ == "nsubjpass" else subj
            source = self.parties(article, src_head, bounds)
            if source:
                cand.source = source
                cand.target = [p for p in cand.target if p not in source]
                if cand.location_target and cand.entry.has("sym") and len(source) > 1:
                    cand.target = []
            if not cand.target:
                cand.target = self.target_of(article, verb, Entry("L", "", None, "", None, None,
                                                                  tgt=("with", "against", "on", "to")),
                                             bounds, cand.source)
            negated_noun = any(self.lex.cue(c.lower_, "det") == "negation" for c in obj.children)
            cand.modality = self.modality(verb, False)
            cand.modality.negated = cand.modality.negated or negated_noun
            cand.trigger_tokens = sorted([verb, obj], key=lambda t: t.i)
            cand.via_light = True
            if cand.type in SPEECH_ACTS:
                # "reiterated its demand that Israel ease restrictions": the clause is what was demanded.
                for clause in (c for c in verb.children if c.dep_ == "ccomp"):
                    for sub in clause.subtree:
                        if sub.i in found and sub.i != obj.i:
                            del found[sub.i]
                    if not cand.target:
                        subj, _ = self.subject(clause)
                        cand.target = self.parties(article, subj, bounds, cand.source)
            self._convert(cand, cand.modality)
            self._symmetric(cand)
            self._domestic(article, verb.doc, bounds, cand)
            return

    def _reported_obligations(self, article: Article, doc: Doc, bounds: tuple[int, int],
                              found: dict[int, Candidate]) -> None:
        """ "X said Y must ..." is X demanding something of Y (CAMEO 10)."""
        for i in range(*bounds):
            token = doc[i]
            if token.dep_ != "aux" or self.lex.cue(token.lower_, "aux") != "obligation":
                continue
            clause = token.head
            if clause.dep_ != "ccomp" or self._gov(clause.head) != "report":
                continue
            sayer, _ = self.subject(clause.head)
            addressee, _ = self.subject(clause)
            source = self.parties(article, sayer, bounds)
            target = self.parties(article, addressee, bounds, source)
            if not source or not target:
                continue
            entry = Entry("V", "must", None, "REQUEST", None, "100", flags=frozenset())
            cand = Candidate(token, entry, "REQUEST", None, "100", source, target, Modality(reported=True),
                             trigger_tokens=[token])
            cand.absorbed.update(t.i for t in clause.subtree)
            found[token.i] = cand

    def _absorb(self, found: dict[int, Candidate]) -> None:
        drop: set[int] = set()
        for i, cand in found.items():
            drop.update(cand.absorbed - {i})
        self._protest_topics(found, drop)
        absorbed = set(drop)
        owners = {t.i: c for c in found.values() for t in c.trigger_tokens}
        for i, cand in found.items():
            token = cand.token
            if cand.entry.pos != "V" or token.dep_ not in ("advcl", "xcomp", "acl"):
                continue
            if any(c.dep_ in ("nsubj", "nsubjpass") for c in token.children):
                continue
            main = owners.get(token.head.i)
            if main is None or main is cand:
                continue
            # "attacked ..., killing 156 people", "staged demonstrations to demand reforms":
            # the adverbial elaborates the main event; its target fills a gap.
            if not any(p.code for p in main.target) and any(p.code for p in cand.target):
                main.target = cand.target
            if main.type == "PROTEST" and cand.type == "REQUEST":
                main.cameo = self.lex.protest_code(main.cameo, cand.cameo) or main.cameo
            drop.add(i)
        for i, cand in found.items():
            token = cand.token
            if cand.entry.pos != "N":
                continue
            # An event noun that is an argument of a coded verb ("imposed sanctions", "a bombing killed")
            # is part of that verb's event.
            if cand.via_light:
                continue
            verb = self._governing_verb(token, found)
            if verb is None:
                continue
            if verb.type == cand.type and not verb.mode:
                verb.mode = cand.mode
            self._refine(verb, cand)
            if not verb.target and cand.source and verb.type in ("ACCUSE", "REJECT", "REQUEST", "SUPPORT",
                                                                  "PROTEST", "THREATEN"):
                # "denounced Serbia's suppression of ...": the target is who did the denounced act.
                verb.target = [p for p in cand.source if p not in verb.source]
            drop.add(i)
        for i in drop:
            if i in found and (i in absorbed or not found[i].via_light):
                del found[i]

    @staticmethod
    def _governing_verb(token: Token, found: dict[int, Candidate]) -> Candidate | None:
        """The coded verb an event noun is an argument of, through prepositions and appositions."""
        node = token
        for _ in range(4):
            if node.dep_ not in ("dobj", "pobj", "prep", "appos", "nsubj", "nsubjpass", "attr", "conj", "agent",
                                 "compound", "dative", "oprd"):
                return None
            node = node.head
            cand = found.get(node.i)
            if cand is not None and node.i != token.i and cand.entry.pos == "V":
                return cand
        return None

    @staticmethod
    def _keep(cand: Candidate) -> bool:
        if not cand.source and not cand.target:
            return False
        if cand.entry.has("weak") and not (cand.source and cand.target):
            return False
        return not (cand.entry.pos == "N" and not cand.via_light and not cand.source)

    def _protest_topics(self, found: dict[int, Candidate], drop: set[int]) -> None:
        """PLOVER: the topic of a protest, typically a REQUEST ("marched ... calling for an end to the war",
        "rallied to demand higher wages"), is not coded as a separate event; it gives the protest's CAMEO
        detail (topics.tsv)."""
        # A protest the request itself governs ("called on Arabs to boycott") is the request's content, already
        # absorbed by it: only a protest standing on its own has a topic.
        protests = [c for i, c in found.items() if c.type == "PROTEST" and i not in drop]
        if not protests:
            return
        for i, cand in found.items():
            token = cand.token
            subordinate = token.dep_ in ("acl", "advcl", "xcomp", "relcl") or (
                token.dep_ == "pcomp" and token.tag_ == "VBG") or any(
                c.dep_ == "aux" and c.lower_ == "to" for c in token.children)
            if cand.type != "REQUEST" or cand.entry.pos != "V" or not subordinate:
                continue
            protest = min(protests, key=lambda p: abs(p.token.i - token.i))
            protest.cameo = self.lex.protest_code(protest.cameo, cand.cameo) or protest.cameo
            drop.add(i)
