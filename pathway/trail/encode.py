"""Canonical JSON, byte for byte what ``json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False,
allow_nan=False)`` writes, made faster.

:func:`std_writer` is the standard library's C encoder with these options, made once instead of once per call
(:func:`dumps` is one, for any data). :func:`orjson_writer` writes with orjson, when it is installed (``pip install
'pathway[fast]'``): orjson writes strings, integers, ``true``/``false``/``null``, arrays and sorted objects as the
standard library does, but floats otherwise (``1e16`` for ``1e+16``), so the data it is given must have each float
marked by :func:`orjson_number` (written as Python writes it, its ``repr``; a non-finite one refused as the standard
library refuses it); whatever orjson cannot write as the standard library would (an integer beyond 64 bits, a
surrogate, a key that is not text, a subclass of a built-in type) raises :class:`Unwritable`, and the caller writes
it with the standard library. ``PATHWAY_JSON=std`` in the environment turns orjson off (:func:`orjson_wanted`).
"""

from __future__ import annotations

import json
import math
import os
from collections.abc import Callable
from json import encoder as _json_encoder
from typing import Any

try:
    import orjson as _orjson
except ImportError:  # pragma: no cover - depends on the installation
    _orjson = None  # type: ignore[assignment]


_c_make_encoder = getattr(_json_encoder, "c_make_encoder", None)


def std_writer(default: Callable[[Any], Any]) -> Callable[[Any], str]:
    """The standard library's C encoder with these options, made once (``json.dumps`` makes one per call), calling
    ``default`` for an object it does not know. Check_circular is off: the encoder is shared between calls (its
    markers would be too), and the data written has no cycles (it is a tree of records)."""
    if _c_make_encoder is None:  # pragma: no cover - CPython has the C encoder

        def write(data: Any) -> str:
            return json.dumps(
                data, default=default, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
            )

        return write
    encode = _c_make_encoder(None, default, _json_encoder.encode_basestring, None, ":", ",", True, False, False)
    return lambda data: "".join(encode(data, 0))


def refuse(value: object) -> object:
    """What the standard library does with an object it does not know."""
    raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")


dumps = std_writer(refuse)
"""The canonical JSON of any data: sorted keys, no spaces, UTF-8 as is; ValueError on NaN or infinity."""


class Unwritable(Exception):
    """orjson refused data that the standard library may write (or refuse) its own way: write it again, unmarked,
    with the standard library."""


def same(value: Any) -> Any:
    """The standard library's float mark: none."""
    return value


HAS_ORJSON = _orjson is not None and hasattr(_orjson, "Fragment")  # orjson 3.10 and later


def orjson_writer(default: Callable[[Any], Any]) -> Callable[[Any], bytes]:
    """orjson with the canonical options, calling ``default`` for an object it does not know (and for a subclass
    of a built-in type, a date, a dataclass: it would write them otherwise than the standard library); raises
    :class:`Unwritable` for what it cannot write."""
    assert _orjson is not None
    options = (
        _orjson.OPT_SORT_KEYS
        | _orjson.OPT_PASSTHROUGH_SUBCLASS
        | _orjson.OPT_PASSTHROUGH_DATETIME
        | _orjson.OPT_PASSTHROUGH_DATACLASS
    )
    orjson_dumps = _orjson.dumps

    def write(data: Any) -> bytes:
        try:
            return orjson_dumps(data, default=default, option=options)
        except TypeError:  # orjson.JSONEncodeError
            raise Unwritable from None

    return write


def orjson_number(value: Any) -> Any:
    """A float marked for orjson: written as Python writes it (``repr``); a non-finite one refused as the standard
    library refuses it (orjson would write ``null``)."""
    if isinstance(value, float):
        if not math.isfinite(value):
            dumps([value])
        assert _orjson is not None
        return _orjson.Fragment(float.__repr__(value))
    return value


def orjson_hole() -> Any:
    """What orjson writes as a NUL byte, as it is: a byte it never writes otherwise (in a string it is escaped,
    ``\\u0000``), so that its place in the output is found without doubt."""
    assert _orjson is not None
    return _orjson.Fragment(b"\x00")


def orjson_wanted() -> bool:
    """Whether to write with orjson: it is installed, and ``PATHWAY_JSON=std`` is not set."""
    return HAS_ORJSON and os.environ.get("PATHWAY_JSON") != "std"
