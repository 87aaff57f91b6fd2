"""Writing the trail's models as canonical JSON, fast: per model class, a writer generated once from its layout.

A writer turns a model's values into what the encoder writes: file keys, optional fields left out when None,
nested models turned likewise, tuples kept (written as JSON arrays all the same), and each value that may be a float
marked by the backend (:mod:`pathway.trail.encode`: orjson writes a float otherwise than Python). Its source is
generated from the model's field names and file keys (the package's own models; never user text) and compiled once
per class (:func:`pathway.trail.plain.compiled`): a field costs one line, not a loop through generic code. A model
whose values are all written as they are, under their own names, is written as its own ``__dict__``. A class
without a layout is written from ``model_dump``.

:class:`Backend` pairs a float mark with an encoder: :data:`ORJSON` when orjson is installed (and
``PATHWAY_JSON=std`` is not set), else :data:`STD`; :data:`BACKEND` holds the one in use.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any, NamedTuple

from pydantic import BaseModel

from pathway.trail.encode import (
    HAS_ORJSON,
    Unwritable,
    dumps,
    orjson_hole,
    orjson_number,
    orjson_wanted,
    orjson_writer,
    refuse,
    same,
)
from pathway.trail.plain import Slot, layout
from pathway.trail.plain import compiled as plain_compiled

Number = Callable[[Any], Any]
Values = Callable[[Mapping[str, Any], Number], dict[str, Any]]
Writer = Callable[[Any, Number], dict[str, Any]]

EXPRESSIONS = {
    "same": "v",
    "number": "number(v) if isinstance(v, float) else v",
    "numbers": "v if number is same else [number(x) if isinstance(x, float) else x for x in v]",
    "number_values": "v if number is same else {k: number(x) if isinstance(x, float) else x for k, x in v.items()}",
    "model": "W[type(v)](v, number)",
    "models": "[W[type(x)](x, number) for x in v]",
    "model_values": "{k: W[type(x)](x, number) for k, x in v.items()}",
}


def _source(name: str, slots: Iterable[Slot], *, model: bool) -> str:
    """The source of a writer of these fields: of a model (``model``), or of its values."""
    slots = tuple(slots)
    direct = [s for s in slots if s.shape == "same" and not s.optional]
    lines = [f"def {name}({'m' if model else 'd'}, number):"]
    if model:
        lines.append("    d = m.__dict__")
    lines.append("    data = {" + ", ".join(f"{s.key!r}: d[{s.name!r}]" for s in direct) + "}")
    for s in slots:
        if s in direct:
            continue
        lines += [
            f"    v = d[{s.name!r}]",
            "    if v is not None:",
            f"        data[{s.key!r}] = {EXPRESSIONS[s.shape]}",
        ]
        if not s.optional:
            lines += ["    else:", f"        data[{s.key!r}] = None"]
    lines.append("    return data")
    return "\n".join(lines) + "\n"


def compiled(name: str, source: str, **names: Any) -> Any:
    """The function ``name`` defined by ``source`` (generated from our models' field names, never user text), which
    sees the writers (``W``), the standard library's float mark (``same``) and ``names``."""
    return plain_compiled(name, source, "writer", {"W": WRITERS, "same": same, **names})


def values_writer(slots: Iterable[Slot], name: str) -> Values:
    """A writer of these fields from a values dict (field name -> value), for a record not built yet."""
    return compiled(name, _source(name, slots, model=False))  # type: ignore[no-any-return]


class _Writers(dict[type, Writer]):
    """Each class's writer, made the first time it is needed."""

    def __missing__(self, cls: type) -> Writer:
        found = layout(cls) if isinstance(cls, type) and issubclass(cls, BaseModel) else None
        writer: Writer
        if found is not None and all(s.shape == "same" and not s.optional and s.key == s.name for s in found.slots):
            writer = _own_dict
        elif found is not None:
            writer = compiled(cls.__name__, _source(cls.__name__, found.slots, model=True))
        elif isinstance(cls, type) and issubclass(cls, BaseModel):
            writer = _from_dump
        else:
            writer = _refused
        self[cls] = writer
        return writer


def _own_dict(model: BaseModel, number: Number) -> Any:
    """The writer of a model whose values are all written as they are, under their own names: its ``__dict__``
    (which holds its fields alone, in order) is what the encoder writes; the encoder only reads it."""
    return model.__dict__


def _from_dump(model: BaseModel, number: Number) -> Any:
    return _marked(model.model_dump(mode="json", by_alias=True), number)


def _refused(value: Any, number: Number) -> Any:
    return refuse(value)


def _marked(data: Any, number: Number) -> Any:
    if isinstance(data, dict):
        return {k: _marked(v, number) for k, v in data.items()}
    if isinstance(data, list):
        return [_marked(v, number) for v in data]
    return number(data)


WRITERS = _Writers()


def encodable(model: BaseModel, number: Number = same) -> dict[str, Any]:
    """The model's data as the encoder writes it: like ``model_dump(mode="json", by_alias=True)``, with tuples kept
    and each float marked by ``number``."""
    return WRITERS[type(model)](model, number)


class Backend(NamedTuple):
    """How models are written as canonical JSON: the float mark, the encoder (UTF-8 bytes; it raises
    :class:`~pathway.trail.encode.Unwritable` when it cannot write as the standard library would), and a value
    the encoder writes as a NUL byte, which it never writes otherwise (None: it has none)."""

    name: str
    number: Number
    dumps: Callable[[Any], bytes]
    hole: Any = None


def _std_dumps(data: Any) -> bytes:
    return dumps(data).encode("utf-8")


STD = Backend("std", same, _std_dumps)
"""The standard library's encoder (floats need no mark)."""
ORJSON = Backend("orjson", orjson_number, orjson_writer(refuse), orjson_hole()) if HAS_ORJSON else None
"""orjson, when it is installed."""
BACKEND: list[Backend] = [ORJSON if ORJSON is not None and orjson_wanted() else STD]
"""The backend in use (a one-element list, so that a test can swap it with :func:`using`)."""


def using(backend: Backend) -> Backend:
    """Write with ``backend`` from now on; returns the one in use before."""
    before = BACKEND[0]
    BACKEND[0] = backend
    return before


def write(model: BaseModel) -> str:
    """The canonical JSON of a model, by the backend in use."""
    backend = BACKEND[0]
    try:
        return backend.dumps(encodable(model, backend.number)).decode("utf-8")
    except Unwritable:
        return STD.dumps(encodable(model)).decode("utf-8")
