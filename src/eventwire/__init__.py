"""eventwire: news articles in, political event data out.

The JSON contract is :mod:`eventwire.model`; the pipeline is assembled in
:mod:`eventwire.pipeline`. For a quick start::

    from eventwire.pipeline import Pipeline
    from eventwire.model import Article

    article = Pipeline()(Article(id="1", text="Iran accused Israel of ...", published="2020-01-01"))
"""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("eventwire")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0"
