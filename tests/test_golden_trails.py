"""Trails frozen by earlier releases must keep replaying as "reproduced", whatever changes later.

`tests/golden/trails/<release>/<pathway>/` holds the trails the engine of that release wrote, with the definition
they were written against. They are never regenerated (the way Temporal keeps old workflow histories): a change
in engine semantics that alters any recorded decision makes this test fail.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from pathway.audit.replay import replay

GOLDEN = Path(__file__).parent / "golden" / "trails"
TRAILS = sorted(GOLDEN.glob("*/*/*.jsonl"))


def test_frozen_trails_exist() -> None:
    assert len(TRAILS) >= 7, "the 0.1.0 trails of bipn and example must stay frozen here"


@pytest.mark.parametrize("trail", TRAILS, ids=lambda p: "/".join(p.parts[-3:]))
def test_frozen_trail_replays_as_reproduced(trail: Path) -> None:
    result = replay(trail, trail.parent / "pathway.yaml")
    assert result.status == "reproduced", result.message
