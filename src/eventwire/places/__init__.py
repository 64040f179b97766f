"""Places: offline geoparsing of articles and event locations.

``PlaceStage`` fills ``article.places`` from the parse and the offline GeoNames
gazetteer (built once from installed packages into memory-mapped Arrow files, see
:mod:`eventwire.places.gazetteer` and :mod:`eventwire.places.builder`);
``EventLocationStage`` runs after the events stage and gives each event the
place its own clause names, or one it inherits from its sentence or through
"there"/"in the city" (marked ``inherited``), never the article's main place.
"""

from eventwire.places.gazetteer import Candidate, Gazetteer
from eventwire.places.locations import EventLocationStage
from eventwire.places.stage import PlaceStage

__all__ = ["Candidate", "EventLocationStage", "Gazetteer", "PlaceStage"]
