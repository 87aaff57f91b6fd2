"""Why a recommendation was not followed: the CDS Hooks non-adherence reason codes a journey's ``reason_code`` takes.

Source: HL7 CDS Hooks 3.0, CodeSystem ``non-adherence-reason-codes`` (canonical URL :data:`SYSTEM`), as published in
the HL7/cds-hooks repository (``input/vocabulary/CodeSystem-non-adherence-reason-codes.json``) and on
https://build.fhir.org/ig/HL7/cds-hooks/CodeSystem-non-adherence-reason-codes.html. The concepts come from the AHRQ
CDSiC publication "Approaches to Standardizing Override Reasons for Patient-Centered Clinical Decision Support"
(AHRQ Publication No. 25-0073, June 2025). The code system is case sensitive and grouped: six categories, each with
its specific codes; either level may be recorded. The CodeSystem itself says that ``patient-refuses`` (no context
given) is kept because override tools commonly record it, but is not a preferred choice: a more specific reason is.

The display texts are the code system's, shortened where it repeats itself; the codes are copied exactly.
"""

from __future__ import annotations

from types import MappingProxyType
from typing import Final

SYSTEM: Final = "http://terminology.hl7.org/CodeSystem/non-adherence-reason-codes"
"""The code system's canonical URL (CDS Hooks 3.0)."""

CATEGORIES: Final = MappingProxyType(
    {
        "cds-not-applicable": (
            "PC CDS does not apply to patient",
            {
                "patient-ineligible": "Patient does not meet eligibility for recommended action",
                "indication-order-exists": "Patient has indication/order for intended action",
                "action-completed": "Recommended action was already completed",
                "action-unsuccessful": "Recommended action was previously unsuccessful",
                "action-performed-no-adverse-effect": "Intended action was performed previously without adverse effect",
                "action-not-priority": "Recommended action is not relevant or a priority in current state of health",
            },
        ),
        "cds-suboptimal-context": (
            "PC CDS delivered in suboptimal context",
            {
                "limited-time": "Could not address recommended action due to limited time",
                "wrong-time-workflow": "PC CDS delivered at wrong time in workflow or patient lifecycle",
                "inappropriate-recipient": "PC CDS delivered to inappropriate recipient/role",
                "need-more-info": "Need for more information, pending results or a pending consult",
            },
        ),
        "recipient-disagrees-evidence": (
            "Recipient disagrees with recommendation because of issues with the evidence",
            {
                "does-not-align-latest-evidence": "Recommended action does not align with the latest evidence",
                "expert-contradicts": "Advice from expert contradicts the recommended action",
                "policy-contradicts": "Institutional policy/guideline contradicts the recommended action",
                "recipient-does-not-trust": "Recipient does not agree with or trust the recommended action",
            },
        ),
        "recipient-concerns-outcomes": (
            "Recipient has concerns regarding potential health outcomes",
            {
                "risk-benefit-ratio": "Recipient assessment of risk/benefit ratio",
                "mitigate-risk-negative-outcome": "Action taken to mitigate risk of negative outcome",
                "likely-negative-health-outcomes": "Recommended action likely to have negative health outcomes",
                "patient-contraindication": "Patient has contraindication to recommended action",
            },
        ),
        "does-not-align-preferences": (
            "Recommendation does not align with patient preferences or values",
            {
                "patient-fears-discomfort": "Patient fears discomfort from complying with recommended action",
                "patient-does-not-want-change": "Patient does not want to change behavior or believes it unnecessary",
                "cultural-religious-reason": "Patient has a cultural or religious reason for not following it",
                "prefers-alternative": "Patient prefers an alternative approach or treatment",
                "patient-refuses": "Patient refuses/declines (no context given; not a preferred choice)",
            },
        ),
        "not-convenient-feasible": (
            "Recommendation is not convenient or feasible",
            {
                "inadequate-support": "Patient has inadequate caregiver/social support",
                "service-not-available": "Treatment or service is not practically available",
                "implementation-challenges": "Recommended action cannot be implemented due to technology/challenges",
                "too-costly-uncovered": "Recommended action is too costly or not covered by insurance",
                "recipient-does-not-understand": "Recipient does not understand or know how to perform the action",
                "comorbidity-disability": "Patient has co-morbidity or disability that hinders the action",
            },
        ),
    }
)
"""Each category code -> (its display, its specific codes -> their displays), in the code system's order."""

REASON_CODES: Final = MappingProxyType(
    {
        code: display
        for category, (title, specific) in CATEGORIES.items()
        for code, display in ((category, title), *specific.items())
    }
)
"""Every code (categories and their specific codes, in the code system's order) -> its display."""
