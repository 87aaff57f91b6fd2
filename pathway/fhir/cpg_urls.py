"""Where each exported resource lives: its stable id (from the pathway id and the element's id, never a counter
or a time), its canonical URL under the publisher's base, and the metadata every knowledge artifact carries.

Ids: the pathway ``bipn``; a strategy ``bipn-strategy`` (the top level) or ``bipn-strategy-dose`` (a region); a
recommendation ``bipn-rec-<state>``; an activity ``bipn-act-<action>``; the canonical definition
``bipn-definition``; the bundle ``bipn-bundle`` (``_`` is written ``-``: FHIR ids have no underscore).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pathway.definition.model import Pathway
from pathway.fhir.cpg_terms import fhir_id

STATUS = {"draft": "draft", "review": "draft", "approved": "active"}
"""A definition's review status -> a FHIR publication status (a definition under review is not yet active)."""


@dataclass(frozen=True)
class Canon:
    """The ids and canonical URLs of one pathway version's export."""

    base: str
    pathway: str
    version: str
    status: str

    @staticmethod
    def of(pathway: Pathway, base: str) -> Canon:
        return Canon(base, pathway.id, pathway.version, pathway.status)

    @property
    def pathway_id(self) -> str:
        return fhir_id(self.pathway)

    def strategy_id(self, region: str | None) -> str:
        return fhir_id(self.pathway, "strategy", *([region] if region else []))

    def recommendation_id(self, state: str) -> str:
        return fhir_id(self.pathway, "rec", state)

    def activity_id(self, action: str) -> str:
        return fhir_id(self.pathway, "act", action)

    @property
    def library_id(self) -> str:
        return fhir_id(self.pathway, "definition")

    @property
    def bundle_id(self) -> str:
        return fhir_id(self.pathway, "bundle")

    def url(self, resource_type: str, resource_id: str) -> str:
        return f"{self.base}/{resource_type}/{resource_id}"

    def canonical(self, resource_type: str, resource_id: str) -> str:
        """A versioned canonical reference: ``<url>|<version>``."""
        return f"{self.url(resource_type, resource_id)}|{self.version}"

    def metadata(self, resource_type: str, resource_id: str, name: str) -> dict[str, Any]:
        """id, url, version, name, status and experimental (true until the definition is approved)."""
        return {
            "id": resource_id,
            "url": self.url(resource_type, resource_id),
            "version": self.version,
            "name": name,
            "status": STATUS[self.status],
            "experimental": self.status != "approved",
        }
