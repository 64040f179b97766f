"""Request parameters the web routers share: the database dependency, paging, text and date checks, event filters.

The API, the pages and the watcher's pages all read them from here rather than from one another.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Literal

from fastapi import Depends, Query, Request

from eventwire.model import DOUBTFUL_CONFIDENCE, PLOVER_TYPES
from eventwire.store.query import Filters
from eventwire.web.database import Database

MAX_LIMIT = 10_000
# Short free-text filters; the pattern refuses control characters (NUL and friends) outright.
TEXT = {"max_length": 200, "pattern": r"^[^\x00-\x08\x0b\x0c\x0e-\x1f]*$"}
_DATE = {"max_length": 10, "pattern": r"^\d{4}(-\d{1,2}(-\d{1,2})?)?$",
         "description": "YYYY, YYYY-MM or YYYY-MM-DD"}

# How every actor filter matches (store.query.actor_clause).
ACTOR_RULE = ("an exact code (USA; USAGOV is country+sector, with PLOVER sectors: USAJRN news media, USAMED health; "
              "CAMEO's USAHLH reads as USAMED), the whole words of a name (Jeffrey matches "
              "James Jeffrey, not Jeffreys) or an actor id (kb id, e.g. country:USA).")
EventType = StrEnum("EventType", {t: t for t in PLOVER_TYPES})  # type: ignore[misc]
Interval = Literal["day", "week", "month", "quarter", "year"]  # the keys of store.query.INTERVALS


def database(request: Request) -> Database:
    return request.app.state.db  # type: ignore[no-any-return]


DB = Annotated[Database, Depends(database)]
Limit = Annotated[int, Query(ge=1, le=MAX_LIMIT, description="At most this many items.")]
Offset = Annotated[int, Query(ge=0, le=10**9, description="Skip this many items.")]
Text = Annotated[str | None, Query(**TEXT)]
Day = Annotated[str | None, Query(**_DATE)]


def event_filters(
    actor: Annotated[str | None, Query(description=f"Source actor: {ACTOR_RULE}", **TEXT)] = None,
    recipient: Annotated[str | None, Query(description=f"Target actor: {ACTOR_RULE}", **TEXT)] = None,
    type: Annotated[EventType | None, Query(description="PLOVER event type.")] = None,
    quad: Annotated[int | None, Query(ge=1, le=4, description="Quad class 1-4.")] = None,
    since: Day = None, until: Day = None,
    outlet: Annotated[str | None, Query(description="Outlet name contains this.", **TEXT)] = None,
    negated: Annotated[bool | None, Query(description="Only negated (true) or only affirmed (false).")] = None,
    hypothetical: Annotated[bool | None, Query(description="Only hypothetical or only factual.")] = None,
    article: Annotated[str | None, Query(description="Only events of this article id.", **TEXT)] = None,
    q: Annotated[str | None, Query(description="The sentence contains this text.", **TEXT)] = None,
    limit: Limit = 100, offset: Offset = 0,
    min_killed: Annotated[int | None, Query(ge=0, le=10**9, description="At least this many killed.")] = None,
    min_injured: Annotated[int | None, Query(ge=0, le=10**9, description="At least this many injured.")] = None,
    min_arrested: Annotated[int | None, Query(ge=0, le=10**9, description="At least this many arrested.")] = None,
    min_confidence: Annotated[float, Query(
        ge=0, le=1, description="Leave out events below this confidence (default: doubtful events hidden; 0: all)."
    )] = DOUBTFUL_CONFIDENCE,
) -> Filters:
    return Filters(actor=actor or None, recipient=recipient or None, type=type.value if type else None, quad=quad,
                   since=since or None, until=until or None, outlet=outlet or None, negated=negated,
                   hypothetical=hypothetical, article=article or None, search=q or None, limit=limit, offset=offset,
                   min_killed=min_killed, min_injured=min_injured, min_arrested=min_arrested,
                   min_confidence=min_confidence)


EventFilters = Annotated[Filters, Depends(event_filters)]
