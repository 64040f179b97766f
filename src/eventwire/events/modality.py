"""Modality: negation, condition, intent and reported speech of an event's clause, and the PLOVER
conversion of announced acts (future cooperation is AGREE, future force THREATEN, refusal REJECT)."""

from __future__ import annotations

from spacy.tokens import Token

from eventwire.events import cameo
from eventwire.events.candidate import Candidate, Modality
from eventwire.events.lexicon import Lexicon
from eventwire.events.senses import _lemmas


class ModalityMixin:
    lex: Lexicon

    # ------------------------------------------------------------------ modality
    def modality(self, token: Token, nominal: bool) -> Modality:
        mod = Modality()
        current = token
        if nominal:
            for child in token.children:
                kind = self.lex.cue(child.lower_, "det")
                if kind == "negation":
                    mod.negated = True
                elif child.dep_ == "det" and child.lower_ in ("any", "a", "an") and child.lower_ == "any":
                    mod.conditional = True
            if token.dep_ in ("dobj", "nsubjpass", "nsubj", "attr") and token.head.i != token.i:
                current = token.head
            else:
                return mod
        steps = 0
        while steps < 8:
            steps += 1
            self._clause_cues(current, mod)
            dep = current.dep_
            head = current.head
            if head.i == current.i:
                break
            if dep in ("xcomp", "acomp") or (dep == "ccomp" and head.pos_ == "ADJ"):
                kind = self._gov(head)
                if kind == "report":
                    mod.reported = True
                    break
                self._apply(kind, mod)
                current = head
                continue
            if dep == "ccomp":
                if self._gov(head) == "report":
                    mod.reported = True
                    break
                self._apply(self._gov(head), mod)
                current = head
                continue
            if dep in ("acl", "advcl") and any(c.lower_ == "to" and c.dep_ == "aux" for c in current.children) and (
                    (dep == "acl" and head.pos_ in ("NOUN", "PROPN") and self._gov(head) == "intent")
                    or any(o.dep_ == "dobj" and o.i < current.i and self._gov(o) == "intent" for o in head.children)):
                # "affirmed the readiness of Iraq to cooperate", "announced its intention to withdraw" (the
                # parser may hang the infinitive on the verb): stated intent, not a purpose.
                mod.intent = True
                current = head
                continue
            if dep in ("advcl", "acl", "relcl") and any(c.lower_ == "to" and c.dep_ == "aux" for c in current.children):
                # A purpose or infinitival modifier ("to help ...", "the force to be agreed") is not a fact.
                mod.conditional = True
                break
            if dep == "conj":
                current = head
                continue
            break
        return mod

    def _gov(self, token: Token) -> str | None:
        for lemma in _lemmas(token, "V" if token.pos_ in ("VERB", "AUX") else "A"):
            kind = self.lex.cue(lemma, "gov")
            if kind:
                return kind
        return None

    def _clause_cues(self, verb: Token, mod: Modality) -> None:
        for child in verb.children:
            lower = child.lower_
            if child.dep_ == "neg":
                mod.negated = True
            elif child.dep_ in ("aux", "auxpass"):
                self._apply(self.lex.cue(lower, "aux") or self.lex.cue(child.lemma_.lower(), "aux"), mod)
            elif child.dep_ == "mark":
                self._apply(self.lex.cue(lower, "mark"), mod)
            elif child.dep_ == "acomp":
                self._apply(self._gov(child), mod)
            elif child.dep_ == "advcl" and any(g.dep_ == "mark" and self.lex.cue(g.lower_, "mark") == "conditional"
                                               for g in child.children):
                mod.conditional = True
        if verb.lower_ in ("would", "could"):
            mod.conditional = True

    @staticmethod
    def _apply(kind: str | None, mod: Modality) -> None:
        if kind == "negation":
            mod.negated = True
        elif kind == "conditional":
            mod.conditional = True
        elif kind == "intent":
            mod.intent = True
        elif kind == "obligation":
            mod.conditional = True

    def _convert(self, cand: Candidate, mod: Modality) -> None:
        """PLOVER: an announced cooperative act is AGREE, an announced act of force THREATEN,
        a refusal to cooperate REJECT (intent.tsv). "would" under a verb of saying is the future of the past."""
        intent = mod.intent or (mod.reported and mod.conditional and _has_would(cand.token))
        if not intent:
            return
        agree, reject, threaten, mode = self.lex.intent.get(cand.type, (None, None, None, None))
        if mod.negated and reject:
            code = self.lex.detail_code(cand.cameo, "12") or reject
            cand.type, cand.mode, cand.cameo = "REJECT", _table_mode(code), code
            mod.negated = False
        elif agree:
            cand.type, cand.mode, cand.cameo = "AGREE", None, self.lex.detail_code(cand.cameo, "03") or agree
        elif threaten:
            code = self.lex.detail_code(cand.cameo, "13") or threaten
            cand.type, cand.mode, cand.cameo = "THREATEN", cand.mode if mode == "=" else (
                _table_mode(code) or mode), code
        else:
            # A verbal act announced for later ("will demand") has not happened yet.
            mod.conditional = True
            return
        mod.conditional = mod.conditional and not _has_would(cand.token) and not mod.reported \
            and not mod.intent
        mod.intent = True



def _has_would(token: Token) -> bool:
    return any(c.dep_ == "aux" and c.lower_ in ("would", "'d") for c in token.children)


def _table_mode(code: str | None) -> str | None:
    return cameo.plover_mode(code)
