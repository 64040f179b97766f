"""Modes the PLOVER manual defines by what an act is about, where the trigger word alone does not say it.

- REQUEST, REJECT and THREATEN: the mode is the content of the request, refusal or threat ("REQUEST modes":
  assist, change, yield, meet; "in THREATEN the mode is the content of the threat, rather than how it has
  been expressed"). When no coded act in the complement gave a CAMEO detail, the nearest word of the
  complement or object that names an act (content.tsv) does: "urged donors to send tents" appeals for aid.
- MOBILIZE: what is mobilised ("Mobilizing weapons, ships, or vehicles should be coded as MOBILIZE
  `weapons' rather than MOBILIZE `troops,' unless there's a separate mention of troops"), else who mobilises
  (police: `police`; armed non-state groups: `militia`).
- CONSULT: by phone, in a multilateral setting (a summit, an IGO), a visit (the meeting is in one party's
  country), or at a third party's place (in a country that is none of theirs).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterator

from spacy.tokens import Token

from eventwire.events import cameo
from eventwire.events.candidate import NOMINAL_POS, Candidate
from eventwire.events.lexicon import Lexicon
from eventwire.events.parties import _place_country_at
from eventwire.model import Article, Party

# Dependencies that lead away from what an act is about: its subject, auxiliaries, punctuation.
_NOT_CONTENT = frozenset({"nsubj", "nsubjpass", "csubj", "aux", "auxpass", "neg", "punct", "cc", "det", "mark",
                          "case", "appos"})
# The governing families whose generic code the content refines (appeal, demand, reject, threaten).
_CONTENT_TYPES = frozenset({"REQUEST", "REJECT", "THREATEN"})
# Sectors of armed groups that are not the state's forces: what they mobilise is a militia.
_MILITIA_SECTORS = frozenset({"REB", "UAF", "INS", "PRM"})
# A mode of mobilisation named in the object outranks the others in this order (troops named beside their
# weapons are troops: "unless there's a separate mention of troops being mobilized").
_MOBILIZE_ORDER = ("troops", "police", "militia", "weapons")
# Police and military alert/mobilisation codes of CAMEO 15, by mode: the police code of a troop code.
_POLICE_CODES = {"152": "151", "154": "153"}


class ModeMixin:
    lex: Lexicon

    def _content_mode(self, cand: Candidate) -> None:
        """The CAMEO detail (and so the mode) of a request, refusal or threat from the nearest act word of what
        it governs, when nothing coded there gave one; a proposal, offer or demand that is accepted or refused is
        judged by what it proposes ("rejected an offer to fund the elections" refuses assistance)."""
        if cand.type not in _CONTENT_TYPES or not cand.cameo:
            return
        proposal = next((c for c in cand.token.children if c.dep_ in ("dobj", "nsubjpass")
                         and ("proposal", c.lemma_.lower()) in self.lex.content), None)
        if proposal is not None and cand.type != "THREATEN":
            tokens = _content_tokens(proposal)
            governing = cand.cameo[:2] + "0"  # the generic code, refined by the proposal's content
        elif cand.mode or cand.cameo[2:] not in ("0", ""):
            return
        else:
            tokens, governing = _content_tokens(cand.token), cand.cameo
        classes = ("threat", "act") if cand.type == "THREATEN" else ("act",)
        for token in tokens:
            for word in (token.lemma_.lower(), token.lower_):
                inner = next((self.lex.content[(c, word)] for c in classes if (c, word) in self.lex.content), None)
                if inner is None and cand.type == "THREATEN" and word in self.lex.weapons:
                    # A threat to use a weapon (weapons.tsv) is a threat of force, of WMD for unconventional ones.
                    inner = "204" if self.lex.weapons[word] == "unconventional" else "19"
                if inner is None:
                    continue
                code = self.lex.detail_code(inner, governing)
                if code is None:
                    continue
                mode = cameo.plover_mode(code)
                inner_type = cameo.plover_of(inner)
                if cand.type == "THREATEN" and inner_type in self.lex.intent \
                        and self.lex.intent[inner_type][3] == "=":
                    mode = cameo.plover_mode(inner) or mode
                cand.cameo, cand.mode = code, mode
                return
        if cand.type == "REQUEST" and not cand.mode and any(c.dep_ in ("xcomp", "ccomp") for c in cand.token.children):
            # A request that the recipient act, for nothing the manual files under assistance, yielding or
            # meeting, is for "Any changes in policy, government, or institutions".
            cand.mode = "change"

    def _threat_mode(self, cand: Candidate) -> None:
        """A threat that took the mode of the coercive act it threatens gets the THREATEN mode the manual files
        that act under ("threatened to deport" is expel)."""
        if cand.type != "THREATEN" or not cand.mode or ("THREATEN", cand.mode) in cameo.plover_modes():
            return
        cand.mode = self.lex.content.get(("threat-mode", cand.mode)) or cameo.plover_mode(cand.cameo)

    def _mobilize_mode(self, cand: Candidate) -> None:
        """What is mobilised (the object, the passive subject, the noun's "of" phrase), else who mobilises."""
        if cand.type != "MOBILIZE":
            return
        found: set[str] = set()
        for head in _mobilized(cand.token):
            for token in (head, *(c for c in head.children if c.dep_ in ("compound", "amod", "nmod"))):
                mode = self.lex.content.get(("mobilize", token.lemma_.lower())) or self.lex.content.get(
                    ("mobilize", token.lower_))
                if mode:
                    found.add(mode)
                    break
        mode = next((m for m in _MOBILIZE_ORDER if m in found), None)
        if mode is None:
            sectors = {(p.sector or "")[:3] for p in cand.source}
            mode = "police" if "COP" in sectors else "militia" if sectors & _MILITIA_SECTORS else None
        if mode is None:
            return
        cand.mode = mode
        if mode == "police" and cand.cameo in _POLICE_CODES:
            cand.cameo = _POLICE_CODES[cand.cameo]

    def _consult_mode(self, article: Article, cand: Candidate) -> None:
        """By phone, multilateral, a visit or a third party's place, in that order of evidence."""
        if cand.type != "CONSULT" or (cand.mode and cand.mode != "third-party"):
            return
        words = self._consult_words(cand.token)
        # A place taken for the recipient ("talks in Doha") is where they met, not who met.
        parties = [p for p in (*cand.source, *([] if cand.location_target else cand.target))
                   if not _is_place(article, p)]
        if "phone" in words:
            cand.mode = "phone"
        elif "multilateral" in words or any((p.code or "").startswith("IGO") or (p.sector or "")[:3] == "IGO"
                                            for p in parties):
            cand.mode = "multilateral"
        else:
            place = self._meeting_country(article, cand.token)
            codes = {p.code[:3] for p in parties if p.code}
            if place and place in codes:
                cand.mode = "visit"
            elif place and codes and cand.mode != "third-party" and len(codes) >= 1 and "visit" not in words:
                cand.mode = "third-party"
            elif "visit" in words:
                cand.mode = "visit"
        if cand.mode and cameo.plover_of(cand.cameo) == "CONSULT" and cand.cameo in ("040", "044") \
                and cand.mode in ("phone", "visit", "third-party"):
            cand.cameo = {"phone": "041", "visit": "042", "third-party": "044"}[cand.mode]

    def _consult_words(self, token: Token) -> set[str]:
        """The CONSULT modes the words around a meeting name ("by telephone", "on the sidelines of", "arrived")."""
        near = [token, *token.subtree]
        if token.dep_ == "pobj" and token.head.head.i != token.i:
            near += [token.head.head]  # "arrived in Cairo for talks"
        if token.dep_ in ("dobj", "attr") or token.head.pos_ == "VERB":
            near += [token.head]  # "made a telephonic contact", "held talks"
        modes: set[str] = set()
        for t in near:
            if t.lower_ == "call" and t.pos_ not in NOMINAL_POS:
                continue  # "called for talks" is no phone call
            mode = self.lex.content.get(("consult", t.lemma_.lower())) or self.lex.content.get(("consult", t.lower_))
            if mode:
                modes.add(mode)
        return modes

    def _meeting_country(self, article: Article, token: Token) -> str | None:
        """The country of the place a meeting is held at ("met ... in Warsaw", "talks in Muscat")."""
        heads = [token, *(c for c in token.children if c.dep_ == "dobj")]  # "held talks in Doha"
        if token.head.i != token.i:
            heads.append(token.head)
        for head in heads:
            for child in head.children:
                if child.dep_ != "prep" or child.lower_ not in ("in", "at"):
                    continue
                for pobj in (g for g in child.children if g.dep_ == "pobj"):
                    for t in (pobj, *pobj.subtree):
                        actor = self.actor_of(article, t)
                        code = _place_country_at(article, t.idx, t.idx + len(t)) or (
                            actor.country if actor is not None and actor.kind in ("country", "location") else None)
                        if code:
                            return code[:3]
                    code = self._phrase_code(article, pobj)
                    if code:
                        return code[:3]
        return None


def _is_place(article: Article, party: Party) -> bool:
    actor = article.actor_by_id(party.actor) if party.actor else None
    return actor is not None and actor.kind == "location"


def _content_tokens(trigger: Token) -> Iterator[Token]:
    """The words of what a verbal act is about, nearest first: its complement, object and prepositional
    phrases (breadth first), never its subject."""
    queue: deque[Token] = deque(c for c in trigger.children if c.dep_ not in _NOT_CONTENT)
    seen = {trigger.i}
    while queue:
        token = queue.popleft()
        if token.i in seen:
            continue
        seen.add(token.i)
        yield token
        queue.extend(c for c in token.children if c.dep_ not in ("punct", "cc", "det") and c.i not in seen)


def _mobilized(trigger: Token) -> list[Token]:
    """The nouns for what a mobilisation moves: object, passive subject, "on alert" object, "of" phrase."""
    heads = [c for c in trigger.children if c.dep_ in ("dobj", "nsubjpass")]
    if trigger.pos_ in NOMINAL_POS:
        heads += [g for c in trigger.children if c.dep_ == "prep" and c.lower_ == "of"
                  for g in c.children if g.dep_ == "pobj"]
        heads += [c for c in trigger.children if c.dep_ == "compound"]
        if trigger.dep_ in ("dobj", "pobj"):
            heads += [c for c in trigger.head.children if c.dep_ in ("dobj", "nsubjpass") and c.i != trigger.i]
    found: list[Token] = []
    for head in heads:
        inner = next((g for c in head.children if c.dep_ == "prep" and c.lower_ == "of"
                      for g in c.children if g.dep_ == "pobj"), None)
        found += [head, *head.conjuncts]
        if inner is not None:
            found += [inner, *inner.conjuncts]  # "units of the army", "reinforcements of fighters"
    return found
