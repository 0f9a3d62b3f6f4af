"""Image files with matplotlib (the optional ``plot`` extra): the REPL's ``plot ... > FILE``
and ``hocx --plots DIR``, which writes every legacy ``Graph`` of a run (front-end layer).

A Graph (hocx/interp/builtins/graph.py) keeps what a script asked it to draw; here it
becomes ``DIR/Graph_0.png`` with NEURON's colour and brush numbers, its ``size()`` view,
its labels and a legend, plus ``DIR/Graph_0.json`` with the same lines as numbers (the
figure's data, for tests and for re-plotting elsewhere).
"""
from __future__ import annotations

import json
import math
import os
import re
from typing import Any, TextIO

import numpy as np

from .errors import HocRuntimeError, HocSyntaxError
from .quantities import units_of

#: image formats matplotlib writes for us
FORMATS = (".png", ".svg", ".pdf")
#: NEURON's colour numbers (0 is the background colour)
NEURON_COLORS = ("white", "black", "red", "blue", "green", "orange", "brown", "violet",
                 "gold", "gray")
_RANGE_READ = re.compile(r"^\s*(?:[A-Za-z_][\w\[\]]*\s*\.\s*)?(?P<var>[A-Za-z_]\w*)\s*(?:\([^()]*\))?\s*$")


def check_format(path: str) -> None:
    """A HocSyntaxError unless ``path`` ends in .png, .svg or .pdf."""
    if os.path.splitext(path)[1].lower() not in FORMATS:
        raise HocSyntaxError(f"cannot tell the image format of {path}",
                             hint="use a file name ending in .png, .svg or .pdf")


def pyplot(path: str):
    """matplotlib.pyplot on the file-only Agg backend, or a HocRuntimeError saying how to get it."""
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        raise HocRuntimeError(
            f"cannot write {path}: matplotlib is not installed",
            hint="install it with: pip install 'hocx[plot]'  (or pip install matplotlib)",
        ) from None
    return plt


def save(fig, plt, path: str) -> None:
    """Write ``fig`` to ``path`` (format from the extension) and close it."""
    try:
        fig.tight_layout()
        fig.savefig(path)
    except OSError as exc:
        raise HocRuntimeError(f"cannot write {path}: {exc.strerror or exc}") from None
    finally:
        plt.close(fig)


# ---- Graphs ------------------------------------------------------------------------------
def graphs_of(session) -> list[Any]:
    """The session's Graph objects, in creation order."""
    objects = getattr(session, "objects", None)
    if objects is None:
        return []
    return [g for g in objects.instances("Graph") if hasattr(g, "figure")]


def file_stem(name: str) -> str:
    """``Graph[0]`` → ``Graph_0`` (no brackets in file names)."""
    return re.sub(r"[^\w.-]+", "_", name).strip("_")


def line_quantity(registry, label: str) -> tuple[str, str]:
    """(variable, unit) of what a Graph line plots when it plots one variable (``soma.v(0.5)``:
    ("v", "mV")); ("", "") for an expression."""
    m = _RANGE_READ.match(label)
    return (m.group("var"), units_of(registry, m.group("var"))) if m else ("", "")


def axis_label(registry, labels: list[str]) -> str:
    """``v (mV)`` when every line plots a variable in the same unit, else ""."""
    found = [line_quantity(registry, lab) for lab in labels]
    units = {u for _, u in found}
    if not found or len(units) != 1 or "" in units:
        return ""
    names = list(dict.fromkeys(q for q, _ in found))
    return f"{', '.join(names)} ({units.pop()})"


def _color(index: int) -> str:
    return NEURON_COLORS[index % len(NEURON_COLORS)] if index > 0 else "black"


def _finite_list(a: np.ndarray) -> list:
    return [float(v) if math.isfinite(v) else None for v in np.asarray(a, dtype=float)]


def graph_json(fig: dict, ylabel: str) -> dict:
    return {"name": fig["name"], "view": fig["view"], "plots": fig["plots"], "ylabel": ylabel,
            "labels": [{"x": x, "y": y, "text": t} for x, y, t in fig["labels"]],
            "lines": [{"label": ln["label"], "kind": ln["kind"], "color": ln["color"],
                       "brush": ln["brush"], "x": _finite_list(ln["x"]), "y": _finite_list(ln["y"])}
                      for ln in fig["lines"]]}


