"""Running journeys: a patient's inputs through a pathway, to completion, as a sealed trail of records.

:mod:`~pathway.engine.compile` is the only module that imports python-statemachine (one chart class per pathway,
one event per transition); :mod:`~pathway.engine.selection` is the decision rule, pure (which transitions fire,
which states wait, three-valued, in document order); :mod:`~pathway.engine.execute` runs one journey and emits its
records; :mod:`~pathway.engine.runner` is the API (:class:`Runner`, :func:`run`). Reading trails back (replay,
explain) lives in :mod:`pathway.audit`, which depends on this package and not the other way round.
"""

from pathway.engine.runner import Runner, RunResult, run

__all__ = ["RunResult", "Runner", "run"]
