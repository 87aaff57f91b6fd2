"""Canonical JSON and content hashes: what makes a definition 'the same' for replay and audit.

The hash is taken over the validated model, not the file bytes: comments, key order and YAML style do not change
it. Keys are sorted, defaults are written out, separators are fixed. Sorting the keys loses one thing that has
meaning: the document order of sibling states (which region's transitions a microstep takes first, which state's
``due`` a shared recommendation keeps), so two definitions that differ only in that order have the same hash.
Replay still tells them apart (a trail run on one diverges on the other), and a pathway sent to another process
goes as :func:`ordered_json`, never as its canonical JSON.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from pydantic import BaseModel


def canonical_json(value: BaseModel | Any) -> str:
    data = value.model_dump(mode="json") if isinstance(value, BaseModel) else value
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False)


def ordered_json(model: BaseModel) -> str:
    """The validated model as JSON in document order (canonical JSON without the sorting): the form a cohort's
    workers rebuild a pathway from, so that they decide as the process that loaded the file does."""
    return json.dumps(model.model_dump(mode="json"), separators=(",", ":"), ensure_ascii=False, allow_nan=False)


def sha256_of(value: BaseModel | Any) -> str:
    return hashlib.sha256(canonical_json(value).encode("utf-8")).hexdigest()
