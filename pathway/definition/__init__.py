"""A pathway definition: the format (:mod:`~pathway.definition.model`, pydantic), the flat index of its state tree
(:mod:`~pathway.definition.index`), the whole-file checks that compile its guards
(:mod:`~pathway.definition.analysis`), its content hash (:mod:`~pathway.definition.canonical`), the finite domains
of its facts (:mod:`~pathway.definition.domains`), finding and loading definition files
(:mod:`~pathway.definition.loader`) and the ``pathway show`` summary (:mod:`~pathway.definition.summary`).

Every other package reads the validated model from here, never the YAML.
"""
