"""Sealing a record into the chain: its hash (sha256 of its canonical JSON without ``hash``) and its canonical line,
worked out from the record's values directly: the keys before ``hash`` and those after it are written once each,
for the hash and for the line, by the encoder in use (:mod:`pathway.trail.encode`).

:func:`seal_values` builds the sealed record from the values the engine made without validating them again (as
:func:`pathway.trail.plain.trusted` does), as the engine's hot path needs; :func:`seal_line` seals a record already
built. Both give exactly the record and the line that validating the values, ``model_dump`` and ``json.dumps``
give: a test checks it on every record of every bundled and fixture trail, with either encoder.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

from pydantic import BaseModel

from pathway.trail.encode import Unwritable, dumps
from pathway.trail.plain import Layout, build, layout, ordered
from pathway.trail.writers import BACKEND, STD, Backend, Values, values_writer

R = TypeVar("R", bound=BaseModel)


@dataclass(frozen=True)
class _Sealable:
    """A record class's layout, and its fields whose file keys sort before ``hash`` and after it."""

    layout: Layout
    before: Values
    after: Values


_SEALABLE: dict[type[BaseModel], _Sealable | None] = {}


def _sealable(cls: type[BaseModel]) -> _Sealable | None:
    if cls not in _SEALABLE:
        found = layout(cls)
        _SEALABLE[cls] = None
        if found is not None and "hash" in found.names:
            before = values_writer((s for s in found.slots if s.key < "hash"), f"{cls.__name__}_before")
            after = values_writer((s for s in found.slots if s.key > "hash"), f"{cls.__name__}_after")
            _SEALABLE[cls] = _Sealable(found, before, after)
    return _SEALABLE[cls]


def _joined(left: bytes, right: bytes) -> bytes:
    """Two canonical JSON objects whose keys sort apart, as one (``{"a":1}`` and ``{"b":2}``: ``{"a":1,"b":2}``)."""
    if left == b"{}":
        return right
    if right == b"{}":
        return left
    return left[:-1] + b"," + right[1:]


def _written(sealable: _Sealable, values: Mapping[str, Any], backend: Backend) -> tuple[bytes, bytes]:
    before = backend.dumps(sealable.before(values, backend.number))
    return before, backend.dumps(sealable.after(values, backend.number))


def seal_values(kind: type[R], given: Mapping[str, Any], fields_set: set[str] | None = None) -> tuple[R, str]:
    """The record of this kind holding ``given`` (by field name, every field but ``hash``; a ``hash`` given is
    replaced), sealed with its hash, and its canonical line. The values are trusted, not validated again; a field
    unknown or missing is a TypeError. ``fields_set``: the fields given explicitly (default: those in ``given``)."""
    sealable = _sealable(kind)
    if sealable is None:
        return _seal_validated(kind(**given))
    values, names = ordered(kind, sealable.layout, {**given, "hash": ""})  # a field unknown or missing: TypeError
    backend = BACKEND[0]
    try:
        before, after = _written(sealable, values, backend)
    except Unwritable:
        before, after = _written(sealable, values, STD)
    sha = hashlib.sha256(_joined(before, after)).hexdigest()
    line = _joined(_joined(before, b'{"hash":"' + sha.encode("ascii") + b'"}'), after)
    values["hash"] = sha
    if fields_set is not None:
        names = fields_set | {"hash"}
    return build(kind, values, names), line.decode("utf-8")


def seal_line(record: R) -> tuple[R, str]:
    """The record stamped with its own hash (its ``prev`` already links it to the record before it), and its
    canonical JSON line."""
    if _sealable(type(record)) is None:
        return _seal_validated(record)
    return seal_values(type(record), record.__dict__, set(record.model_fields_set))


def _seal_validated(record: R) -> tuple[R, str]:
    """:func:`seal_line` through pydantic, for a model without a layout."""
    data = record.model_dump(mode="json", by_alias=True)
    before = dumps({k: v for k, v in data.items() if k < "hash"}).encode("utf-8")
    after = dumps({k: v for k, v in data.items() if k > "hash"}).encode("utf-8")
    sha = hashlib.sha256(_joined(before, after)).hexdigest()
    line = _joined(_joined(before, f'{{"hash":"{sha}"}}'.encode()), after).decode("utf-8")
    return record.model_copy(update={"hash": sha}), line
