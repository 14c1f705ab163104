"""Server-rendered SVG charts: line charts for the Monitoring tab, sparklines for the queue list.

No script and no style attribute (the CSP allows neither): lines are polylines whose colour
comes from CSS classes in sqsadmin.css (dark mode included); every chart's numbers are also
given as a table (`Chart.table`), for screen readers and anyone who wants the figures.
"""

from __future__ import annotations

import functools
import itertools
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from html import escape

from django.utils.safestring import SafeString, mark_safe

from .units import human_bytes, human_duration

WIDTH, HEIGHT = 640, 200
LEFT, RIGHT, TOP, BOTTOM = 56, 12, 12, 24


@dataclass(frozen=True)
class Line:
    label: str
    css: str  # a class of sqsadmin.css: series-1 … series-4
    points: Sequence[tuple[float, float]]  # (epoch seconds, value), oldest first


def _formatter(unit: str) -> Callable[[float], str]:
    if unit == "s":
        return lambda v: human_duration(v) or "0 seconds"
    if unit == "B":
        return lambda v: human_bytes(int(v))
    return lambda v: f"{v:,.0f}" if float(v).is_integer() else f"{v:,.2f}"


def _tick(value: float) -> str:
    """A short y-axis label: 1,234 -> 1.2k."""
    if value >= 1_000_000:
        return f"{value / 1_000_000:.1f}M"
    if value >= 10_000:
        return f"{value / 1000:.0f}k"
    if value >= 1000:
        return f"{value / 1000:.1f}k"
    return f"{value:g}" if value == int(value) else f"{value:.1f}"


@dataclass(frozen=True)
class Chart:
    title: str
    lines: Sequence[Line]
    unit: str = ""  # "s" seconds, "B" bytes, "" a count
    time_format: str = "%H:%M:%S"
    start: float | None = None  # the x axis; by default the data's own span
    end: float | None = None
    chart_id: str = field(default="chart")

    @property
    def empty(self) -> bool:
        return not any(line.points for line in self.lines)

    def _span(self) -> tuple[float, float]:
        times = [t for line in self.lines for t, _ in line.points]
        start = self.start if self.start is not None else min(times, default=0.0)
        end = self.end if self.end is not None else max(times, default=1.0)
        return start, max(end, start + 1)

    def _when(self, at: float) -> str:
        return datetime.fromtimestamp(at, UTC).strftime(self.time_format)

    def svg(self) -> SafeString:
        start, end = self._span()
        top = max((v for line in self.lines for _, v in line.points), default=0.0)
        top = max(top, 1.0)
        inner_w, inner_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

        def x(t: float) -> float:
            return LEFT + (t - start) / (end - start) * inner_w

        def y(v: float) -> float:
            return TOP + inner_h - v / top * inner_h

        parts = [
            f'<svg class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
            f'aria-labelledby="{self.chart_id}-title">',
            f'<title id="{self.chart_id}-title">{escape(self.title)}</title>',
        ]
        for value in (0, top / 2, top):
            parts.append(
                f'<line class="chart-grid" x1="{LEFT}" x2="{WIDTH - RIGHT}" '
                f'y1="{y(value):.1f}" y2="{y(value):.1f}"/>'
                f'<text class="chart-label" x="{LEFT - 6}" y="{y(value) + 4:.1f}" '
                f'text-anchor="end">{escape(_tick(value))}</text>'
            )
        for at, anchor in ((start, "start"), (end, "end")):
            parts.append(
                f'<text class="chart-label" x="{x(at):.1f}" y="{HEIGHT - 6}" '
                f'text-anchor="{anchor}">{escape(self._when(at))}</text>'
            )
        for line in self.lines:
            if not line.points:
                continue
            coords = " ".join(f"{x(t):.1f},{y(v):.1f}" for t, v in line.points)
            last_t, last_v = line.points[-1]
            parts.append(
                f'<polyline class="chart-line {line.css}" fill="none" points="{coords}" '
                f'data-series="{escape(line.label)}" data-latest="{last_v:g}"/>'
                f'<circle class="chart-dot {line.css}" cx="{x(last_t):.1f}" '
                f'cy="{y(last_v):.1f}" r="3"/>'
            )
        parts.append("</svg>")
        return mark_safe("".join(parts))

    def table(self) -> tuple[list[str], list[tuple[str, list[str]]]]:
        """(column headings, rows of (time, values)) with every line's value at each time."""
        fmt = _formatter(self.unit)
        by_time: dict[float, dict[str, float]] = {}
        for line in self.lines:
            for t, v in line.points:
                by_time.setdefault(t, {})[line.label] = v
        headings = [line.label for line in self.lines]
        rows = [
            (
                self._when(t),
                [fmt(values[h]) if h in values else "—" for h in headings],
            )
            for t, values in sorted(by_time.items())
        ]
        return headings, rows

    def latest(self) -> list[tuple[str, str]]:
        fmt = _formatter(self.unit)
        return [(line.label, fmt(line.points[-1][1])) for line in self.lines if line.points]


