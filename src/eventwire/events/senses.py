"""Trigger senses: which lexicon entry a token expresses, from its lemma, companion words and object."""

from __future__ import annotations

from bisect import bisect_left

from spacy.attrs import LEMMA, LOWER, POS, TAG
from spacy.tokens import Doc, Token

from eventwire.events.candidate import NOMINAL_POS
from eventwire.events.lexicon import NONE, Entry, Lexicon


class SenseMixin:
    lex: Lexicon
    # Whether a token with these (POS, TAG, LEMMA, LOWER) ids has any lexicon sense at all, for the lexicon's
    # entries as they were when filled (its identity and size; see _may_sense).
    _lexical: tuple[object, int, dict[tuple[int, int, int, int], bool]]
    # The token positions of the doc last asked about that may have a sense (one tuple, swapped whole, so
    # threads coding other docs never see a half-written cache).
    _sensed: tuple[Doc | None, list[int]]

    def sense_positions(self, doc: Doc, bounds: tuple[int, int]) -> list[int]:
        """The positions in ``bounds`` of tokens whose lemma forms have lexicon senses (the only ones
        :meth:`sense` can give an entry): most tokens are skipped without building a Token."""
        cached = getattr(self, "_sensed", (None, []))
        if cached[0] is not doc:
            cached = (doc, self._may_sense(doc))
            self._sensed = cached
        positions = cached[1]
        return positions[bisect_left(positions, bounds[0]):bisect_left(positions, bounds[1])]

    def _may_sense(self, doc: Doc) -> list[int]:
        memo = getattr(self, "_lexical", None)
        if memo is None or memo[0] is not self.lex.entries or memo[1] != len(self.lex.entries):
            memo = (self.lex.entries, len(self.lex.entries), {})
            self._lexical = memo
        known = memo[2]
        positions: list[int] = []
        for i, row in enumerate(doc.to_array([POS, TAG, LEMMA, LOWER]).tolist()):
            key = (row[0], row[1], row[2], row[3])
            found = known.get(key)
            if found is None:
                token = doc[i]
                pos = _pos(token)
                found = pos is not None and any(self.lex.senses(pos, lemma) for lemma in _lemmas(token, pos))
                known[key] = found
            if found:
                positions.append(i)
        return positions

    def sense(self, token: Token) -> Entry | None:
        pos = _pos(token)
        if pos is None:
            return None
        senses: list[Entry] = []
        for lemma in _lemmas(token, pos):
            senses = self.lex.senses(pos, lemma)
            if senses:
                break
        if not senses:
            return None
        companions = self._companions(token)
        objects = self._object_lemmas(token) if any(s.obj for s in senses) else set()
        # A sense that is no event is chosen by the direct object only ("fired 200 workers", not "fired on workers").
        direct = self._direct_object_lemmas(token) if any(s.type == NONE for s in senses) else set()
        provisional: Entry | None = None
        for entry in senses:
            if entry.sectors:
                # Chosen once the source is known (ImpliedMixin._resense); with no other sense, the first
                # such sense stands in and is kept only if the source's sector selects one.
                provisional = provisional or (entry if not entry.word and not entry.obj else None)
                continue
            if entry.word and (entry.word not in companions or any(w not in companions for w in entry.also)):
                continue
            if entry.obj and not ((direct if entry.type == NONE else objects) & entry.obj):
                continue
            return entry
        return provisional

    @staticmethod
    def _direct_object_lemmas(token: Token) -> set[str]:
        heads = [c for c in token.children if c.dep_ in ("dobj", "nsubjpass")]
        heads += [g for h in heads for g in h.children if g.dep_ in ("compound", "amod")]
        return {w for h in heads for w in (h.lemma_.lower(), h.lower_)}

    @staticmethod
    def _companions(token: Token) -> set[str]:
        words: set[str] = set()
        if token.i >= 2 and token.doc[token.i - 1].text == "-" and token.doc[token.i - 2].is_alpha:
            # "lathi-charged", "test-fired": the tokenizer splits the compound verb at its hyphen.
            words.add(token.doc[token.i - 2].lower_)
        for child in token.children:
            if child.dep_ in ("prt", "dobj", "prep", "compound", "amod", "advmod", "npadvmod", "acomp", "nmod",
                              "attr", "oprd", "dative"):
                words.add(child.lemma_.lower())
                words.add(child.lower_)
                if child.dep_ in ("prep", "prt"):
                    for pobj in (g for g in child.children if g.dep_ == "pobj"):
                        words.add(pobj.lemma_.lower())
                        words.update(c.lemma_.lower() for c in pobj.children if c.dep_ in ("compound", "amod"))
                elif child.dep_ == "dobj":
                    words.update(c.lemma_.lower() for c in child.children if c.dep_ in ("compound", "amod"))
        return words

    @staticmethod
    def _object_lemmas(token: Token) -> set[str]:
        found: set[str] = set()
        heads = [c for c in token.children if c.dep_ in ("dobj", "nsubjpass", "attr", "oprd")]
        for child in token.children:
            if child.dep_ in ("prt", "prep") and child.lower_ in ("off", "on", "up", "down", "out", "of", "in", "for",
                                                                  "into", "to", "against", "at"):
                heads.extend(g for g in child.children if g.dep_ == "pobj")
        if token.pos_ in NOMINAL_POS:
            heads.extend(c for c in token.children if c.dep_ in ("compound", "amod"))
            for child in token.children:
                if child.dep_ == "prep" and child.lower_ in ("of", "into", "for", "against", "on"):
                    heads.extend(g for g in child.children if g.dep_ == "pobj")
        if token.dep_ == "relcl" and token.head.pos_ in NOMINAL_POS:
            heads.append(token.head)
        for head in list(heads):
            heads.extend(c for c in head.conjuncts)
            for child in head.children:
                if child.dep_ in ("compound", "amod"):
                    heads.append(child)
                elif child.dep_ == "prep" and child.lower_ in ("of", "for"):
                    # "the release of prisoners", "calls for talks": what the object is about
                    heads.extend(g for g in child.children if g.dep_ == "pobj")
        for head in heads:
            found.add(head.lemma_.lower())
            found.add(head.lower_)
        return found


