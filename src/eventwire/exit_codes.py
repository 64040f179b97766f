"""The command line's exit codes, in a module of their own so that every command module (``eventwire.cli``, the
query commands in ``eventwire.cli_queries`` it imports, the ``kb`` commands of ``eventwire.actors.cli``) uses the
same numbers without importing ``eventwire.cli``.

0 success (documents that failed are reported and stored as failures, the rest of the batch succeeds); 1 an
unexpected internal error; 2 a usage or user error (bad path, bad filter, database in use), reported in one line;
3 nothing could be processed (every document failed).
"""

from __future__ import annotations

EXIT_OK = 0
EXIT_INTERNAL = 1
EXIT_USER = 2
EXIT_NOTHING = 3
