"""Finding the magnitudes one sentence states, through the dependency parse."""

from __future__ import annotations

from dataclasses import dataclass

from spacy.tokens import Doc, Token

from eventwire.events.magnitudes.lexicon import MagnitudeLexicon, Predicate
from eventwire.events.magnitudes.numbers import Count, NumberReader
from eventwire.nlp.english import OBJECT_PRONOUNS, PERSON_PRONOUNS, SUBJECT_PRONOUNS

_RELATIVE = frozenset({"who", "that", "which", "whom"})
_ONE_PERSON = ((SUBJECT_PRONOUNS | OBJECT_PRONOUNS) & PERSON_PRONOUNS) | {"another"}
_OTHER_TIME = frozenset({"after", "before", "since", "earlier", "ago", "previously"})
_SINGULAR_DETS = frozenset({"a", "an", "the", "one", "this", "that", "another", "each", "every"})


@dataclass(slots=True)
class Found:
    """A magnitude read from one clause, before linking."""

    kind: str
    value: int
    at_least: bool
    start: int
    end: int
    token: Token  # the word that states it ("killed", "dead", "toll")
    sentence: int
    total: bool = False  # a running toll: it replaces, not adds to, the other counts
    additive: bool = False
    violent: bool = False
    victim: tuple[int, int] | None = None  # character span of the counted people, for a created event
    # The clause is set at another time than its sentence ("a week after 12 were killed"): it belongs only to an
    # event coded on its own word, never to the sentence's main event.
    elsewhere: bool = False


