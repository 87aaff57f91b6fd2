"""The version of pathway, in one place: the package metadata, the CLI's ``--version`` and every trail header."""

__version__ = "0.1.0"
