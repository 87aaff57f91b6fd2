"""FHIR R4: the pathway exported as CPG-on-FHIR, and journeys and trails as CarePlan and Provenance."""
