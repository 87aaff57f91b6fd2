"""Sealing a record into the chain: its hash (sha256 of its canonical JSON without ``hash``) and its canonical line,
worked out from the record's values directly, each value written once by the encoder in use
(:mod:`pathway.trail.encode`).

Per record class, a sealer is generated once from its layout (as :mod:`pathway.trail.writers` generates writers,
from our models' field names, never user text): one function that reads each field's value (or its default), writes
the record's data, hashes it, makes the line and builds the record, with no loop through generic code. With orjson
the data is written in one pass, the hash's place held by a NUL byte (an orjson ``Fragment``; orjson writes NUL
nowhere else: in a string it is ``\\u0000``): the hash is that of the output with the member cut out, the line the
output with the hash in its place. With the standard library (which cannot hold a place so) the keys before
``hash`` and those after it are written once each and joined, for the hash and for the line.

:func:`seal_values` builds the sealed record from the values the engine made without validating them again (as
:func:`pathway.trail.plain.trusted` does), as the engine's hot path needs; :func:`seal_line` seals a record already
built. Both give exactly the record and the line that validating the values, ``model_dump`` and ``json.dumps``
give: a test checks it on every record of every bundled and fixture trail, with either encoder.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from pydantic import BaseModel

from pathway.trail.encode import Unwritable, dumps
from pathway.trail.plain import BUILD, Layout, Slot, building, layout, ordered
from pathway.trail.writers import BACKEND, EXPRESSIONS, STD, Backend, compiled

R = TypeVar("R", bound=BaseModel)
Sealer = Callable[[Mapping[str, Any], set[str], Backend], tuple[Any, str]]


def _joined(left: bytes, right: bytes) -> bytes:
    """Two canonical JSON objects whose keys sort apart, as one (``{"a":1}`` and ``{"b":2}``: ``{"a":1,"b":2}``)."""
    if left == b"{}":
        return right
    if right == b"{}":
        return left
    return left[:-1] + b"," + right[1:]


def _data(name: str, slots: list[Slot], indent: str) -> list[str]:
    """The lines that make dict ``name``, the data of these fields as the encoder writes it, from their locals."""
    direct = [s for s in slots if s.shape == "same" and not s.optional]
    lines = [f"{name} = {{" + ", ".join(f"{s.key!r}: f_{s.name}" for s in direct) + "}"]
    for s in slots:
        if s in direct:
            continue
        lines += [f"v = f_{s.name}", "if v is not None:", f"    {name}[{s.key!r}] = {EXPRESSIONS[s.shape]}"]
        if not s.optional:
            lines += ["else:", f"    {name}[{s.key!r}] = None"]
    return [indent + line for line in lines]


def _source(name: str, found: Layout) -> str:
    """The source of the sealer of a record class: ``(given, fields_set, backend) -> (record, line)``."""
    fields = [s for s in found.slots if s.name != "hash"]
    lines = [f"def {name}(g, fields_set, backend):"]
    for s in fields:
        if s.required:
            lines.append(f"    f_{s.name} = g[{s.name!r}]")
        else:
            lines.append(f"    f_{s.name} = g.get({s.name!r}, D_{s.name})")
    before = any(not s.optional for s in fields if s.key < "hash")
    after = any(not s.optional for s in fields if s.key > "hash")
    # neither half (the keys before hash, those after it) is ever {}: the hash always follows a member
    hashed = "out.replace(b',\"hash\":\\x00', b'', 1)" if before and after else "CUT(out)"
    lines += [
        "    name, number, dumps, hole = backend",
        "    if hole is not None:  # one pass: the hash's place held by a byte the encoder never writes",
        *_data("d", fields, "        "),
        "        d['hash'] = hole",
        "        out = dumps(d)",
        f"        sha = H({hashed}).hexdigest()",
        "        line = out.decode().replace('\\x00', f'\"{sha}\"', 1)",
        "    else:  # the keys before hash and those after it, each written once",
        *_data("b", [s for s in fields if s.key < "hash"], "        "),
        *_data("a", [s for s in fields if s.key > "hash"], "        "),
        "        B = dumps(b)",
        "        A = dumps(a)",
        "        sha = H(J(B, A)).hexdigest()",
        "        line = J(J(B, b'{\"hash\":\"' + sha.encode() + b'\"}'), A).decode()",
    ]
    values = ", ".join(f"{s.name!r}: {'sha' if s.name == 'hash' else 'f_' + s.name}" for s in found.slots)
    lines += [*building(f"{{{values}}}", "fields_set"), "    return m, line"]
    return "\n".join(lines) + "\n"


def _cut(out: bytes) -> bytes:
    """A canonical JSON object with its ``hash`` member (its value a NUL byte) left out."""
    for member in (b',"hash":\x00', b'"hash":\x00,', b'"hash":\x00'):
        if member in out:
            return out.replace(member, b"", 1)
    raise ValueError("no hash member")  # pragma: no cover - the sealer always writes one


def _sealer_of(cls: type[BaseModel]) -> tuple[Sealer, Layout] | None:
    found = layout(cls)
    if found is None or "hash" not in found.names:
        return None
    name = f"seal_{cls.__name__}"
    defaults = {f"D_{s.name}": s.default for s in found.slots}
    names = {"H": hashlib.sha256, "J": _joined, "CUT": _cut, "C": cls, **BUILD, **defaults}
    sealer = compiled(name, _source(name, found), **names)
    return sealer, found


_SEALERS: dict[type[BaseModel], tuple[Sealer, Layout] | None] = {}


def _sealer(kind: type[BaseModel]) -> tuple[Sealer, Layout] | None:
    if kind not in _SEALERS:
        _SEALERS[kind] = _sealer_of(kind)
    return _SEALERS[kind]


def seal_values(kind: type[R], given: Mapping[str, Any], fields_set: set[str] | None = None) -> tuple[R, str]:
    """The record of this kind holding ``given`` (by field name, every field but ``hash``; a ``hash`` given is
    replaced), sealed with its hash, and its canonical line. The values are trusted, not validated again; a field
    unknown or missing is a TypeError. ``fields_set``: the fields given explicitly (default: those in ``given``)."""
    found = _sealer(kind)
    if found is None:
        return _seal_validated(kind(**given))
    sealer, fields = found
    if not given.keys() <= fields.names:  # a field given by its file key, or unknown (TypeError)
        given = {fields.aliases.get(k, k): v for k, v in given.items()}
        ordered(kind, fields, {**given, "hash": ""})
    names = set(given) if fields_set is None else set(fields_set)
    names.add("hash")
    try:
        return _sealed(sealer, given, names)
    except KeyError:  # a field missing: TypeError
        ordered(kind, fields, {**given, "hash": ""})
        raise


def seal_line(record: R) -> tuple[R, str]:
    """The record stamped with its own hash (its ``prev`` already links it to the record before it), and its
    canonical JSON line."""
    found = _sealer(type(record))
    if found is None:
        return _seal_validated(record)
    names = set(record.model_fields_set)  # its own fields: none unknown, none missing
    names.add("hash")
    return _sealed(found[0], record.__dict__, names)


def _sealed(sealer: Sealer, given: Mapping[str, Any], names: set[str]) -> tuple[Any, str]:
    """The sealer's record and line, written by the encoder in use; by the standard library's where that one cannot
    write a value as the standard library would."""
    try:
        return sealer(given, names, BACKEND[0])
    except Unwritable:
        return sealer(given, names, STD)


def _seal_validated(record: R) -> tuple[R, str]:
    """:func:`seal_line` through pydantic, for a model without a layout."""
    data = record.model_dump(mode="json", by_alias=True)
    before = dumps({k: v for k, v in data.items() if k < "hash"}).encode("utf-8")
    after = dumps({k: v for k, v in data.items() if k > "hash"}).encode("utf-8")
    sha = hashlib.sha256(_joined(before, after)).hexdigest()
    line = _joined(_joined(before, f'{{"hash":"{sha}"}}'.encode()), after).decode("utf-8")
    return record.model_copy(update={"hash": sha}), line
