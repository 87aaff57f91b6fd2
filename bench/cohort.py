"""The benchmark's cohort generator, now part of the package (:mod:`pathway.cohort.generate`)."""

from __future__ import annotations

from pathway.cohort.generate import cohort, fact_value, journey, journeys

__all__ = ["cohort", "fact_value", "journey", "journeys"]
