"""What the PETRARCH coder reads off the dependency parse: a verb's subject, conjuncts, noun-phrase extents.

PETRARCH2 reads these off a constituency parse; here the subject is the verb's nominal subject (or the ``by``
agent of a passive), taken from a controlling clause for infinitives, conjoined verbs and pronouns.
"""

from __future__ import annotations

from spacy.tokens import Doc, Token

from eventwire.nlp import parse
from eventwire.nlp.english import (
    OBJECT_PRONOUNS,
    PERSON_PRONOUNS,
    POSSESSIVE_PRONOUNS,
    SUBJECT_PRONOUNS,
    THIRD_PERSON,
)
from eventwire.petrarch.patterns import Mention

# Pronouns whose subject is taken from the controlling clause; "its"/"their" stand for a body, not a person.
PRONOUNS = SUBJECT_PRONOUNS | (OBJECT_PRONOUNS & THIRD_PERSON) | (
    (POSSESSIVE_PRONOUNS & THIRD_PERSON) - PERSON_PRONOUNS)
# Clause links through which an infinitive, participle or conjoined verb shares its governor's subject.
SUBJECT_LINKS = frozenset({"xcomp", "conj", "acomp", "advcl", "pcomp", "prep"})
# Dependents of a noun that belong to its noun phrase when coding it.
NP_EXCLUDED = frozenset({"conj", "cc", "relcl", "acl", "appos", "punct", "advcl"})
# Prepositions through which an agent noun takes its actor ("officials in Gondor", "the government of Gondor").
AGENT_PREPOSITIONS = frozenset({"of", "in", "from", "at", "for"})


def subject_of(verb: Token | None) -> Token | None:
    """The subject of a verb, looking through infinitives, conjoined verbs, relative and reported clauses."""
    if verb is None:
        return None
    return parse.subject_of(verb, links=SUBJECT_LINKS, max_steps=8, rule=_petrarch_rule).token


def _petrarch_rule(clause: Token, found: parse.Subject | None, came_from: Token | None) -> parse.Subject | Token | None:
    """PETRARCH's own reading of a clause: a passive verb's source is its "by" agent, never a subject borrowed from
    another clause; a pronoun subject of a reported or conjoined clause is taken from the governing clause; an
    object-control verb ("urged Eriador to respond") gives its object as the subject."""
    if found is None or found.passive:
        passive = next((c for c in clause.children if c.dep_ == "nsubjpass"), None)
        if passive is not None or any(c.dep_ == "auxpass" for c in clause.children):
            if came_from is not None and came_from.dep_ == "xcomp":
                return parse.Subject(passive, True, clause)  # raising: "Gollum was seen to break into ..."
            agent = next((c for c in clause.children if c.dep_ == "agent"), None)
            source = next((c for c in agent.children if c.dep_ == "pobj"), None) if agent is not None else None
            return parse.Subject(source, True, clause)
        if clause.dep_ == "xcomp":
            control = next((c for c in clause.head.children if c.dep_ == "dobj"), None)
            if control is not None:
                return parse.Subject(control, False, clause)
        return None
    if found.token is not None and found.token.lower_ in PRONOUNS and clause.dep_ in ("ccomp", "conj", "xcomp"):
        above = governor(clause)
        return above if above is not None else parse.Subject(None, False, clause)
    return None


def with_siblings(subject: Token | None) -> list[Token]:
    """A subject and the other subjects of its verb: the small parser sometimes splits one compound
    subject into several ("Old foes Gondor and Osgiliath have ...")."""
    if subject is None:
        return []
    if subject.dep_ != "nsubj":
        return [subject]
    return [subject, *(c for c in subject.head.children if c.dep_ == "nsubj" and c is not subject)]


def governor(verb: Token) -> Token | None:
    head = verb.head
    while head is not verb and head.pos_ not in ("VERB", "AUX") and head.head is not head:
        head = head.head
    return head if head is not verb else None


def conjuncts(token: Token) -> list[Token]:
    """Tokens conjoined with ``token``; an apposition heading a list counts too ("A, the B, C and D")."""
    out: list[Token] = []
    for child in token.children:
        if child.dep_ == "conj" or (child.dep_ == "appos" and any(c.dep_ == "conj" for c in child.children)):
            out.append(child)
            out.extend(conjuncts(child))
    return out


def np_tokens(token: Token) -> set[int]:
    """The tokens of the noun phrase headed by ``token``, without its conjuncts and clauses."""
    tokens = {token.i}
    for child in token.children:
        if child.dep_ in NP_EXCLUDED:
            continue
        tokens.update(np_tokens_all(child))
    return tokens


def np_tokens_all(token: Token) -> set[int]:
    tokens = {token.i}
    for child in token.children:
        if child.dep_ in ("relcl", "acl", "punct", "advcl"):
            continue
        tokens.update(np_tokens_all(child))
    return tokens


def actor_group(mentions: list[Mention], doc: Doc) -> list[Mention]:
    """The first actor of a phrase and the actors conjoined with it ("the ambassadors of A, B and C")."""
    actors = [m for m in mentions if m.agent is None]
    if not actors:
        return []
    first = actors[0]
    linked = {t.i for t in conjuncts(span_root(doc, first))}
    group: list[Mention] = []
    for mention in actors:
        # Several codes of one phrase ("ELR/GAL") share its start; conjoined actors are linked by "conj".
        linked_here = mention.start == first.start or any(mention.start <= i < mention.end for i in linked)
        if linked_here and mention.actor is not None and mention.actor not in {m.actor for m in group}:
            group.append(mention)
    return group


def span_root(doc: Doc, mention: Mention) -> Token:
    tokens = doc[mention.start:mention.end]
    return next((t for t in tokens if not (mention.start <= t.head.i < mention.end) or t.head is t), tokens[0])


def phrase_head(token: Token, mentions: list[Mention]) -> Token:
    """The noun phrase a dictionary word belongs to: climb compounds, possessives and agent prepositions."""
    mention = next((m for m in mentions if m.start <= token.i < m.end), None)
    if mention is not None:
        token = span_root(token.doc, mention)
    for _ in range(6):
        if token.dep_ in ("poss", "compound", "amod", "nmod", "case") and token.head is not token:
            token = token.head
            continue
        if token.dep_ == "pobj" and token.head.lower_ in AGENT_PREPOSITIONS:
            noun = token.head.head
            if any(m.agent is not None and m.start <= noun.i < m.end for m in mentions):
                token = noun
                continue
        if token.dep_ == "conj":
            token = token.head
            continue
        break
    return token