class MagnitudeReader:
    """Finds the magnitudes stated in one sentence."""

    def __init__(self, lexicon: MagnitudeLexicon) -> None:
        self.lex = lexicon
        self.numbers = NumberReader(lexicon)
        self.hypothetical = lexicon.cue_words("hypothetical")
        self.additive = lexicon.cue_words("additive")
        self.cumulative = [cue for cue in lexicon.cues.get("cumulative", [])]
        self.words = frozenset(lemma for lemma, _ in lexicon.predicates)
        self.inflected: dict[str, str | None] = {}  # word -> the predicate lemma it inflects, remembered

    def read(self, doc: Doc, start: int, end: int, sentence: int) -> list[Found]:
        found: list[Found] = []
        claimed: set[tuple[str, int]] = set()
        casualty_heads: set[int] = set()
        deferred: list[tuple[Token, Predicate]] = []
        for token in doc[start:end]:
            lemma = token.lemma_.lower()
            if lemma not in self.words:
                lower = token.lower_
                if lower not in self.inflected:
                    # the lemmatiser misses some forms ("staged" -> "stag"): try the plain inflections
                    self.inflected[lower] = next((base for base in _bases(lower) if base in self.words), None)
                lemma = self.inflected[lower] or lemma
                if lemma not in self.words and lower not in self.words:
                    continue
            for predicate in self._predicates(token, lemma):
                if predicate.kind == "participants":
                    deferred.append((token, predicate))
                    continue
                for item in self._read(token, predicate, sentence, claimed):
                    found.append(item)
                    casualty_heads.add(token.i)
        # Crowd sizes after casualties, so "police arrested 40 protesters" is an arrest count, not a crowd.
        for token, predicate in deferred:
            if predicate.slot == "member" and (token.head.i in casualty_heads or ("p", token.i) in claimed):
                continue
            found.extend(self._read(token, predicate, sentence, claimed))
        return found

    def _states(self, token: Token) -> bool:
        """Whether the word states a figure in its own right ("injured", "the injury of"), not merely shares a
        lemma with such a word ("security forces" is not "forced from their homes")."""
        lemma = token.lemma_.lower()
        if token.pos_ in ("VERB", "AUX"):
            return (lemma, "V") in self.lex.predicates or (token.lower_, "A") in self.lex.predicates
        if token.pos_ in ("NOUN", "PROPN"):
            return (lemma, "N") in self.lex.predicates
        return token.pos_ == "ADJ" and (token.lower_, "A") in self.lex.predicates

    def _predicates(self, token: Token, lemma: str) -> list[Predicate]:
        pos = token.pos_
        if pos in ("VERB", "AUX"):
            # participles can be adjectives ("injured", "missing": the parser calls "are missing" a verb)
            keys = [(lemma, "V"), (token.lower_, "A")] if token.tag_ in ("VBN", "VBG") else [(lemma, "V")]
        elif pos in ("NOUN", "PROPN"):
            keys = [(lemma, "N"), (token.lower_, "A")]
        elif pos == "ADJ":
            keys = [(token.lower_, "A"), (lemma, "A")]
        else:
            keys = [(token.lower_, "A")] if pos in ("NUM", "ADV") else []
        result: list[Predicate] = []
        for key in keys:
            for predicate in self.lex.predicates.get(key, []):
                if predicate not in result and self._fits(token, predicate):
                    result.append(predicate)
        # A participle read as a verb ("injured") and as an adjective is one statement.
        if any(p.pos == "V" for p in result):
            kinds = {p.kind for p in result if p.pos == "V"}
            result = [p for p in result if p.pos == "V" or p.kind not in kinds]
        # Among entries of one word, those with a condition that holds win over plain ones.
        if any(p.conditions for p in result):
            result = [p for p in result if p.conditions] + [p for p in result if not p.conditions
                                                             and p.kind not in {q.kind for q in result
                                                                                if q.conditions}]
            specific = [p for p in result if p.conditions]
            if specific and all(p.pos == "V" for p in result):
                result = specific
        return result

    @staticmethod
    def _fits(token: Token, predicate: Predicate) -> bool:
        if not predicate.conditions:
            return True
        for alternative in predicate.conditions:
            if all(_relation_holds(token, relation, words) for relation, words in alternative):
                return True
        return False

    # -- one statement
    def _read(self, token: Token, predicate: Predicate, sentence: int,
              claimed: set[tuple[str, int]]) -> list[Found]:
        kind = predicate.kind
        if predicate.slot == "patient" and any(c.dep_ == "prep" and c.lower_ == "to" and any(
                g.lemma_ == "death" for g in c.children) for c in token.children):
            kind = "killed"  # "beaten to death", "stabbed to death"
        total = predicate.slot == "toll"
        if total:
            count = self._toll(token)
            victims = None
        else:
            victims = self._victims(token, predicate)
            if victims is None:
                return []
            if victims.dep_ == "pobj" and victims.head.lower_ == "of" and victims.head.head is not victims.head \
                    and self.lex.counters.get(victims.head.head.lemma_.lower()) == "toll":
                victims = victims.head.head  # "the number of people killed"
            if self.lex.counters.get(victims.lemma_.lower()) == "toll":
                # "bringing to 15 the number killed": the figure of a running total
                count, total, victims = self._toll(victims, token), True, None
            else:
                count = self._group(victims, predicate.slot in ("member", "crowd", "actor"))
        if count is None or count.value is None or self._is_hypothetical(token):
            return []
        if total and self._cumulative(token):
            return []  # "the number killed since the unrest began", "this year": a campaign's total, not one event's
        key = (kind, victims.i if victims is not None else token.i)
        if key in claimed or (kind == "participants" and victims is not None and ("p", victims.i) in claimed):
            return []  # counted already, or the crowd counted is the people arrested or killed
        claimed.add(key)
        if victims is not None:
            claimed.add(("p", victims.i))
        negated = any(c.dep_ == "neg" for c in token.children)
        if negated and count.value != 0:
            return []
        additive = self._additive(token, victims)
        victim_span = None
        if victims is not None:
            group = [victims, *_conjuncts(victims)]
            victim_span = (min(t.left_edge.idx for t in group[:1]), max(t.idx + len(t) for t in group))
        kinds = ("killed", "injured") if kind == "casualties" else (kind,)
        if kind == "casualties" and count.value != 0:
            return []  # "casualties" mixes the dead and the wounded: only "no casualties" is a figure
        return [Found(k, count.value, count.at_least, count.start, count.end, token, sentence,
                      total=total, additive=additive, violent=predicate.violent,
                      victim=victim_span, elsewhere=self._elsewhere_in_time(token)) for k in kinds]

    def _cumulative(self, token: Token) -> bool:
        """A toll counted over a period ("since the unrest began", "this year"), from its clause."""
        clause = token
        for _ in range(3):
            if clause.pos_ in ("VERB", "AUX") or clause.head is clause:
                break
            clause = clause.head
        words = [t.lower_ for t in clause.subtree]
        return any(tuple(words[i:i + len(cue)]) == cue for cue in self.cumulative for i in range(len(words)))

    @staticmethod
    def _elsewhere_in_time(token: Token) -> bool:
        """Whether the clause is placed at another time than the sentence's: "a week after ...", "days before"."""
        children = list(token.children)
        markers = [c for c in children if c.dep_ in ("mark", "prep", "advmod") and c.lower_ in _OTHER_TIME]
        if not markers or token.dep_ not in ("advcl", "pcomp", "relcl", "conj"):
            return False
        return any(c.dep_ == "npadvmod" for c in children) or any(
            g.dep_ == "npadvmod" for m in markers for g in m.children)

    def _is_hypothetical(self, token: Token) -> bool:
        node = token
        for _ in range(3):
            if any(c.dep_ in ("aux", "auxpass", "mark") and c.lemma_.lower() in self.hypothetical
                   for c in node.children):
                return True
            if node.dep_ in ("xcomp", "ccomp", "advcl", "acl", "relcl", "conj") and node.head is not node:
                node = node.head
                if node.lemma_.lower() in self.hypothetical:
                    return True
            else:
                return False
        return False

    def _additive(self, token: Token, victims: Token | None) -> bool:
        words = {c.lower_ for c in token.children if c.dep_ in ("advmod", "det", "amod")}
        if victims is not None:
            words |= {c.lower_ for c in victims.children if c.dep_ in ("det", "amod", "advmod")}
            if victims.i > 0 and victims.doc[victims.i - 1].lower_ in self.additive:
                words.add(victims.doc[victims.i - 1].lower_)
        return bool(words & self.additive)

    def _victims(self, token: Token, predicate: Predicate) -> Token | None:
        """The head of the phrase naming the counted people (or the number itself)."""
        before = token.doc[token.i - 1] if token.i > 0 else None
        if before is not None and predicate.slot in ("patient", "state") and token.tag_ in ("VBN", "JJ") \
                and self.numbers.is_number(before) and not any(c.dep_ in ("auxpass", "nsubjpass", "dobj")
                                                               for c in token.children):
            # list style, which the parser often gets wrong: "Two killed, 15 injured", "3 dead, 12 injured and
            # 40 arrested", "..., 9 killed": the number right before the word is its count
            return before
        return self._victims_by_parse(token, predicate)

    def _victims_by_parse(self, token: Token, predicate: Predicate) -> Token | None:
        slot = predicate.slot
        deps = {c.dep_: c for c in reversed(list(token.children))}
        if token.dep_ == "conj" and token.i > 0 and self.numbers.is_number(token.doc[token.i - 1]) \
                and token.doc[token.i - 1].head.i in (token.i, token.head.i) and slot in ("patient", "state") \
                and not any(d in deps for d in ("dobj", "nsubj", "nsubjpass")):
            return token.doc[token.i - 1]  # "Two killed, 15 injured": the number before the second word
        if slot == "patient":
            passive = "auxpass" in deps or "nsubjpass" in deps
            if not passive and "dobj" in deps:
                return deps["dobj"]
            if passive and "nsubjpass" in deps:
                return self._antecedent(token, deps["nsubjpass"])
            if token.tag_ == "VBN" and token.dep_ in ("acl", "amod") and token.head.pos_ in ("NOUN", "PROPN",
                                                                                              "NUM", "PRON"):
                return token.head
            if token.tag_ == "VBN" and "nsubj" in deps and "dobj" not in deps:
                return self._antecedent(token, deps["nsubj"])  # headline "5 killed in blast"
            if token.dep_ == "conj" and "nsubj" in deps and "dobj" not in deps and any(
                    c.dep_ == "auxpass" for c in token.head.children):
                return deps["nsubj"]  # "14 were hurt and 63 people detained": the auxiliary is left out
            if token.dep_ == "conj" and "dobj" not in deps and "nsubj" not in deps:
                if not passive and token.tag_ != "VBN" and token.head.i < token.i:
                    return _child(token.head, "dobj")  # "shot and killed a teenager"
                return self._inherited(token)
            if token.dep_ == "xcomp" and token.head.lemma_ in ("leave", "see", "report"):
                return _child(token.head, "dobj") or _child(token.head, "nsubjpass")
            return None
        if slot in ("subject", "actor"):
            if "nsubj" in deps:
                return self._antecedent(token, deps["nsubj"])
            if token.dep_ == "xcomp":
                return _child(token.head, "dobj") or _child(token.head, "nsubj")
            if token.dep_ == "conj":
                return self._inherited(token)
            return None
        if slot == "state":
            for dep in ("nsubj", "nsubjpass"):
                if dep in deps:
                    return self._antecedent(token, deps[dep])
            if "nummod" in deps:
                return deps["nummod"]
            if self.numbers.is_number(token.head) and token.dep_ in ("amod", "npadvmod", "appos", "acomp"):
                return token.head
            if token.dep_ in ("oprd", "ccomp", "xcomp", "acomp", "advcl", "advmod", "attr", "dep"):
                head = token.head
                return _child(head, "dobj") or _child(head, "nsubjpass") or _child(head, "nsubj")
            if token.dep_ == "amod" and token.head.pos_ in ("NOUN", "PROPN"):
                return token.head
            if token.dep_ == "conj":
                return self._inherited(token)
            return None
        if slot == "noun":
            if token.dep_ == "compound":
                return None  # "death penalty", "death threats"
            if "nummod" in deps or _child(token, "det", "no") is not None:
                return token
            of = _prep_object(token, "of")
            if of is not None:
                return of
            return None
        if slot == "member":
            if token.dep_ == "pobj" and token.head.lower_ == "of" and self.numbers.is_number(token.head.head):
                return token.head.head  # "thousands of protesters"
            return token if "nummod" in deps else None
        if slot == "crowd":
            # "a crowd of 5,000"; "a crowd estimated at 10,000"
            estimated = next((c for c in token.children if c.dep_ == "acl"), None)
            return _prep_object(token, "of") or (_prep_object(estimated, "at") if estimated is not None else None)
        return None

    @staticmethod
    def _antecedent(verb: Token, subject: Token) -> Token:
        if subject.lower_ in _RELATIVE and verb.dep_ == "relcl":
            return verb.head
        return subject

    def _inherited(self, token: Token) -> Token | None:
        """A conjoined verb without its own subject shares the first verb's ("were shot and killed")."""
        head = token.head
        for dep in ("nsubjpass", "nsubj"):
            child = _child(head, dep)
            if child is not None:
                if dep == "nsubj" and head.tag_ != "VBN" and not any(c.dep_ == "auxpass" for c in head.children):
                    return None  # "gunmen attacked ... and killed 12": the subject is the attacker
                return self._antecedent(head, child)
        if head.dep_ in ("acl", "amod") and head.tag_ == "VBN":
            return head.head
        return None

    def _toll(self, token: Token, clause: Token | None = None) -> Count | None:
        """The figure a running toll reaches ("rose to 45", "stood at 12", "bringing the toll to six"); ``clause`` is
        the casualty word of "the number of people killed", where the parser may hang "to 31"."""
        places: list[Token] = [token] if clause is None else [token, clause]
        if token.dep_ in ("nsubj", "nsubjpass", "dobj", "attr"):
            places.append(token.head)
        for place in places:
            # "rose from 12 to 15": the parser may hang "to 15" under "from"
            children = [g for c in place.children for g in ((c, *c.children) if c.lower_ == "from" else (c,))]
            for child in children:
                if child.dep_ == "prep" and child.lower_ in ("to", "at", "of"):
                    for obj in child.children:
                        if obj.dep_ == "pobj" and self.numbers.is_number(obj):
                            return self.numbers.read(obj)
                        if obj.dep_ == "pobj" and child.lower_ == "of":
                            counted = self._single(obj, True)  # "a total of 18 people"
                            if counted is not None:
                                return counted
                if child.dep_ in ("attr", "dobj", "nummod", "npadvmod", "appos") and child is not token \
                        and self.numbers.is_number(child):
                    return self.numbers.read(child)
        return None

    def _group(self, head: Token, need_number: bool) -> Count | None:
        """The count of a phrase and its conjuncts ("two soldiers and a civilian" = 3)."""
        group = [head]
        for conjunct in _conjuncts(head):
            if self._states(conjunct):
                break  # "the death of 6 soldiers and the injury of 3": another statement, not more people
            # "12 injured and 40 arrested": a word that states a figure between two numbers ends the group
            if any(self._states(t) for t in head.doc[group[-1].i + 1:conjunct.i]):
                break
            group.append(conjunct)
        counts = [self._single(t, need_number) for t in group]
        if any(c is None or c.value is None for c in counts):
            return None
        value = sum(c.value for c in counts if c is not None and c.value is not None)
        return Count(value, any(c.at_least for c in counts if c is not None),
                     min(c.start for c in counts if c is not None), max(c.end for c in counts if c is not None))

    def _single(self, token: Token, need_number: bool) -> Count | None:
        lower = token.lower_
        end = token.idx + len(token)
        if self.numbers.is_number(token):
            of = _prep_object(token, "of")
            if of is not None and self.lex.counters.get(of.lemma_.lower()) == "thing":
                return None  # "thousands of dollars"
            if lower == "one" and _child(token, "det", "no") is not None:
                return Count(0, False, token.idx - 3 if token.i and token.doc[token.i - 1].lower_ == "no"
                             else token.idx, end)
            count = self.numbers.read(token)
            if of is not None and count is not None:
                count.end = max(count.end, of.idx + len(of))
            return count
        if self.lex.counters.get(token.lemma_.lower()) == "thing":
            return None
        # A number across a line break belongs to the headline above, not to this noun ("... at least 20\n\nMOGADISHU").
        numbers = [c for c in token.children if c.dep_ in ("nummod", "quantmod") and c.i < token.i
                   and self.numbers.is_number(c) and not any("\n" in t.text_with_ws for t in token.doc[c.i:token.i])]
        if numbers:
            count = self.numbers.read(numbers[0])
            if count is not None:
                count.end = end
            return count
        if token.i > 0 and self.numbers.is_number(token.doc[token.i - 1]) and token.doc[token.i - 1].dep_ in (
                "compound", "amod", "nummod"):
            count = self.numbers.read(token.doc[token.i - 1])
            if count is not None:
                count.end = end
            return count
        det = _child(token, "det")
        if det is not None and det.lower_ == "no":
            return Count(0, False, det.idx, end)
        if need_number:
            return None
        if lower in _ONE_PERSON:
            return Count(1, False, token.idx, end)
        if self.lex.counters.get(token.lemma_.lower()) == "group":
            of = _prep_object(token, "of")  # "a family of five"
            return self._single(of, True) if of is not None and self.numbers.is_number(of) else None
        if token.pos_ == "PRON":
            return None
        if token.tag_ in ("NN", "NNP") and (token.tag_ == "NN" or token.ent_type_ in ("PERSON", "NORP", "")):
            if token.tag_ == "NNP" and token.ent_type_ not in ("PERSON", "NORP", ""):
                return None  # a person ("Khaleda Yasmin"), one of a people ("a Palestinian"), a headline noun ("Man")
            start = min(t.idx for t in token.subtree if (t.i <= token.i and t.dep_ in ("det", "poss", "compound",
                                                                                         "amod", "nummod"))
                        or t.i == token.i)
            if token.tag_ == "NN" and det is not None and det.lower_ not in _SINGULAR_DETS:
                return None
            return Count(1, False, start, end)
        return None


