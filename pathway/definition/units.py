"""The unit conversions a FHIR binding may ask for: a small table, each entry exact or cited, never guessed.

A binding names the UCUM unit of its fact (``unit``) and the other units it accepts (``accept``); each accepted unit
must convert to the fact's unit through this table, or the definition is invalid (PW134). Two kinds of conversion:

- **Mass concentration** (``g/L``, ``mg/dL``, ``ug/mL``, ``pg/mL``, ...) and **substance concentration**
  (``mol/L``, ``mmol/L``, ``nmol/L``, ``pmol/L``, ...) within their kind: exact, by the SI prefixes and 1 dL =
  0.1 L (UCUM, https://ucum.org/ucum).
- **Substance to mass** (``pmol/L`` to ``pg/mL``): only for a substance whose molar mass is in :data:`MOLAR_MASS`,
  named by the binding's ``substance``, with the source of the molar mass.

HbA1c in IFCC units (mmol/mol) and NGSP percent are related by a master equation, not a factor, and are coded with
different LOINC codes (4548-4 for percent): not a conversion here.
"""

from __future__ import annotations

from typing import NamedTuple

MASS: dict[str, float] = {
    "g/L": 1.0,
    "g/dL": 10.0,
    "mg/L": 1e-3,
    "mg/dL": 1e-2,
    "ug/mL": 1e-3,
    "ug/L": 1e-6,
    "ug/dL": 1e-5,
    "ng/mL": 1e-6,
    "ng/L": 1e-9,
    "pg/mL": 1e-9,
}
"""Mass concentrations in grams per litre (exact: SI prefixes, 1 dL = 0.1 L, 1 mL = 0.001 L)."""

SUBSTANCE: dict[str, float] = {
    "mol/L": 1.0,
    "mmol/L": 1e-3,
    "umol/L": 1e-6,
    "nmol/L": 1e-9,
    "pmol/L": 1e-12,
}
"""Substance concentrations in moles per litre (exact: SI prefixes)."""


class MolarMass(NamedTuple):
    """A substance's molar mass (g/mol) and where it comes from."""

    grams_per_mole: float
    source: str


MOLAR_MASS: dict[str, MolarMass] = {
    "cobalamin": MolarMass(
        1355.37,
        "cyanocobalamin, C63H88CoN14O14P: 1355.37 g/mol (PubChem CID 5311498); the usual laboratory factor "
        "1 pg/mL = 0.738 pmol/L follows from it",
    ),
}
"""The substances whose amount converts to a mass, with the source of each molar mass."""

SAME: dict[str, str] = {"%": "%", "mg/m2": "mg/m2", "mg": "mg", "1": "1"}
"""Units that convert to themselves only (a percentage, a dose per body surface area)."""


def known_unit(unit: str) -> bool:
    """Whether the table knows the UCUM unit at all."""
    return unit in MASS or unit in SUBSTANCE or unit in SAME


def factor(source: str, target: str, substance: str | None = None) -> float | None:
    """The factor that turns a value in ``source`` into one in ``target`` (value * factor), or None when the table
    has no such conversion (a molar one needs the substance's molar mass)."""
    if source == target:
        return 1.0
    for table in (MASS, SUBSTANCE):
        if source in table and target in table:
            return table[source] / table[target]
    molar = MOLAR_MASS.get(substance or "")
    if molar is None:
        return None
    if source in SUBSTANCE and target in MASS:
        return SUBSTANCE[source] * molar.grams_per_mole / MASS[target]
    if source in MASS and target in SUBSTANCE:
        return MASS[source] / molar.grams_per_mole / SUBSTANCE[target]
    return None


def convert(value: float, source: str, target: str, substance: str | None = None) -> float | None:
    """``value`` in ``source`` expressed in ``target``, rounded to 6 significant digits (no spurious precision from
    binary factors), or None when the table has no such conversion."""
    found = factor(source, target, substance)
    return None if found is None else float(f"{value * found:.6g}")
