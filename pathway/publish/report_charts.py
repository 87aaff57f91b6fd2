"""The cohort report's charts, as inline SVG drawn here (no library, no script): stacked horizontal bars (the
conformance of each recommendation), plain horizontal bars (deviations by reason, a distribution of days).

Every chart is an ``<svg role="img">`` with a ``<title>`` and each bar carries its figure as text and as a tooltip
(``<title>``), so the numbers can be read without the picture and found by a test.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

WIDTH = 880
LABEL = 330  # px for the labels at the left
ROW = 22
COLOURS = {
    "met": "#2e7d32",
    "met late": "#9ccc65",
    "exception": "#42a5f5",
    "not documented": "#e53935",
    "open": "#bdbdbd",
    "bar": "#5c6bc0",
}


@dataclass(frozen=True)
class Segment:
    label: str
    value: int


@dataclass(frozen=True)
class Bar:
    label: str
    segments: tuple[Segment, ...]
    href: str | None = None

    @property
    def total(self) -> int:
        return sum(s.value for s in self.segments)


def _cut(text: str, size: int = 48) -> str:
    return text if len(text) <= size else text[: size - 1] + "…"


def _legend(names: Sequence[str], y: int) -> list[str]:
    out, x = [], LABEL
    for name in names:
        colour = COLOURS.get(name, COLOURS["bar"])
        out.append(f'<rect x="{x}" y="{y}" width="12" height="12" fill="{colour}"/>')
        out.append(f'<text x="{x + 16}" y="{y + 11}">{escape(name)}</text>')
        x += 24 + 8 * len(name)
    return out


def stacked(title: str, bars: Sequence[Bar], *, percent: bool = True, chart_id: str = "") -> str:
    """One bar per row, its segments side by side; with ``percent`` each bar fills the width (shares of its
    total), else lengths are to scale with the largest total."""
    names = list(dict.fromkeys(s.label for b in bars for s in b.segments))
    top = 28
    height = top + ROW * max(len(bars), 1) + 30
    scale = max((b.total for b in bars), default=0) or 1
    span = WIDTH - LABEL - 60
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" id="{escape(chart_id)}" role="img" '
        f'width="{WIDTH}" height="{height}" viewBox="0 0 {WIDTH} {height}" font-family="sans-serif" font-size="12">',
        f"<title>{escape(title)}</title>",
        *_legend(names, 6),
    ]
    if not bars:
        parts.append(f'<text x="{LABEL}" y="{top + 15}">nothing to show</text>')
    for i, bar in enumerate(bars):
        y = top + i * ROW
        label = f'<text x="{LABEL - 8}" y="{y + 15}" text-anchor="end">{escape(_cut(bar.label))}</text>'
        parts.append(f'<a href="{escape(bar.href)}">{label}</a>' if bar.href else label)
        x = float(LABEL)
        whole = (bar.total or 1) if percent else scale
        for seg in bar.segments:
            if not seg.value:
                continue
            w = span * seg.value / whole
            colour = COLOURS.get(seg.label, COLOURS["bar"])
            tip = f"{bar.label}: {seg.label} {seg.value}" + (f" of {bar.total}" if percent else "")
            parts.append(
                f'<rect x="{x:.1f}" y="{y + 3}" width="{w:.1f}" height="{ROW - 6}" fill="{colour}">'
                f"<title>{escape(tip)}</title></rect>"
            )
            x += w
        parts.append(f'<text x="{x + 6:.1f}" y="{y + 15}" class="figure">{bar.total}</text>')
    parts.append("</svg>")
    return "\n".join(parts)


def bars(title: str, values: Sequence[tuple[str, int]], *, chart_id: str = "") -> str:
    """Plain horizontal bars to scale: ``(label, value)`` each."""
    return stacked(title, [Bar(label, (Segment("count", n),)) for label, n in values], percent=False, chart_id=chart_id)