def _bases(word: str) -> list[str]:
    """Candidate base forms of an inflected word."""
    bases = [word[:-len(suffix)] for suffix in ("ing", "ed", "es", "d", "s") if word.endswith(suffix)]
    if word.endswith("ing"):
        bases.append(word[:-3] + "e")
    return bases


def _child(token: Token, dep: str, lower: str | None = None) -> Token | None:
    for child in token.children:
        if child.dep_ == dep and (lower is None or child.lower_ == lower):
            return child
    return None


def _prep_object(token: Token, preposition: str) -> Token | None:
    for child in token.children:
        if child.dep_ == "prep" and child.lower_ == preposition:
            return _child(child, "pobj")
    return None


def _conjuncts(token: Token) -> list[Token]:
    """Conjoined heads after ``token`` ("two soldiers and a civilian"), not "including" or appositions."""
    result: list[Token] = []
    node = token
    for _ in range(20):
        nxt = next((c for c in node.children if c.dep_ == "conj" and c.i > node.i), None) or _along_with(node)
        if nxt is None:
            break
        result.append(nxt)
        node = nxt
    return result


def _along_with(token: Token) -> Token | None:
    """The companion of "X along with Y", "X together with Y"."""
    for child in token.children:
        if child.lower_ in ("along", "together") and child.i > token.i:
            with_ = next((c for c in child.children if c.lower_ == "with"), None)
            if with_ is not None:
                return _child(with_, "pobj")
        if child.lower_ == "with" and child.i > token.i and token.doc[child.i - 1].lower_ in ("along", "together"):
            return _child(child, "pobj")
    return None


def _relation_holds(token: Token, relation: str, words: frozenset[str]) -> bool:
    if relation == "head":
        return token.head.lemma_.lower() in words and token.head is not token
    if relation == "obj":
        # the object or a compound of it ("staged a sit-in": dobj "in", compound "sit")
        objects = [c for c in token.children if c.dep_ in ("dobj", "pobj")]
        if any(o.lemma_.lower() in words or any(g.dep_ == "compound" and g.lower_ in words for g in o.children)
               for o in objects):
            return True
        return any(
            g.dep_ == "pobj" and g.lemma_.lower() in words for c in token.children if c.dep_ == "prep"
            for g in c.children)
    if relation == "prt":
        return any(c.dep_ == "prt" and c.lower_ in words for c in token.children)
    if relation in ("to", "into", "of", "from"):
        return any(c.dep_ in ("prep", "dative") and c.lower_ == relation and any(
            g.lemma_.lower() in words or g.lower_ in words for g in c.children) for c in token.children)
    return any(c.lemma_.lower() in words or c.lower_ in words for c in token.subtree if c is not token)
