"""FHIR R4 in and out: journeys imported from FHIR data (``pathway import fhir``: Bundles and bulk-export NDJSON,
the facts a pathway's bindings select, one journey per patient) and synthetic FHIR patients for the bundled
pathway; the pathway exported as CPG-on-FHIR, CarePlan, Provenance. ``fhir.resources`` (the extra
``pathway[fhir]``) validates with its R4B models."""
