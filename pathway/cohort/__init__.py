"""Cohorts: many journeys through one pathway, in parallel, with their trails, tables and verification
(``pathway cohort run | verify | extract | generate``; see docs/cohorts.md)."""