def _trigger_tokens(token: Token, entry: Entry) -> list[Token]:
    """The trigger and, when the sense needs one, its companion word ("pulled out", "open fire")."""
    if not entry.word:
        return [token]
    for child in token.children:
        if child.lemma_.lower() == entry.word or child.lower_ == entry.word:
            return sorted([token, child], key=lambda t: t.i)
        if child.dep_ in ("prep", "prt"):
            for grandchild in child.children:
                if grandchild.lemma_.lower() == entry.word:
                    return sorted([token, grandchild], key=lambda t: t.i)
    return [token]




def _pos(token: Token) -> str | None:
    """The lexicon's part of speech for a token: V (verbs and auxiliaries), N (nouns), or None."""
    return "V" if token.pos_ in ("VERB", "AUX") or token.tag_.startswith("VB") else \
        "N" if token.pos_ in NOMINAL_POS else None


def _lemmas(token: Token, pos: str) -> list[str]:
    """The lemma and fallbacks for words the lemmatizer gets wrong ("staged" -> "stag")."""
    lemma = token.lemma_.lower()
    lower = token.lower_
    forms = [lemma, lower]
    if pos == "V":
        for suffix, repl in (("ied", "y"), ("ed", "e"), ("ed", ""), ("d", ""), ("ing", "e"), ("ing", ""), ("es", ""),
                             ("s", "")):
            if lower.endswith(suffix) and len(lower) > len(suffix) + 2:
                forms.append(lower[: -len(suffix)] + repl)
    elif lower.endswith("s") and len(lower) > 3:
        forms.append(lower[:-1])
    return list(dict.fromkeys(forms))
