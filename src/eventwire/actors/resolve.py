"""Resolution of a name found in an article to a knowledge-base entity.

Paths, tried in order (each decision carries a method and a short reason):

1. **exact** — the normalised name is an alias in the KB (a dictionary look-up). Several entities
   with the alias (two George Bushes) are told apart by the publication date against their
   tenures, by the role words around the mention and by its country; if they stay tied, the name
   stays unresolved.
2. **surname** — a one-word person name ("Mattis") resolves when the role around it fits one person
   in office on the publication date, or, with no role word ("Putin said"), when the surname is
   unique among KB people in office on that date (unique in the whole KB when the article has no
   date) and nothing around it contradicts them; such a match gets a lower confidence.
3. **fuzzy / phonetic** — candidates come from blocks (metaphone and spelling-skeleton keys of each
   name word, built once per KB), never from a scan of the KB. They are scored with rapidfuzz on
   the normalised and skeleton spellings; a candidate is accepted when the spelling is very close,
   or close and the names sound the same (metaphone), or close and the role words and the date fit
   the candidate's tenure. A role or country that contradicts the candidate rules it out; two
   candidates within a small margin leave the name unresolved (never force a wrong entity).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass, field

from rapidfuzz import fuzz

from eventwire.actors.agents import AgentTable, roles_compatible
from eventwire.actors.kb import ALIAS, NAME, SHIPPED_SOURCES, Entity, KnowledgeBase, Tenure
from eventwire.actors.normalize import block_keys, metaphone, name_key, significant_words, skeleton

log = logging.getLogger(__name__)

# A block shared by more entities than this is too common to be useful alone (e.g. "Mohammed").
MAX_BLOCK = 400
EXACT_CONFIDENCE = 0.95
AMBIGUITY_MARGIN = 0.05
# Below this spelling similarity a name is not a candidate at all.
MIN_SIMILARITY = 0.7
# A surname shorter than this ("Li", "Kim") is too common to resolve alone without a role word.
MIN_LONE_SURNAME = 4


def _phonetic_key(key: str) -> tuple[str, ...]:
    return tuple(metaphone(t) for t in significant_words(skeleton(key).split()))


@dataclass(slots=True)
class Candidate:
    entity: Entity
    score: float
    method: str
    reasons: list[str] = field(default_factory=list)
    tenure: Tenure | None = None
    excluded: bool = False
    similarity: float = 1.0
    sounds_alike: bool = False
    surname_similarity: float = 1.0  # of the last name words, for people
    initials_agree: bool = True  # the given name starts like one of the candidate's names
    role_fits: bool = False
    lone_surname: bool = False  # the mention is the surname alone ("Putin"), not a full name

    @property
    def reason(self) -> str:
        return "; ".join(self.reasons)


@dataclass(slots=True)
class Resolution:
    entity: Entity | None
    confidence: float
    method: str
    reason: str
    tenure: Tenure | None = None
    candidates: list[Candidate] = field(default_factory=list)


UNRESOLVED = "unresolved"


class Resolver:
    def __init__(self, kb: KnowledgeBase, agents: AgentTable) -> None:
        self.kb = kb
        self.agents = agents
        self._role_families: dict[str, str | None] = {}
        self._cache: dict[tuple[object, ...], Resolution] = {}
        self._fuzzy_cache: dict[tuple[str, frozenset[str]], list[tuple[str, float, str, bool, float]]] = {}

    def role_family(self, role: str | None) -> str | None:
        if role is None:
            return None
        if role not in self._role_families:
            self._role_families[role] = self.agents.role_family(role)
        return self._role_families[role]

    # -- context ------------------------------------------------------------------------------
    def _context(self, candidate: Candidate, day: str | None, role: str | None, country: str | None) -> None:
        """Adjust a candidate's score by the date, role family and country around the mention."""
        entity = candidate.entity
        tenure = entity.tenure_at(day) if day else None
        candidate.tenure = tenure
        if day and entity.tenures:
            if tenure is not None:
                candidate.score += 0.05
                candidate.reasons.append(f"in office on {day} ({tenure.role})")
            else:
                candidate.score -= 0.1
                candidate.reasons.append(f"no role on {day}")
        if role is not None:
            tenures = [tenure] if tenure is not None else entity.tenures
            families = {self.role_family(t.role) for t in tenures} - {None}
            verdicts = {roles_compatible(role, f) for f in families}
            if True in verdicts:
                candidate.score += 0.05
                candidate.role_fits = True
                candidate.reasons.append(f"role '{role}' fits")
            elif False in verdicts:
                candidate.score -= 0.2
                candidate.excluded = True
                candidate.reasons.append(f"role '{role}' contradicts {', '.join(sorted(families))}")
        if country is not None:
            countries = {t.country for t in ([tenure] if tenure else entity.tenures) if t.country} or (
                {entity.country} if entity.country else set())
            if country in countries:
                candidate.score += 0.03
                candidate.reasons.append(f"country {country} fits")
            elif countries:
                candidate.score -= 0.2
                candidate.excluded = True
                candidate.reasons.append(f"country {country} contradicts {', '.join(sorted(countries))}")

    # -- candidates ---------------------------------------------------------------------------
    def _exact(self, key: str, kinds: frozenset[str]) -> list[Candidate]:
        out = []
        for eid, form in self.kb.index.get(key, ()):
            entity = self.kb.entities[eid]
            if form in (NAME, ALIAS) and entity.kind in kinds:
                out.append(Candidate(entity, 1.0, "exact", [f"alias '{key}'"]))
        return out

    def _surname(self, key: str, given: str | None = None) -> list[Candidate]:
        out = []
        for eid in sorted(self.kb.surnames.get(key, ())):
            entity = self.kb.entities[eid]
            initials = {name_key(n)[:1] for n in entity.all_names()}
            agree = given is None or given[:1] in initials
            out.append(Candidate(entity, 0.75, "surname", [f"surname '{key}'"], initials_agree=agree,
                                 lone_surname=given is None and len(key) >= MIN_LONE_SURNAME))
        return out

    def _fuzzy(self, key: str, kinds: frozenset[str]) -> list[Candidate]:
        """Fuzzy and phonetic candidates; the spelling work is cached per name (the context is not)."""
        found = self._fuzzy_cache.get((key, kinds))
        if found is None:
            found = self._fuzzy_matches(key, kinds)
            if len(self._fuzzy_cache) > 20_000:
                self._fuzzy_cache.clear()
            self._fuzzy_cache[(key, kinds)] = found
        out = []
        for eid, best, best_alias, sounds, last_sim in found:
            method = "phonetic" if sounds and best < 0.9 else "fuzzy"
            reasons = [f"spelling {best:.2f} to '{best_alias}'"] + (["sounds alike"] if sounds else [])
            out.append(Candidate(self.kb.entities[eid], best, method, reasons, similarity=best, sounds_alike=sounds,
                                 surname_similarity=last_sim))
        return out

    def _fuzzy_matches(self, key: str, kinds: frozenset[str]) -> list[tuple[str, float, str, bool, float]]:
        blocks = self.kb.blocks
        sets = [blocks[b] for b in block_keys(key) if b in blocks]
        small = [s for s in sets if len(s) <= MAX_BLOCK]
        ids: set[str] = set().union(*(small or sets)) if sets else set()
        skel = skeleton(key)
        phon = _phonetic_key(key)
        found = []
        for eid in ids:
            entity = self.kb.entities[eid]
            if entity.kind not in kinds:
                continue
            best, best_alias, sounds, last_sim = 0.0, "", False, 0.0
            for alias in entity.all_names():
                akey = name_key(alias)
                if abs(len(akey) - len(key)) > max(6, len(key) // 2):
                    continue
                # score_cutoff lets rapidfuzz give up early on hopeless pairs.
                sim = max(fuzz.ratio(key, akey, score_cutoff=MIN_SIMILARITY * 100),
                          fuzz.ratio(skel, skeleton(akey), score_cutoff=MIN_SIMILARITY * 100),
                          fuzz.token_sort_ratio(key, akey, score_cutoff=MIN_SIMILARITY * 100) - 3) / 100
                if sim > best:
                    best, best_alias = sim, alias
                    sounds = bool(phon) and phon == _phonetic_key(akey)
                    last_sim = _last_word_similarity(key, akey)
            if best >= MIN_SIMILARITY:
                found.append((eid, best, best_alias, sounds, last_sim))
        return found

    # -- decision -----------------------------------------------------------------------------
    def candidates(self, name: str, kinds: Iterable[str] = ("person", "organization", "group", "country"),
                   day: str | None = None, role: str | None = None, country: str | None = None) -> list[Candidate]:
        """Every candidate for ``name`` with its score and reasons, best first (for ``kb lookup``)."""
        kindset = frozenset(kinds)
        key = name_key(name)
        found = self._exact(key, kindset)
        if not found and len(key.split()) == 1 and "person" in kindset:
            found = self._surname(key)
        if not found:
            found = self._fuzzy(key, kindset)
            words = key.split()
            if len(words) > 1 and "person" in kindset:
                # "Rajab Tayeb Erdogan": the surname is exact, the given names transliterated; the role,
                # country and date around the mention must then single the person out.
                found += self._surname(words[-1], words[0])
        for cand in found:
            self._context(cand, day, role, country)
        return sorted(found, key=lambda c: (-c.score, c.entity.id))

    def resolve(self, name: str, kinds: Iterable[str] = ("person", "organization", "group"),
                day: str | None = None, role: str | None = None, country: str | None = None) -> Resolution:
        cache_key = (name_key(name), tuple(sorted(kinds)), day, role, country)
        cached = self._cache.get(cache_key)
        if cached is not None:
            return cached
        result = self._decide(self.candidates(name, kinds, day, role, country), day, role, country)
        if len(self._cache) > 50_000:
            self._cache.clear()
        self._cache[cache_key] = result
        log.debug("resolve %r (day=%s role=%s country=%s): %s %s — %s", name, day, role, country, result.method,
                  result.entity.id if result.entity else None, result.reason)
        return result

    def _decide(self, cands: list[Candidate], day: str | None, role: str | None,
                country: str | None) -> Resolution:
        if not cands:
            return Resolution(None, 0.0, UNRESOLVED, "no candidate", candidates=cands)
        method = cands[0].method
        # A contradicting role rules out fuzzy candidates; an exact name only loses rank (the KB may not
        # know every role a person held).
        viable = [c for c in cands if (c.method == "exact" or not c.excluded) and _acceptable(c, day, role)]
        unique: dict[str, Candidate] = {}
        for cand in viable:
            unique.setdefault(cand.entity.id, cand)
        viable = list(unique.values())
        if not viable:
            return Resolution(None, 0.0, UNRESOLVED, f"no {method} candidate fits: {cands[0].reason}",
                              candidates=cands)
        top = viable[0]
        tied = [c for c in viable if top.score - c.score < AMBIGUITY_MARGIN]
        shipped = [c for c in tied if c.entity.source in SHIPPED_SOURCES]
        if len(tied) > 1 and len(shipped) == 1 and len({(c.entity.kind, _country(c)) for c in tied}) == 1:
            # The same actor in the shipped KB and in an imported dictionary: the shipped entry wins.
            top = shipped[0]
            top.reasons.append("preferred to imported duplicates")
        elif len(tied) > 1:
            names = ", ".join(f"{c.entity.name} ({c.score:.2f})" for c in viable[:3])
            return Resolution(None, 0.0, UNRESOLVED, f"ambiguous: {names}", candidates=cands)
        if top.method == "exact":
            confidence = round(min(0.99, EXACT_CONFIDENCE + top.score - 1.0) if top.excluded else min(
                0.99, EXACT_CONFIDENCE + max(0.0, top.score - 1.0)), 2)
            how = "exact" if len(cands) == 1 else "exact, disambiguated by context"
        elif top.method == "surname" and not top.role_fits:
            confidence = 0.6
            how = "surname, the only KB person of that name in office" if day else "surname, unique in the KB"
        elif top.method == "surname":
            confidence = 0.7
            how = "surname, singled out by context"
        else:
            confidence = round(min(0.9, max(0.5, top.score - 0.05)), 2)
            how = top.method
        return Resolution(top.entity, confidence, top.method, f"{how}: {top.reason}", top.tenure, cands)


def _last_word_similarity(key: str, alias_key: str) -> float:
    mine = significant_words(skeleton(key).split())
    theirs = significant_words(skeleton(alias_key).split())
    if not mine or not theirs:
        return 0.0
    return fuzz.ratio(mine[-1], theirs[-1]) / 100


def _country(candidate: Candidate) -> str | None:
    return (candidate.tenure.country if candidate.tenure else None) or candidate.entity.country


def _acceptable(cand: Candidate, day: str | None, role: str | None) -> bool:
    if cand.method == "exact":
        return True
    active = cand.tenure is not None
    dated = bool(day and cand.entity.tenures)
    if cand.method == "surname":
        # A surname needs the context to point at the person: in office and the role fitting; a given
        # name, when there is one, must start like one of the person's names ("Rajab" ~ "Recep").
        if active and cand.role_fits and cand.initials_agree:
            return True
        # A surname alone with no role word ("Putin said"): the person must be in office on the date (any
        # KB person when there is no date); _decide then leaves it unresolved unless exactly one such
        # person is left. Very short surnames ("Li", "Kim") are too common to stand alone.
        return cand.lone_surname and not cand.excluded and (active if day else True)
    if cand.entity.kind == "person" and cand.similarity < 0.95 and cand.surname_similarity < 0.75:
        return False  # the surname carries who it is: "Mohammad Zarif" is not "Mohammed Barkindo"
    if cand.similarity >= 0.9:
        return True
    if cand.sounds_alike and cand.similarity >= 0.75 and (active or not dated):
        return True
    return cand.similarity >= 0.75 and cand.role_fits and (active or not dated)
