"""The bundled BIPN pathway's content rules: contradictory records are refused at the entry that completes the
contradiction (its constraints), and the blind-review scenarios are kept beside the designer scenarios."""

from __future__ import annotations

from pathlib import Path

import pytest

import pathway
from pathway.errors import InvalidInputError

BIPN = Path("definitions/bipn/pathway.yaml")


@pytest.mark.parametrize(
    ("facts", "constraint"),
    [
        ({"bortezomib_status": "never", "last_bortezomib_dose": "2026-01-05"}, "never_exposed"),
        ({"bortezomib_status": "never", "dose_mg_m2": 1.3}, "never_exposed"),
        ({"bortezomib_status": "completed", "cycles_completed": 0}, "completed_course_has_cycles"),
        (
            {"cycles_completed": 2, "dose_mg_m2": 1.3, "cumulative_dose_mg_m2": 1.0},
            "cumulative_dose_covers_current_dose",
        ),
        ({"motor_weakness": "none", "motor_grade": 3}, "motor_grade_needs_weakness"),
    ],
)
def test_a_contradictory_record_is_refused(facts: dict[str, object], constraint: str) -> None:
    journey = {"journey": "j", "events": [{"at": "2026-03-02", "facts": facts}]}
    with pytest.raises(InvalidInputError) as caught:
        pathway.run(BIPN, journey)
    [only] = caught.value.diagnostics
    assert only.code == "PW311"
    assert f"'{constraint}'" in only.message


@pytest.mark.parametrize(
    "facts",
    [
        {"bortezomib_status": "planned", "cycles_completed": 4, "last_bortezomib_dose": "2025-06-01"},
        {"bortezomib_status": "discontinued", "cycles_completed": 0, "last_bortezomib_dose": "2026-02-20"},
        {"cycles_completed": 3, "dose_mg_m2": 1.3, "cumulative_dose_mg_m2": 15.6},
    ],
)
def test_a_possible_record_is_not_refused(facts: dict[str, object]) -> None:
    journey = {"journey": "j", "events": [{"at": "2026-03-02", "facts": facts}]}
    assert pathway.run(BIPN, journey).summary is not None


def test_the_blind_review_scenarios_are_kept_and_say_who_wrote_them() -> None:
    blind = sorted(Path("definitions/bipn/scenarios").glob("blind-*.yaml"))
    assert len(blind) == 12
    for path in blind:
        head = path.read_text(encoding="utf-8").splitlines()[0]
        assert head.startswith("# Blind-review scenarios"), path
        assert "reviewer" in head, path
