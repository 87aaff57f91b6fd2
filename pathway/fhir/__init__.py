"""FHIR R4: journeys imported from FHIR data; the pathway exported as CPG-on-FHIR, CarePlan, Provenance."""
