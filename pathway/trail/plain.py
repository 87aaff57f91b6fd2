"""The trail models as plain data, without pydantic's general machinery: what the hot path of a run needs.

- :class:`Layout`: for one model class, each field's Python name, file key (its alias), whether it is left out when
  ``None`` (``exclude_if``), its default, and the shape of its value, worked out once from the annotations.
- :func:`file_dict`: a model's data as the file writes it: equal to ``model_dump(mode="json", by_alias=True)``.
- :func:`trusted`: a model built from values the engine made, without validating them again (``model_construct``
  semantics: field order, defaults, the fields set), but refusing an unknown or a missing field; each class's
  maker is generated once, and a part whose fields are all ``Literal[True]`` is one shared (frozen) instance.
- :func:`compiled`: the one place the package compiles generated code (makers here, writers and sealers in
  :mod:`pathway.trail.writers` and :mod:`pathway.trail.sealing`): from our own models' field names, never user text.

A class whose annotations this module does not know (any type beyond JSON scalars, literals, tuples, dicts and
nested models) has no layout: its callers fall back to pydantic. :mod:`pathway.trail.writers` writes models as
canonical JSON from their layouts.
"""

from __future__ import annotations

import types
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Literal, TypeVar, Union, get_args, get_origin

from pydantic import BaseModel

M = TypeVar("M", bound=BaseModel)
Plain = Callable[[Any], Any]

_SCALARS = (str, int, bool, type(None))
_MISSING = object()


@dataclass(frozen=True)
class Slot:
    """One field: Python name, file key, left out when None, required, default, its converter to what
    ``model_dump`` gives (None: as it is), and its shape for the encoder (:mod:`pathway.trail.writers`): ``same``
    (written as it is), ``number`` (a scalar that may be a float), ``numbers`` / ``number_values`` (a tuple / dict of
    them), ``model``, ``models`` / ``model_values`` (a tuple / dict of models)."""

    name: str
    key: str
    optional: bool
    required: bool
    default: Any
    plain: Plain | None
    shape: str


@dataclass(frozen=True)
class Layout:
    """A model class's fields, in declaration order."""

    slots: tuple[Slot, ...]
    names: frozenset[str]
    aliases: Mapping[str, str]  # file key -> Python name, for the fields whose names differ
    template: Mapping[str, Any]  # every field's default, in declaration order (_MISSING: required)
    required: frozenset[str]


_LAYOUTS: dict[type[BaseModel], Layout | None] = {}


def layout(cls: type[BaseModel]) -> Layout | None:
    """The layout of a model class, or None when its annotations are beyond this module."""
    if cls not in _LAYOUTS:
        _LAYOUTS[cls] = _layout_of(cls)
    return _LAYOUTS[cls]


def _layout_of(cls: type[BaseModel]) -> Layout | None:
    slots: list[Slot] = []
    for name, field in cls.model_fields.items():
        converters = _converters(field.annotation)
        left_out = field.exclude_if is not None and getattr(field.exclude_if, "__name__", "") == "absent"
        if converters is None or (field.exclude_if is not None and not left_out) or field.default_factory:
            return None
        required = field.is_required()
        default = None if required else field.default
        slots.append(Slot(name, field.alias or name, left_out, required, default, *converters))
    return Layout(
        tuple(slots),
        frozenset(s.name for s in slots),
        {s.key: s.name for s in slots if s.key != s.name},
        {s.name: _MISSING if s.required else s.default for s in slots},
        frozenset(s.name for s in slots if s.required),
    )


_TUPLES: dict[frozenset[tuple[Plain | None, str]], tuple[Plain | None, str]] = {}
_DICTS: dict[tuple[Plain | None, str], tuple[Plain | None, str]] = {}


def _converters(annotation: Any) -> tuple[Plain | None, str] | None:
    """(plain converter, shape) of a value of this annotation, or None when unknown."""
    origin, args = get_origin(annotation), get_args(annotation)
    if annotation in _SCALARS or origin is Literal:
        return None, "same"
    if annotation is float:
        return None, "number"
    if origin in (Union, types.UnionType):
        inner = {_converters(a) for a in args if a is not type(None)}
        if None in inner:
            return None
        if len(inner) == 1:
            return inner.pop()
        if inner <= {(None, "same"), (None, "number")}:  # JSON scalars, some of them floats
            return None, "number"
        return None  # a union of models and scalars
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return file_dict, "model"
    if origin is tuple:
        items = [_converters(a) for a in args if a is not Ellipsis]
        return None if None in items else _TUPLES.get(frozenset(i for i in items if i is not None))
    if origin is dict and args and args[0] is str:
        value = _converters(args[1])
        return None if value is None else _DICTS.get(value)
    return None


def _each(values: Any) -> list[Any]:
    return [file_dict(v) for v in values]


def _values(values: Mapping[str, Any]) -> dict[str, Any]:
    return {k: file_dict(v) for k, v in values.items()}


def file_dict(model: BaseModel) -> dict[str, Any]:
    """The model's data as the file writes it: file keys, optional fields left out when None, tuples as lists;
    equal to ``model.model_dump(mode="json", by_alias=True)``, keys in the same order."""
    found = layout(type(model))
    if found is None:
        return model.model_dump(mode="json", by_alias=True)
    values = model.__dict__
    data: dict[str, Any] = {}
    for slot in found.slots:
        value = values[slot.name]
        if value is None:
            if not slot.optional:
                data[slot.key] = None
        else:
            data[slot.key] = value if slot.plain is None else slot.plain(value)
    return data


