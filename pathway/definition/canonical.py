"""Canonical JSON and content hashes: what makes a definition 'the same' for replay and audit.

The hash is taken over the validated model, not the file bytes: comments, key order and YAML style do not change
it; any change of meaning does. Keys are sorted, defaults are written out, separators are fixed, with one
exception: each map of sibling states (a pathway's ``states``, a state's ``states``) keeps its document order, which
has meaning (which region's transitions a microstep takes first, which state's ``due`` a shared recommendation
keeps). The JSON so written is a pathway still: it reads back as the same definition, in the same order.

Trails written before this rule (``pathway-trail/1``) name their pathway by its **legacy** hash, taken with every key
sorted, so that two definitions that differ only in the order of sibling states had the same one; replay reproduces
such a trail by that rule (:func:`legacy_sha256_of`), and a pin or a lookup by hash accepts either
(:meth:`~pathway.definition.analysis.Analysis.named_by`).
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from pydantic import BaseModel

from pathway.definition.model import Pathway


def canonical_json(value: BaseModel | Any) -> str:
    """A pathway's canonical JSON (its sibling states in document order), or any other value's with every key
    sorted."""
    if isinstance(value, Pathway):
        return _dumps(_node(value.model_dump(mode="json")))
    return legacy_canonical_json(value)


def legacy_canonical_json(value: BaseModel | Any) -> str:
    """Canonical JSON with every key sorted: the rule of ``pathway-trail/1`` for a pathway, and of anything else."""
    data = value.model_dump(mode="json") if isinstance(value, BaseModel) else value
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False)


def ordered_json(model: BaseModel) -> str:
    """The validated model as JSON in document order (canonical JSON without the sorting): the form a cohort's
    workers rebuild a pathway from, so that they decide as the process that loaded the file does."""
    return _dumps(model.model_dump(mode="json"))


def sha256_of(value: BaseModel | Any) -> str:
    """The sha256 of :func:`canonical_json`: a pathway's content hash, as trails name it."""
    return hashlib.sha256(canonical_json(value).encode("utf-8")).hexdigest()


def legacy_sha256_of(pathway: Pathway) -> str:
    """The content hash ``pathway-trail/1`` trails name: every key sorted, the order of sibling states left out."""
    return hashlib.sha256(legacy_canonical_json(pathway).encode("utf-8")).hexdigest()


def _dumps(data: Any) -> str:
    return json.dumps(data, separators=(",", ":"), ensure_ascii=False, allow_nan=False)


def _node(node: dict[str, Any]) -> dict[str, Any]:
    """A pathway or a state: its keys sorted, its child states in document order."""
    return {
        key: _states(node[key]) if key == "states" and node[key] is not None else _sorted(node[key])
        for key in sorted(node)
    }


def _states(states: dict[str, Any]) -> dict[str, Any]:
    return {name: _node(state) for name, state in states.items()}


def _sorted(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _sorted(value[key]) for key in sorted(value)}
    if isinstance(value, list):
        return [_sorted(item) for item in value]
    return value
