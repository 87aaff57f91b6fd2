"""Reading the files people write: the safe YAML 1.2 reader that keeps the line and column of every key and value
(:mod:`~pathway.source.reader`), locating a document path as a diagnostic with its caret span
(:mod:`~pathway.source.locate`), and turning pydantic's errors into a designer's words
(:mod:`~pathway.source.schema_errors`).

Nothing else in pathway reads raw YAML: definitions, journeys and scenarios all come through here.
"""