_TUPLES.update(
    {
        frozenset({(None, "same")}): (list, "same"),
        frozenset({(None, "number")}): (list, "numbers"),
        frozenset({(None, "same"), (None, "number")}): (list, "numbers"),
        frozenset({(file_dict, "model")}): (_each, "models"),
    }
)
_DICTS.update(
    {
        (None, "same"): (dict, "same"),
        (None, "number"): (dict, "number_values"),
        (file_dict, "model"): (_values, "model_values"),
    }
)


def build(cls: type[M], values: dict[str, Any], fields_set: set[str]) -> M:
    """An instance of ``cls`` holding ``values`` (every field, in declaration order) as they are, as
    ``model_construct`` builds one."""
    model = cls.__new__(cls)
    object.__setattr__(model, "__dict__", values)
    object.__setattr__(model, "__pydantic_fields_set__", fields_set)
    object.__setattr__(model, "__pydantic_extra__", None)
    object.__setattr__(model, "__pydantic_private__", None)
    return model


BUILD: Mapping[str, Any] = {
    "new": object.__new__,
    "S": object.__setattr__,
    "FIELDS_SET": vars(BaseModel)["__pydantic_fields_set__"].__set__,
    "EXTRA": vars(BaseModel)["__pydantic_extra__"].__set__,
    "PRIVATE": vars(BaseModel)["__pydantic_private__"].__set__,
}
"""What generated code builds a model with: what :func:`build` sets, set through the slots' own descriptors."""


def building(values: str, fields_set: str) -> list[str]:
    """The lines of a generated function's body that make ``m``, an instance of ``C`` holding the dict ``values``
    with ``fields_set`` its fields set (both Python expressions): what :func:`build` does, with :data:`BUILD`."""
    return [
        "    m = new(C)",
        f"    S(m, '__dict__', {values})",
        f"    FIELDS_SET(m, {fields_set})",
        "    EXTRA(m, None)",
        "    PRIVATE(m, None)",
    ]


def compiled(name: str, source: str, label: str, names: Mapping[str, Any]) -> Any:
    """The function ``name`` defined by ``source``, which sees ``names``. The one place the package compiles code:
    source generated from our own models' field names and file keys, never from user text."""
    namespace = dict(names)
    exec(compile(source, f"<{label} {name}>", "exec"), namespace)
    return namespace[name]


def ordered(cls: type[BaseModel], found: Layout, given: Mapping[str, Any]) -> tuple[dict[str, Any], set[str]]:
    """Every field's value in declaration order (the one given, by name or by file key, else its default), and the
    names of the fields given. TypeError for a field unknown or missing: trusted values skip validation, not the
    check that they fit."""
    if found.aliases and not given.keys() <= found.names:
        given = {found.aliases.get(k, k): v for k, v in given.items()}
    values = dict(found.template)
    values.update(given)
    if len(values) != len(found.template):
        unknown = sorted(k for k in given if k not in found.names)
        raise TypeError(f"{cls.__name__}: unknown field(s) {', '.join(unknown)}")
    if not found.required <= given.keys():
        missing = sorted(s.key for s in found.slots if s.name in found.required.difference(given))
        raise TypeError(f"{cls.__name__}: missing field(s) {', '.join(missing)}")
    return values, set(given)


def trusted(cls: type[M], **given: Any) -> M:
    """A model built from values the engine made, not validated again: the engine's values already have the types
    the model declares (a test checks that every record of every bundled and fixture trail equals the validated
    one). Validates, as usual, a class without a layout. Each class's maker is generated once from its layout: it
    reads each field (or its default) into the model's dict in declaration order, and falls back to
    :func:`ordered` (aliases, or a TypeError) for a field given by its file key, unknown or missing."""
    maker = _MAKERS.get(cls)
    if maker is None:
        maker = _MAKERS[cls] = _maker(cls)
    return maker(given)  # type: ignore[no-any-return]


_MAKERS: dict[type[BaseModel], Callable[[dict[str, Any]], Any]] = {}


def _always_true(annotation: Any) -> bool:
    """Whether a field's annotation is ``Literal[True]``."""
    args = get_args(annotation)
    return get_origin(annotation) is Literal and len(args) == 1 and args[0] is True


def _maker(cls: type[M]) -> Callable[[dict[str, Any]], M]:
    found = layout(cls)
    if found is None:
        return lambda given: cls(**given)

    def slow(given: dict[str, Any]) -> M:
        values, fields_set = ordered(cls, found, given)
        return build(cls, values, fields_set)

    name = f"make_{cls.__name__}"
    values = ", ".join(
        f"{s.name!r}: g[{s.name!r}]" if s.required else f"{s.name!r}: g.get({s.name!r}, D_{s.name})"
        for s in found.slots
    )
    flags = [n for n, f in cls.model_fields.items() if _always_true(f.annotation)]
    only = None
    if len(flags) == len(found.slots):  # every field always true (ReadUnknown): one instance serves every call
        only = build(cls, dict.fromkeys(flags, True), set(flags))
    source = "\n".join(
        [
            f"def {name}(g):",
            *(
                [f"    if len(g) == {len(flags)} and " + " and ".join(f"g.get({n!r}) is True" for n in flags) + ":"]
                + ["        return ONLY"]
                if only is not None
                else []
            ),
            "    if not g.keys() <= NAMES:",
            "        return SLOW(g)",
            "    try:",
            f"        values = {{{values}}}",
            "    except KeyError:",
            "        return SLOW(g)",
            *building("values", "set(g)"),
            "    return m",
        ]
    )
    defaults = {f"D_{s.name}": s.default for s in found.slots}
    names = {**BUILD, **defaults, "C": cls, "NAMES": found.names, "SLOW": slow, "ONLY": only}
    return compiled(name, source + "\n", "maker", names)  # type: ignore[no-any-return]