SPARK_W, SPARK_H = 80, 20
TIMES = "\u00d7"  # the multiplication sign, which screen readers say as "times"


# A sparkline draws at most one point per unit of its width: an hour of samples (up to 720 a
# queue) in 80 units is not a finer line, only a longer one to build, send and read aloud.
SPARK_POINTS = SPARK_W


def thinned[T](values: Sequence[T], most: int) -> Sequence[T]:
    """At most `most` of `values`, evenly spread, the first and the last always among them."""
    if len(values) <= most:
        return values
    return [values[i] for i in _spread(len(values), most)]


@functools.lru_cache(maxsize=1024)
def _spread(count: int, most: int) -> tuple[int, ...]:
    """`most` indexes evenly spread over `count` items, the first and the last among them."""
    last = count - 1
    return tuple(round(i * last / (most - 1)) for i in range(most))


@functools.cache
def _spark_xs(count: int) -> tuple[str, ...]:
    """The x coordinates of `count` points spread over a sparkline's width."""
    step = SPARK_W / (count - 1)
    return tuple(f"{i * step:.1f}" for i in range(count))


def sparkline(values: Sequence[float], label: str) -> SafeString:
    """A small line of recent values, its title and a visually-hidden sentence saying them.

    A run of equal values is a flat stretch: drawn from its first point to its last, and said
    once with how many samples it lasted (0, 41 times, is "0 \u00d741"); an idle queue's hour is
    one segment and a few words, not 80 points and 80 zeros read aloud."""
    if len(values) < 2:
        return mark_safe('<span class="spark-none">—</span>')
    values = thinned(values, SPARK_POINTS)
    low, high = min(values), max(values)
    spread = (high - low) or 1
    xs = _spark_xs(len(values))
    ys = {v: f"{SPARK_H - 2 - (v - low) / spread * (SPARK_H - 4):.1f}" for v in set(values)}
    said_as = {v: f"{v:g}" for v in ys}
    # Where each run of equal values starts, and the end.
    bounds = [0, *(i for i in range(1, len(values)) if values[i] != values[i - 1]), len(values)]
    points, said = [], []
    for start, end in itertools.pairwise(bounds):
        value = values[start]
        points.append(f"{xs[start]},{ys[value]}")
        if end - start > 1:
            points.append(f"{xs[end - 1]},{ys[value]}")
            said.append(f"{said_as[value]} {TIMES}{end - start}")
        else:
            said.append(said_as[value])
    words = escape(f"{label}: {', '.join(said)}")
    return mark_safe(
        f'<svg class="spark" viewBox="0 0 {SPARK_W} {SPARK_H}" width="{SPARK_W}" '
        f'height="{SPARK_H}" aria-hidden="true"><title>{words}</title>'
        f'<polyline fill="none" points="{" ".join(points)}"/></svg>'
        f'<span class="visually-hidden">{words}</span>'
    )
