"""Canonical JSON and content hashes: what makes a definition 'the same' for replay and audit.

The hash is taken over the validated model, not the file bytes: comments, key order and YAML style do not change
it; any change of meaning does. Keys are sorted, defaults are written out, separators are fixed.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from pydantic import BaseModel


def canonical_json(value: BaseModel | Any) -> str:
    data = value.model_dump(mode="json") if isinstance(value, BaseModel) else value
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False)


def sha256_of(value: BaseModel | Any) -> str:
    return hashlib.sha256(canonical_json(value).encode("utf-8")).hexdigest()
