"""Helpers the test modules share (test modules never import one another).

- :mod:`support.cli`: the ``eventwire`` command and a runner for it.
- :mod:`support.web`: a hand-built store and a live ``eventwire serve``; Chromium for the browser tests.
- :mod:`support.trust`: stores with the records the filter, export and id tests need.
- :mod:`support.watch`: a local site of feeds and articles for the watcher.
- :mod:`support.runs`: corpora for interrupted runs and a runner that kills one.
- :mod:`support.hostile`: articles full of injection payloads, for the security tests.
"""
