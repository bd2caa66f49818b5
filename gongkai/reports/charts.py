"""Charts as inline SVG (no script, no library): a bar chart and a line chart, each value also in
a <title> for the pointer and in the accompanying table for screen readers."""

from __future__ import annotations

from collections.abc import Sequence

from django.utils.html import escape

WIDTH, HEIGHT, LEFT, BOTTOM, TOP = 720, 240, 48, 32, 20


def _frame(label: str, css: str) -> list[str]:
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'aria-label="{escape(label)}" class="{css}">',
        f'<line x1="{LEFT}" y1="{HEIGHT - BOTTOM}" x2="{WIDTH}" y2="{HEIGHT - BOTTOM}" stroke="#333"/>',
    ]


def _scale(values: Sequence[int]) -> int:
    return max([*values, 1])


def bar_chart(label: str, names: Sequence[str], values: Sequence[int]) -> str:
    top = _scale(values)
    slot = (WIDTH - LEFT) / max(len(values), 1)
    bar = max(min(slot * 0.7, 40), 2)
    parts = _frame(label, "chart-bar")
    for i, (name, v) in enumerate(zip(names, values, strict=True)):
        h = (HEIGHT - BOTTOM - TOP) * v / top
        x = LEFT + i * slot + (slot - bar) / 2
        y = HEIGHT - BOTTOM - h
        parts.append(
            f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar:.1f}" height="{h:.1f}" fill="#4d7fc0">'
            f"<title>{escape(name)}：{v}</title></rect>"
        )
        parts.append(f'<text x="{x + bar / 2:.1f}" y="{y - 3:.1f}" font-size="10" text-anchor="middle">{v}</text>')
        parts.append(
            f'<text x="{x + bar / 2:.1f}" y="{HEIGHT - BOTTOM + 14}" font-size="11" text-anchor="middle">'
            f"{escape(name[:8])}</text>"
        )
    parts.append("</svg>")
    return "".join(parts)


def line_chart(label: str, names: Sequence[str], values: Sequence[int]) -> str:
    top = _scale(values)
    step = (WIDTH - LEFT - 20) / max(len(values) - 1, 1)
    points = [(LEFT + 10 + i * step, HEIGHT - BOTTOM - (HEIGHT - BOTTOM - TOP) * v / top) for i, v in enumerate(values)]
    parts = _frame(label, "chart-line")
    parts.append(
        '<polyline fill="none" stroke="#1f5aa6" stroke-width="2" points="'
        + " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
        + '"/>'
    )
    for (x, y), name, v in zip(points, names, values, strict=True):
        parts.append(
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4" fill="#1f5aa6"><title>{escape(name)}：{v}</title></circle>'
        )
        parts.append(f'<text x="{x:.1f}" y="{y - 8:.1f}" font-size="10" text-anchor="middle">{v}</text>')
        parts.append(
            f'<text x="{x:.1f}" y="{HEIGHT - BOTTOM + 14}" font-size="11" text-anchor="middle">{escape(name)}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)
