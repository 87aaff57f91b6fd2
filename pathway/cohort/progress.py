"""Progress of a cohort run on stderr: a bar with the rate and the time left when stderr is a terminal (rich),
nothing while it runs otherwise (the command prints one final line)."""

from __future__ import annotations

import sys
from collections.abc import Callable
from types import TracebackType
from typing import Any, TextIO


class Progress:
    """Counts journeys done; draws a rich progress bar when ``stream`` is a terminal and rich is installed."""

    def __init__(self, total: Callable[[], int | None], what: str, stream: TextIO | None = None) -> None:
        """``total`` is called only when a bar is drawn (counting the journeys is a scan of the inputs)."""
        self.stream = stream or sys.stderr
        self.bar: Any = None
        self.task: Any = None
        if self.stream.isatty():
            self._start(total(), what)

    def _start(self, total: int | None, what: str) -> None:
        try:
            from rich.console import Console
            from rich.progress import (
                BarColumn,
                MofNCompleteColumn,
                ProgressColumn,
                Task,
                TextColumn,
                TimeRemainingColumn,
            )
            from rich.progress import Progress as Bar
            from rich.text import Text
        except ImportError:  # rich is optional: no bar, the final line still comes
            return

        class Rate(ProgressColumn):
            def render(self, task: Task) -> Text:
                return Text(f"{task.speed:,.0f} journeys/s" if task.speed else "")

        columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), Rate(), TimeRemainingColumn())
        self.bar = Bar(*columns, console=Console(file=self.stream), transient=True)
        self.task = self.bar.add_task(what, total=total)
        self.bar.start()

    def advance(self, n: int) -> None:
        if self.bar is not None:
            self.bar.advance(self.task, n)

    def __enter__(self) -> Progress:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None, tb: TracebackType | None) -> None:
        if self.bar is not None:
            self.bar.stop()
