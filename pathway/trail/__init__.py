"""The audit trail as data: its records as typed models (:mod:`~pathway.trail.records`, built from the parts in
:mod:`~pathway.trail.parts`), canonical JSON, the per-record hash chain, atomic writing, reading back with every
problem located at its line, and verifying the chain (:mod:`~pathway.trail.io`).

This package knows nothing of the engine: the engine writes trails through it and :mod:`pathway.audit` reads them.
The format is documented in ``docs/reference/trail.md`` and ``schema/trail.schema.json``, both generated from the
models.
"""
