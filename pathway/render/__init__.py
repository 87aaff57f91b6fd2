"""Diagrams drawn from the model: a pure graph view of a pathway (:mod:`~pathway.render.graph`), deterministic DOT
through graphviz (:mod:`~pathway.render.dot`), a trail drawn over it (:mod:`~pathway.render.overlay`), Mermaid
(:mod:`~pathway.render.mermaid`), and writing or checking the committed ``diagrams/`` (:mod:`~pathway.render.diagrams`).
"""
