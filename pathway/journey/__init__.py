"""A patient's journey: the file format (:mod:`~pathway.journey.model`: YAML, or JSONL with one event a line) and
its checking against one pathway's fact dictionary, events and actions (:mod:`~pathway.journey.check`), every
problem located at the offending key or value, values never coerced.
"""
