"""Designer scenarios (``pathway test``): the scenario format (:mod:`~pathway.scenarios.model`), running them with
expectations after each step (:mod:`~pathway.scenarios.run`), state, transition and guard-outcome coverage
(:mod:`~pathway.scenarios.coverage`), and model-based generation of scenarios for what no scenario reaches
(:mod:`~pathway.scenarios.generate`).
"""
