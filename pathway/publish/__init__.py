"""Every generated artefact, from one place: the JSON Schemas and format references generated from the models, the
documentation site's per-pathway pages, the committed example trails, the diagrams and the README overview.
``pathway generate`` writes them all and ``--check`` fails when any is stale (:mod:`~pathway.publish.artefacts`).

Publishing knows nothing of the CLI: the CLI's own reference page is handed in by the ``generate`` command.
"""
