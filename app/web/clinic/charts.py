"""The trial's pain chart as numbers for a small SVG template (``clinic/_trial_chart.html``).

Drawn on the server, so the page and the PDF show the same chart with no script. Days are
columns; a missed day breaks the lines rather than joining its neighbours, so nothing is
drawn that the patient did not report. Average and worst differ by line style and marker
shape as well as colour.
"""

from __future__ import annotations

from dataclasses import dataclass

from ...engine.trials import TrialBrief

WIDTH, HEIGHT = 640, 260
LEFT, RIGHT, TOP, BOTTOM = 44, 16, 14, 40
TOP_VALUE = 10


@dataclass(frozen=True, slots=True)
class Chart:
    width: int
    height: int
    left: int
    right: float
    top: int
    bottom: float
    ticks: tuple[tuple[int, float], ...]  # (pain value, y)
    columns: tuple[tuple[str, float], ...]  # (day label, x)
    average: tuple[str, ...]  # one "x,y x,y" polyline per run of entered days
    worst: tuple[str, ...]
    average_points: tuple[tuple[float, float], ...]
    worst_points: tuple[tuple[float, float], ...]
    baseline_y: float | None


def _y(value: float) -> float:
    return round(TOP + (TOP_VALUE - value) / TOP_VALUE * (HEIGHT - TOP - BOTTOM), 1)


def _runs(points: list[tuple[float, float] | None]) -> tuple[str, ...]:
    """Polylines of consecutive points; a None (a missed day) ends a run."""
    runs, current = [], []
    for point in [*points, None]:
        if point is None:
            if current:
                runs.append(" ".join(f"{x},{y}" for x, y in current))
            current = []
        else:
            current.append(point)
    return tuple(runs)


def pain_chart(brief: TrialBrief) -> Chart:
    count = max(len(brief.days), 1)
    step = (WIDTH - LEFT - RIGHT) / count
    xs = [round(LEFT + step * (n + 0.5), 1) for n in range(count)]
    average = [
        (x, _y(d.pain_average)) if d.pain_average is not None else None
        for x, d in zip(xs, brief.days, strict=False)
    ]
    worst = [
        (x, _y(d.pain_worst)) if d.pain_worst is not None else None
        for x, d in zip(xs, brief.days, strict=False)
    ]
    return Chart(
        width=WIDTH,
        height=HEIGHT,
        left=LEFT,
        right=WIDTH - RIGHT,
        top=TOP,
        bottom=HEIGHT - BOTTOM,
        ticks=tuple((v, _y(v)) for v in range(0, TOP_VALUE + 1, 2)),
        columns=tuple((str(d.number), x) for x, d in zip(xs, brief.days, strict=False)),
        average=_runs(average),
        worst=_runs(worst),
        average_points=tuple(p for p in average if p),
        worst_points=tuple(p for p in worst if p),
        baseline_y=_y(brief.baseline) if brief.baseline is not None else None,
    )
