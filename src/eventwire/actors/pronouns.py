"""Pronouns (step 6 of the stage): he/she, they/them/their and a subject "it" outside quotations join the
nearest preceding compatible actor within a few sentences: he/she a person, they/them/their a group, it
(as the subject of an action) a country, organisation or group.
"""

from __future__ import annotations

from spacy.tokens import Token

from eventwire.actors.index import Cluster, Step, token_end
from eventwire.nlp.english import THIRD_PERSON_PRONOUNS

# The pronouns that join an antecedent; reflexives are left to the words they reflect.
PRONOUNS = {word: kind for word, kind in THIRD_PERSON_PRONOUNS.items() if not word.endswith(("self", "selves"))
            and word != "theirs"}
# Verbs whose subject "it" is mostly an expletive or a thing ("it is likely", "it seems", "it takes").
_EXPLETIVE_HEADS = frozenset({"be", "seem", "appear", "take", "remain", "become", "happen", "mean", "cost",
                              "matter", "look", "rain", "make"})
# How far back (in sentences) a pronoun looks for its antecedent.
_PRONOUN_WINDOW = 3


class Pronouns(Step):
    """Pronouns joined to their antecedents."""

    def pronouns(self) -> None:
        for token in self.index.tokens:
            kind = PRONOUNS.get(token.lower_)
            if kind is None or (token.pos_ != "PRON" and token.tag_ not in ("PRP", "PRP$")):
                continue
            start, end = token.idx, token_end(token)
            if self.index.in_quote[start] or not self.free(start, end):
                continue
            if kind == "body" and not _actor_it(token):
                continue
            sentence = self.sentence_index.get(token.i, 0)
            # The subject of the governing clause first ("The RSF denied the army's claim and said it had
            # ..."), then the nearest compatible actor.
            subject = self.clause_subject(token)
            antecedent = subject if subject is not None and _fits(kind, subject) and any(
                m.start < start for m in subject.mentions) else self.antecedent(kind, start, sentence)
            if antecedent is not None:
                self.add_mention(antecedent, start, end)

    def antecedent(self, kind: str, before: int, sentence: int) -> Cluster | None:
        earliest = self.index.sentence_start(max(0, sentence - _PRONOUN_WINDOW))
        return self.latest_mentioned(lambda cluster: _fits(kind, cluster), before, earliest)



def _actor_it(token: Token) -> bool:
    """Whether "it" may stand for an actor: the subject of an action verb ("Syria said it would ..."), not an
    object ("rejected it", mostly a thing) or an expletive ("it is likely that"). A free "its" is left alone:
    before an actor noun ("its troops") the description has it already, and before a thing ("its labour
    market") it would make the thing a party to events."""
    return token.dep_ in ("nsubj", "nsubjpass") and token.head.lemma_.lower() not in _EXPLETIVE_HEADS


def _fits(kind: str, cluster: Cluster) -> bool:
    """Whether a pronoun of ``kind`` can stand for ``cluster``: he/she a person, they a group, and "it" a
    country, an organisation or a group named as one body, never a person."""
    if kind == "person":
        return cluster.kind == "person" and not cluster.plural
    if kind == "group":
        return cluster.kind == "group"
    return cluster.kind in ("country", "organization", "group") and not cluster.plural
