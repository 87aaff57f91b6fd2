"""The audit trail as data: its records, canonical JSON, the per-record hash chain, atomic writing, reading back
with every problem located at its line, and verifying the chain.

This package knows nothing of the engine: the engine writes trails through it and :mod:`pathway.audit` reads them.
The format is documented in ``docs/reference/trail.md``.
"""
