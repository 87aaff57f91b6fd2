"""The command-line interface: a thin layer over the library. :func:`main` parses arguments, calls the library,
prints its result objects and returns the exit code; library errors become messages here, at the edge.
"""

from pathway.cli.main import main

__all__ = ["main"]
