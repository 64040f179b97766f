"""Event magnitudes: how many were killed, injured, arrested, detained, kidnapped, missing, displaced, and
how many took part in a protest, read from the text with the span that says so.

The stage runs after the events stage. Sentence by sentence it finds the words that state a magnitude
(``data/magnitudes_predicates.tsv``: "killed", "were arrested", "12 dead", "death toll", "3,000
protesters") and, through the dependency parse, the people they count: the object of an active verb (so in
"the three attackers killed at least 19 people" the attackers are not counted), the subject of a passive
one, what an adjective says of ("left 12 dead"), the number or "of" phrase of a noun, the figure a toll
"rose to". The count is read from digits and number words (``data/magnitudes_numbers.tsv``: "2,500",
"1.2 million", "a dozen", "dozens" = at least 24), its qualifiers (``data/magnitudes_modifiers.tsv``: "at
least", "more than"), conjoined groups ("two soldiers and a civilian" = 3; "Khaleda Yasmin and nine other
activists" = 10) and "no one" (0). Nouns that are never people ("vehicles", "rounds", "years",
``data/magnitudes_counters.tsv``) give no count; counts under "could", "threatened to" are not facts.

Each count attaches to the event it belongs to (``data/magnitudes_links.tsv``): an event of a fitting
type in the same sentence (the one above the casualty clause in the parse first: "gunmen attacked a bus,
killing 12"), else in the sentence before, else a new ASSAULT whose trigger is the casualty word when the
harm comes from violence (``data/magnitudes_cues.tsv``), else one in the next sentence. Accidents and
disasters (floods, crashes) give no magnitude and never an ASSAULT. Each event keeps one magnitude per
kind: a toll ("bringing the death toll to six") wins, else the largest count plus counts marked as
additional ("another two"), so a repeated figure is not counted twice.
"""

from __future__ import annotations

from eventwire.events.magnitudes.lexicon import KINDS, MagnitudeLexicon, default_lexicon
from eventwire.events.magnitudes.numbers import NumberReader
from eventwire.events.magnitudes.reader import MagnitudeReader
from eventwire.events.magnitudes.stage import MagnitudeStage, event_magnitude, resolve

__all__ = ["KINDS", "MagnitudeLexicon", "MagnitudeReader", "MagnitudeStage", "NumberReader", "default_lexicon",
           "event_magnitude", "resolve"]
