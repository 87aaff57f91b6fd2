"""``--until TIME``: the moment after a journey's last entry up to which the clock advances (``docs/time.md``).

It becomes one more input of the journey, with no facts and ``until`` set, so that the trail records it and replay
reproduces it. A time that is not one, or that is earlier than the last entry, is refused before anything runs.
"""

from __future__ import annotations

from dataclasses import replace

from pathway.diagnostics import Diagnostic
from pathway.diagnostics.codes import Code
from pathway.journey.check import LoadedJourney
from pathway.journey.model import parse_time, time_hint


def with_until(journey: LoadedJourney, text: str) -> LoadedJourney | Diagnostic:
    """The journey with an ``until`` input at ``text`` appended, or the diagnostic (at the journey's last entry)
    saying why it cannot be."""
    last = journey.inputs[-1]
    where = {"file": journey.path, "line": last.line}
    try:
        at, with_time = parse_time(text)
    except ValueError as problem:
        return Diagnostic(code=Code.PW308, message=f"--until: {problem}", hint=time_hint(text), **where)
    shown = at.isoformat() if with_time else at.date().isoformat()
    if at < last.at:
        return Diagnostic(
            code=Code.PW307,
            message=f"--until {shown} is earlier than the journey's last entry, at {last.at_text}",
            hint=f"give a time at or after {last.at_text}: the clock only moves forward",
            **where,
        )
    until = replace(last, seq=last.seq + 1, at=at, at_text=shown, facts={}, event=None, done=None, reason=None)
    until = replace(until, declined=None, reason_code=None, signed=None, by=None, note=None, until=True)
    return replace(journey, inputs=(*journey.inputs, until))
