"""FHIR R4 in: reading Bundles and bulk-export NDJSON, taking the facts a pathway's bindings select, grouping them by
patient and writing one journey per patient (``pathway import fhir``); and synthetic FHIR patients for the bundled
pathway. ``fhir.resources`` (the extra ``pathway[fhir]``) validates each resource with its R4B models."""
