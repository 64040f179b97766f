"""Knowledge of the world that several stages read and none owns.

- :mod:`eventwire.knowledge.countries`: every country's names, aliases, demonyms and capitals
  (``data/countries.tsv``: the actors stage's country entities, the places gazetteer's country names, the
  case restorer's proper names) and its GeoNames id and centroid (``data/country_points.tsv``: the places
  stage's country points and ISO2 codes).
- :mod:`eventwire.knowledge.agents`: agent nouns ("officials", "militants", "the newspaper", "a statement")
  with their sector, type, role family, title flag, party flag and speaker class (``data/agent_nouns.tsv``:
  the actors stage's descriptions and titles, the event coder's generic party nouns, the quote stage's
  speaker nouns), so a noun has one sector in every stage.
- :mod:`eventwire.knowledge.sectors`: PLOVER's sector codes, the vocabulary of every output, and the CAMEO agent
  codes they are read from (a user's CAMEO dictionaries) and written back as (the GDELT export)
  (``data/sectors.tsv``: CAMEO's MED is PLOVER's JRN, CAMEO's HLH PLOVER's MED).

Each data file starts with comment lines saying what it holds and its format. A stage keeps in its own
``data/`` only what is about its own task.
"""