def draw_graph(fig: dict, path: str, *, units: str = "", title: str | None = None) -> None:
    """One Graph's lines as an image: its view as the axes (y widened to the data when most
    points fall outside), NEURON colours, brush as line width, labels where they were put."""
    plt = pyplot(path)
    figure, ax = plt.subplots(figsize=(8, 4.5))
    ys = []
    for ln in fig["lines"]:
        x, y = np.asarray(ln["x"], dtype=float), np.asarray(ln["y"], dtype=float)
        if not len(x):
            continue
        ys.append(y[np.isfinite(y)])
        color = _color(int(ln["color"]))
        if ln["kind"] == "mark":
            ax.plot(x, y, linestyle="none", marker=_marker(ln.get("style", "o")), color=color)
            continue
        width = max(0.8, float(ln["brush"]))
        ax.plot(x, y, color=color, linewidth=width, label=ln["label"] or None)
    xs = [np.asarray(ln["x"], dtype=float) for ln in fig["lines"] if len(ln["x"])]
    x0, x1, y0, y1 = (float(v) for v in fig["view"])
    sized = fig.get("sized", True)
    ax.set_xlim(*_limits(np.concatenate(xs) if xs else np.zeros(0), x0, x1, sized, pad=False))
    ax.set_ylim(*_limits(np.concatenate(ys) if ys else np.zeros(0), y0, y1, sized, pad=True))
    ax.set_xlabel("t (ms)")
    if units:
        ax.set_ylabel(units if "(" in units else f"({units})")
    stacked = 0
    for lx, ly, text in fig["labels"]:
        if lx is None:
            lx, ly = 0.02, 0.95 - 0.06 * stacked
            stacked += 1
        ax.text(lx, ly, text, transform=ax.transAxes, va="top")
    if any(ln["label"] and len(ln["x"]) and ln["kind"] != "mark" for ln in fig["lines"]):
        ax.legend(loc="best", fontsize="small")
    ax.grid(True, alpha=0.3)
    ax.set_title(title or fig["name"])
    save(figure, plt, path)


def _limits(data: np.ndarray, lo: float, hi: float, sized: bool, pad: bool) -> tuple[float, float]:
    """The Graph's view along one axis, or the data's range when the view was never set or
    would hide more than a tenth of the points (a headless figure must show its lines)."""
    data = data[np.isfinite(data)]
    if not data.size:
        return (lo, hi) if hi > lo else (0.0, 1.0)
    if sized and hi > lo and np.mean((data < lo) | (data > hi)) <= 0.1:
        return lo, hi
    lo, hi = float(data.min()), float(data.max())
    margin = ((hi - lo) * 0.05 or abs(hi) * 0.05 or 0.5) if pad else 0.0
    if hi == lo:
        margin = margin or 0.5
    return lo - margin, hi + margin


def _marker(style: str) -> str:
    return {"+": "+", "o": "o", "O": "o", "t": "^", "T": "^", "s": "s", "S": "s",
            "|": "|", "-": "_"}.get(style[:1], "o")


def write_graphs(session, directory: str, err: TextIO) -> bool:
    """``hocx --plots DIR``: every Graph that got something to draw, as DIR/NAME.png + .json.

    Reports what was written on ``err``; False when something could not be written."""
    graphs = graphs_of(session)
    registry = getattr(getattr(session, "model", None), "registry", None)
    try:
        os.makedirs(directory, exist_ok=True)
    except OSError as e:
        err.write(f"hocx: --plots: cannot create {directory}: {e.strerror}\n")
        return False
    written, empty, ok = [], [], True
    for g in graphs:
        fig = g.figure()
        if not any(len(ln["x"]) for ln in fig["lines"]):
            empty.append(fig["name"])
            continue
        unit = axis_label(registry, [ln["label"] for ln in fig["lines"]
                                     if len(ln["x"]) and ln["kind"] != "mark"])
        stem = os.path.join(directory, file_stem(fig["name"]))
        try:
            with open(stem + ".json", "w", encoding="utf-8") as fh:
                json.dump(graph_json(fig, unit), fh)
        except OSError as e:
            err.write(f"hocx: --plots: cannot write {stem}.json: {e.strerror}\n")
            ok = False
            continue
        try:
            draw_graph(fig, stem + ".png", units=unit)
        except HocRuntimeError as e:
            err.write(f"hocx: --plots: {e.message}" + (f" ({e.hint})" if e.hint else "") + "\n")
            ok = False
            continue
        written.append(os.path.basename(stem) + ".png")
    if written:
        err.write(f"hocx: --plots: wrote {', '.join(written)} (and .json data) to {directory}\n")
    if empty:
        err.write(f"hocx: --plots: nothing drawn in {', '.join(empty)}\n")
    if not graphs:
        err.write("hocx: --plots: the run made no Graph\n")
    return ok
