"""Terminal line plots drawn with Unicode braille cells, and PNG output via matplotlib.

A braille character holds a 2x4 grid of dots, so a W x H character plot has
2W x 4H dots of resolution.  Several traces share one pair of axes, each in its
own colour, with tick labels, axis titles with units and a legend.  Written
here (about 150 lines) rather than pulled in as a dependency so the output is
deterministic text that tests can read and so units and styling follow hocx.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from rich.text import Text

from ..errors import HocRuntimeError

COLORS = ("cyan", "magenta", "yellow", "green", "red", "blue", "bright_white")
# dot bit for (column 0..1, row 0..3) inside one braille cell
_DOT = ((0x01, 0x08), (0x02, 0x10), (0x04, 0x20), (0x40, 0x80))
_BRAILLE = 0x2800


@dataclass
class Trace:
    """One curve: x and y values, a label, the units of y and the quantity it is (``v``)."""

    label: str
    x: np.ndarray
    y: np.ndarray
    units: str = ""
    quantity: str = ""


def by_units(traces: list[Trace]) -> list[list[Trace]]:
    """The traces grouped by unit, in order of first appearance: one y axis per group.

    A trace without a unit (``m_hh``) is its own kind of quantity, never put on an axis
    labelled with another trace's unit.
    """
    groups: dict[str, list[Trace]] = {}
    for tr in traces:
        groups.setdefault(tr.units, []).append(tr)
    return list(groups.values())


def axis_label(traces: list[Trace]) -> str:
    """``v (mV)``, ``ina, ik (mA/cm2)``, ``m_hh``: the quantities on one axis and their unit."""
    names: list[str] = []
    for tr in traces:
        if tr.quantity and tr.quantity not in names:
            names.append(tr.quantity)
    units = traces[0].units if traces else ""
    quantity = ", ".join(names)
    if units:
        return f"{quantity} ({units})" if quantity else f"({units})"
    return quantity


def nice_ticks(lo: float, hi: float, n: int = 5) -> list[float]:
    """Round tick positions covering [lo, hi], about n of them."""
    if not math.isfinite(lo) or not math.isfinite(hi):
        return []
    if hi <= lo:
        return [lo]
    raw = (hi - lo) / max(n - 1, 1)
    mag = 10 ** math.floor(math.log10(raw))
    step = next(m * mag for m in (1, 2, 2.5, 5, 10) if m * mag >= raw)
    first = math.ceil(lo / step - 1e-9) * step
    ticks = []
    v = first
    while v <= hi + step * 1e-9:
        ticks.append(0.0 if abs(v) < step * 1e-9 else v)
        v += step
    return ticks


def fmt_tick(v: float) -> str:
    return f"{v:.6g}"


def _bounds(traces: list[Trace]) -> tuple[float, float, float, float]:
    xs = np.concatenate([t.x[np.isfinite(t.x)] for t in traces] or [np.zeros(1)])
    ys = np.concatenate([t.y[np.isfinite(t.y)] for t in traces] or [np.zeros(1)])
    if xs.size == 0 or ys.size == 0:
        raise HocRuntimeError("nothing to plot: the traces hold no finite values")
    x0, x1, y0, y1 = float(xs.min()), float(xs.max()), float(ys.min()), float(ys.max())
    if x1 == x0:
        x0, x1 = x0 - 0.5, x1 + 0.5
    if y1 == y0:
        pad = abs(y0) * 0.05 or 0.5
        y0, y1 = y0 - pad, y1 + pad
    return x0, x1, y0, y1


def _rasterize(trace: Trace, box, w: int, h: int) -> set[tuple[int, int]]:
    """Dots (column, row) hit by the polyline of one trace, rows counted from the top."""
    x0, x1, y0, y1 = box
    W, H = 2 * w, 4 * h
    good = np.isfinite(trace.x) & np.isfinite(trace.y)
    px = np.round((trace.x[good] - x0) / (x1 - x0) * (W - 1)).astype(int)
    py = np.round((y1 - trace.y[good]) / (y1 - y0) * (H - 1)).astype(int)
    dots: set[tuple[int, int]] = set()
    for i in range(len(px)):
        if i == 0:
            dots.add((px[0], py[0]))
            continue
        # connect consecutive points so steep spikes stay visible
        steps = max(abs(px[i] - px[i - 1]), abs(py[i] - py[i - 1]), 1)
        if steps == 1:
            dots.add((px[i], py[i]))
            continue
        for s in range(1, steps + 1):
            dots.add((round(px[i - 1] + (px[i] - px[i - 1]) * s / steps),
                      round(py[i - 1] + (py[i] - py[i - 1]) * s / steps)))
    return {(c, r) for c, r in dots if 0 <= c < W and 0 <= r < H}


def render(traces: list[Trace], *, width: int = 72, height: int = 16,
           xlabel: str = "t (ms)", ylabel: str | None = None, title: str | None = None) -> Text:
    """A braille line plot of the traces as rich Text (colours optional on output).

    Traces in different units get separate panels, one under the other, each with its
    own y axis labelled with the quantity and unit (``v (mV)``, ``m_hh``)."""
    if not traces:
        raise HocRuntimeError("nothing to plot")
    groups = by_units(traces)
    if len(groups) > 1 and ylabel is None:
        out = Text()
        if title:
            out.append(title + "\n", style="bold")
        panel_h = max(5, height // len(groups))
        for k, group in enumerate(groups):
            if k:
                out.append("\n")
            out.append_text(_render_one(group, width=width, height=panel_h, xlabel=xlabel,
                                        ylabel=axis_label(group),
                                        colors=[next(i for i, t in enumerate(traces) if t is tr)
                                                for tr in group]))
        return out
    return _render_one(traces, width=width, height=height, xlabel=xlabel,
                       ylabel=axis_label(traces) if ylabel is None else ylabel, title=title)


def _render_one(traces: list[Trace], *, width: int, height: int, xlabel: str, ylabel: str,
                title: str | None = None, colors: list[int] | None = None) -> Text:
    colors = colors or list(range(len(traces)))
    box = _bounds(traces)
    x0, x1, y0, y1 = box
    yticks = nice_ticks(y0, y1, max(3, height // 4))
    ylabels = [fmt_tick(v) for v in yticks]
    gutter = max((len(s) for s in ylabels), default=1) + 1
    w = max(10, width - gutter - 1)
    h = max(4, height)
    cells: list[list[int]] = [[0] * w for _ in range(h)]
    owner: list[list[int]] = [[-1] * w for _ in range(h)]
    for k, tr in enumerate(traces):
        for c, r in _rasterize(tr, box, w, h):
            cells[r // 4][c // 2] |= _DOT[r % 4][c % 2]
            owner[r // 4][c // 2] = colors[k]
    tick_row = {}
    for v, s in zip(yticks, ylabels):
        row = int(round((y1 - v) / (y1 - y0) * (h - 1)))
        tick_row.setdefault(min(max(row, 0), h - 1), s)

    out = Text()
    if title:
        out.append(title + "\n", style="bold")
    if ylabel:
        out.append(ylabel.rjust(gutter) + "\n")
    for r in range(h):
        out.append(tick_row.get(r, "").rjust(gutter - 1) + " ")
        out.append("┤" if r in tick_row else "│")
        for c in range(w):
            bits = cells[r][c]
            if bits:
                out.append(chr(_BRAILLE + bits), style=COLORS[owner[r][c] % len(COLORS)])
            else:
                out.append(" ")
        out.append("\n")
    # x axis with ticks
    axis = ["─"] * w
    labels = [" "] * (w + 12)
    for v in nice_ticks(x0, x1, max(3, w // 12)):
        col = int(round((v - x0) / (x1 - x0) * (w - 1)))
        if 0 <= col < w:
            axis[col] = "┬"
            s = fmt_tick(v)
            start = min(max(col - len(s) // 2, 0), w + 12 - len(s))
            if all(ch == " " for ch in labels[max(start - 1, 0):start + len(s) + 1]):
                labels[start:start + len(s)] = list(s)
    out.append(" " * gutter + "└" + "".join(axis) + "\n")
    out.append(" " * (gutter + 1) + "".join(labels).rstrip() + "\n")
    out.append(" " * (gutter + 1) + xlabel.center(w).rstrip() + "\n")
    for k, tr in enumerate(traces):
        out.append(" " * (gutter + 1))
        out.append("⣿⣿ ", style=COLORS[colors[k] % len(COLORS)])
        unit = f" ({tr.units})" if tr.units else ""
        out.append(f"{tr.label}{unit}  [{fmt_tick(float(np.nanmin(tr.y)))} .. {fmt_tick(float(np.nanmax(tr.y)))}]\n")
    return out


def figure(traces: list[Trace], plt, *, xlabel: str = "t (ms)", ylabel: str | None = None,
           title: str | None = None):
    """A matplotlib figure of the traces: one panel per unit, stacked and sharing the time
    axis; each y axis labelled with its quantities and unit; a legend per panel; the title
    on top."""
    groups = [traces] if ylabel is not None else by_units(traces)
    fig, axes = plt.subplots(len(groups), 1, sharex=True, squeeze=False,
                             figsize=(8, 2.2 + 2.3 * len(groups)))
    color = 0
    for ax, group in zip(axes[:, 0], groups):
        for tr in group:
            ax.plot(tr.x, tr.y, label=tr.label, color=f"C{color % 10}")
            color += 1
        ax.set_ylabel(axis_label(group) if ylabel is None else ylabel)
        ax.legend(loc="best", fontsize="small")
        ax.grid(True, alpha=0.3)
    axes[-1, 0].set_xlabel(xlabel)
    if title:
        fig.suptitle(title)
    return fig


def save_png(traces: list[Trace], path: str, *, xlabel: str = "t (ms)", ylabel: str | None = None,
             title: str | None = None) -> None:
    """Write the traces to a PNG, SVG or PDF file (by extension) with matplotlib (the ``plot``
    extra), drawn by :func:`figure`."""
    from ..figures import check_format, pyplot, save

    check_format(path)
    plt = pyplot(path)
    save(figure(traces, plt, xlabel=xlabel, ylabel=ylabel, title=title), plt, path)
