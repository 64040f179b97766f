"""``python -m eventwire.places.build [--min-population N]``: build the places gazetteer ahead of time
(``make gazetteer``, ``make test``) into the user cache directory and say where it went.

The building itself is :mod:`eventwire.places.builder`; this entry point opens the gazetteer the way the places
stage does, so it builds only what is missing or stale.
"""

from __future__ import annotations

import argparse

from eventwire.places.gazetteer import Gazetteer
from eventwire.places.tables import DEFAULT_MIN_POPULATION


def main() -> None:
    parser = argparse.ArgumentParser(description="Build the places gazetteer into the user cache directory.")
    parser.add_argument("--min-population", type=int, default=DEFAULT_MIN_POPULATION)
    args = parser.parse_args()
    gazetteer = Gazetteer(args.min_population)
    state = "already built" if gazetteer.from_cache else "built"
    print(f"gazetteer {state}: {gazetteer.size['places']:,} places, {gazetteer.size['names']:,} names in "
          f"{gazetteer.path} ({gazetteer.load_seconds:.1f} s)")


if __name__ == "__main__":
    main()
