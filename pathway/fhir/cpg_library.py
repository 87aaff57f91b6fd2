"""The canonical definition as a Library: the content hash's own bytes (``canonical_json`` of the validated model,
UTF-8) in an attachment, so that a FHIR server holds exactly what pathway runs and replays.

FHIR R4 defines ``Attachment.hash`` as the SHA-1 of the data (base64): it is written so, as the specification
asks, but the hash pathway uses everywhere (the trail header's ``pathway.sha256``, replay, cohort manifests) is the
sha256, which R4 has no element for. It is the Library's identifier, as an RFC 6920 name
(``ni:///sha-256;<base64url>``: the same 32 bytes as the hex in a trail), and is repeated in hex in the
description.
"""

from __future__ import annotations

import base64
import hashlib
from typing import Any

from pathway.definition.canonical import canonical_json
from pathway.definition.model import Pathway
from pathway.fhir.cpg_terms import LIBRARY_TYPE, computable_name, concept, hash_identifier
from pathway.fhir.cpg_urls import Canon

CONTENT_TYPE = "application/json"


def library(canon: Canon, pathway: Pathway) -> dict[str, Any]:
    data = canonical_json(pathway).encode("utf-8")
    sha256 = hashlib.sha256(data).hexdigest()
    return {
        "resourceType": "Library",
        **canon.metadata("Library", canon.library_id, computable_name(canon.library_id)),
        "identifier": [hash_identifier(sha256) | {"use": "official"}],
        "title": f"{pathway.title}: canonical definition",
        "type": concept(LIBRARY_TYPE, "logic-library"),
        "description": (
            f"The pathway definition '{pathway.id}' version {pathway.version} in pathway's canonical JSON (sorted "
            "keys but for the sibling states, which keep their document order; defaults written out), sha256 "
            f"{sha256}: the hash a trail's header names and replay checks. "
            "Decision support for clinicians, not a substitute for clinical judgement."
        ),
        "content": [
            {
                "contentType": CONTENT_TYPE,
                "data": base64.b64encode(data).decode("ascii"),
                "hash": base64.b64encode(hashlib.sha1(data).digest()).decode("ascii"),  # FHIR R4: SHA-1
                "title": f"{pathway.id} {pathway.version} (canonical JSON)",
            }
        ],
    }
