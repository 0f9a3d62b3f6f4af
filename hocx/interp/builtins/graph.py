"""NEURON's ``Graph`` headless: nothing is drawn, but everything it is asked to draw is kept.

A legacy script builds its figures with ``g = new Graph()``, ``g.size(0, tstop, -80, 40)``,
``g.addvar("soma.v(0.5)")`` / ``g.addexpr("ina(0.5)*100")``, puts the Graph in stdrun's
``graphList[0]`` (``addplot(g, 0)``), and ``run()`` calls ``g.begin()`` at the start and
``g.plot(t)`` after every step (stdlib/stdrun.hoc ``Plot()``).  hocx keeps the (t, y)
points each ``plot(t)`` gives every variable, the lines drawn with ``beginline``/``line``,
``mark``, ``label``, ``Vector.plot(g, ...)`` / ``Vector.line(g, ...)``, and the colours and
brushes asked for, so a front end can draw the figure later (``hocx --plots DIR``, from
:meth:`Graph.figure`).  ``view_count()`` stays 0 as in a headless nrniv.

Expressions are parsed once, when they are added, and evaluated in the context they were
added in (the top level, or the template instance whose code called ``addvar``) with the
section that was accessed then (as NEURON does for ``addvar("v(.5)")``).
"""
from __future__ import annotations

from array import array
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ...errors import HocError, HocSyntaxError, HocTypeError, Span
from ..objects import StrRef, as_float
from ..scope import CallFrame
from .gui import GuiObject

#: the note written once per session, the first time a Graph is made
NOTE = "hocx: Graph windows are not shown headless; their lines are kept (hocx --plots DIR saves them)\n"


@dataclass
class GraphLine:
    """One curve of a Graph: what it plots and the points it got."""

    label: str
    kind: str                      # "var" (addvar/addexpr), "line" (beginline), "vector", "mark"
    color: int = 1
    brush: int = 1
    x: array = field(default_factory=lambda: array("d"))     # 8 bytes a point: long runs fit
    y: array = field(default_factory=lambda: array("d"))
    expr: Any = None               # parsed expression (kind "var")
    pointer: Any = None            # a Pointer (addvar(&x))
    section: Any = None            # the section accessed when the expression was added
    frame: Any = None              # the template instance's context it was added in (or top)
    yvec: Any = None               # Vector.plot(g, ...): read when the figure is drawn
    xvec: Any = None
    dx: float = 1.0
    style: str = ""                # mark style character

    def points(self) -> tuple[np.ndarray, np.ndarray]:
        if self.yvec is not None:
            y = np.asarray(self.yvec, dtype=float).copy()
            if self.xvec is not None:
                x = np.asarray(self.xvec, dtype=float)[:len(y)].copy()
                y = y[:len(x)]
            else:
                x = np.arange(len(y)) * self.dx
            return x, y
        return np.asarray(self.x, dtype=float), np.asarray(self.y, dtype=float)


class Graph(GuiObject):
    """NEURON's Graph: kept as data (the lines it would draw), shown by the front ends."""

    hoc_class = "Graph"
    returns: dict[str, float] = {}

    def __init__(self, interp: Any = None, args: list | None = None, span: Span | None = None):
        super(GuiObject, self).__init__(interp, args, span)
        if interp is not None and not getattr(interp, "_hocx_graph_noted", False):
            setattr(interp, "_hocx_graph_noted", True)
            err = getattr(interp, "err", None)
            if err is not None:
                err(NOTE)
        self.view = [0.0, 10.0, -1.0, 1.0]     # x0, x1, y0, y1 (NEURON's default size)
        self.sized = False                     # size(x0, x1, y0, y1) was called
        self.lines: list[GraphLine] = []      # addvar/addexpr curves, in order
        self.kept: list[GraphLine] = []       # curves kept from earlier runs (Keep Lines)
        self.drawn: list[GraphLine] = []      # beginline/line, mark, Vector.plot/line
        self.labels: list[tuple[float | None, float | None, str]] = []
        self.axis_labels: dict[str, str] = {}
        self.keep_lines = False
        self.color_now, self.brush_now = 1, 1
        self._current: GraphLine | None = None
        self.plots = 0                         # plot(x) calls (for tests and the front ends)

    # ---- dispatch -------------------------------------------------------------------
    _METHODS = frozenset({"size", "hocx_view", "addvar", "addexpr", "plot", "begin", "erase", "erase_all",
                          "flush", "fastflush", "xaxis", "yaxis", "label", "color", "brush",
                          "beginline", "line", "mark", "exec_menu", "family"})

    def hoc_call(self, name: str, args: list, span: Span | None = None) -> Any:
        if name in self._METHODS:
            args = [a.value if isinstance(a, StrRef) else a for a in args]
            return getattr(self, "g_" + name)(args, span)
        return super().hoc_call(name, args, span)

    # ---- view ---------------------------------------------------------------------------
    def g_size(self, args, span):
        if len(args) >= 4:
            self.view = [as_float(a) for a in args[:4]]
            self.sized = True
            return 0.0
        return 0.0          # size(i): 0 in a headless nrniv (the view is in self.view)

    def g_hocx_view(self, args, span):
        """hocx_view(i): coordinate i (1..4: x0, x1, y0, y1) of the kept view (stdrun's
        tstop_changed keeps the y range with it; size(i) is 0 headless)."""
        i = int(as_float(args[0])) if args else 0
        return self.view[i - 1] if 1 <= i <= 4 else 0.0

    def g_xaxis(self, args, span):
        return 1.0

    def g_yaxis(self, args, span):
        return 1.0

    def g_label(self, args, span):
        """label(x, y, "text") at relative window coordinates, or label("text") below the last."""
        texts = [a for a in args if isinstance(a, str)]
        if not texts:
            return 1.0
        text = texts[0]
        nums = [as_float(a) for a in args[:2] if isinstance(a, float)]
        x, y = (nums[0], nums[1]) if len(nums) == 2 else (None, None)
        self.labels.append((x, y, text))
        return 1.0

    def g_color(self, args, span):
        if args:
            self.color_now = int(as_float(args[0]))
        return 1.0

    def g_brush(self, args, span):
        if args:
            self.brush_now = int(as_float(args[0]))
        return 1.0

    def g_exec_menu(self, args, span):
        if args and isinstance(args[0], str) and args[0].strip().lower() == "keep lines":
            self.keep_lines = not self.keep_lines
        return 1.0

    def g_family(self, args, span):
        if args and not isinstance(args[0], str):
            self.keep_lines = as_float(args[0]) != 0
        return 1.0

    # ---- curves -------------------------------------------------------------------------
    def _style(self, args: list, start: int) -> tuple[int, int]:
        nums = [as_float(a) for a in args[start:start + 2] if isinstance(a, float)]
        color = int(nums[0]) if nums else self.color_now
        brush = int(nums[1]) if len(nums) > 1 else self.brush_now
        return color, brush

    def _add(self, args, span, what: str):
        """addvar/addexpr: (expr), (expr, color, brush), ("label", expr, color, brush)."""
        if not args:
            raise HocTypeError(f"Graph.{what} needs a variable name or an expression", span)
        label, start = None, 1
        if len(args) > 1 and (isinstance(args[1], str) or hasattr(args[1], "get")):
            label, target, start = str(args[0]), args[1], 2
        else:
            target = args[0]
        color, brush = self._style(args, start)
        line = GraphLine(label or "", "var", color, brush)
        if isinstance(target, str):
            line.label = label or target
            line.expr = _parse(self.interp, target, what, span)
            line.section = _cas(self.interp)
            obj = getattr(self.interp.frame, "obj", None)
            line.frame = self.interp.top if obj is None else CallFrame(None, [], [], obj=obj)
        elif hasattr(target, "get"):
            line.pointer = target
            line.label = label or "pointer"
        else:
            raise HocTypeError(f"Graph.{what}: the variable must be a string or a pointer", span)
        self.lines.append(line)
        return 1.0

    def g_addvar(self, args, span):
        return self._add(args, span, "addvar")

    def g_addexpr(self, args, span):
        return self._add(args, span, "addexpr")

    def g_plot(self, args, span):
        """plot(x): a point (x, value) on every addvar/addexpr curve."""
        if not args:
            return 1.0
        x = as_float(args[0])
        self.plots += 1
        for line in self.lines:
            line.x.append(x)
            line.y.append(self._value(line, span))
        return 1.0

    def g_begin(self, args, span):
        """The next plot(x) starts every curve afresh (earlier points kept with Keep Lines)."""
        for line in self.lines:
            if self.keep_lines and line.x:
                self.kept.append(GraphLine(line.label, "kept", line.color, line.brush,
                                           array("d", line.x), array("d", line.y)))
            line.x, line.y = array("d"), array("d")
        return 1.0

    def g_erase(self, args, span):
        """Remove what was drawn; the addvar/addexpr curves stay, without points."""
        for line in self.lines:
            line.x, line.y = array("d"), array("d")
        self.kept.clear()
        self.drawn.clear()
        self._current = None
        return 1.0

    def g_erase_all(self, args, span):
        self.g_erase(args, span)
        self.lines.clear()
        self.labels.clear()
        return 1.0

    def g_flush(self, args, span):
        return 1.0

    def g_fastflush(self, args, span):
        return 1.0

    def g_beginline(self, args, span):
        """beginline(), beginline(color, brush), beginline("label", color, brush)."""
        label = str(args[0]) if args and isinstance(args[0], str) else ""
        color, brush = self._style(args, 1 if label else 0)
        self._current = GraphLine(label, "line", color, brush)
        self.drawn.append(self._current)
        return 1.0

    def g_line(self, args, span):
        if len(args) < 2:
            raise HocTypeError("Graph.line needs x and y", span)
        if self._current is None:
            self.g_beginline([], span)
        self._current.x.append(as_float(args[0]))
        self._current.y.append(as_float(args[1]))
        return 1.0

    def g_mark(self, args, span):
        """mark(x, y, "style", size, color, brush)."""
        if len(args) < 2:
            raise HocTypeError("Graph.mark needs x and y", span)
        style = str(args[2]) if len(args) > 2 and isinstance(args[2], str) else "o"
        rest = [a for a in args[3:] if isinstance(a, float)]
        color = int(rest[1]) if len(rest) > 1 else self.color_now
        self.drawn.append(GraphLine("", "mark", color, self.brush_now, array("d", [as_float(args[0])]),
                                    array("d", [as_float(args[1])]), style=style))
        return 1.0

    def vector_line(self, yvec, args: list, live: bool, span: Span | None = None) -> None:
        """``yvec.plot(g, xvec|dx, color, brush)`` (live: drawn with the Vector's values at the
        time of the figure) and ``yvec.line(...)`` (the values now)."""
        xvec, dx, rest = None, 1.0, list(args)
        if rest and hasattr(rest[0], "__array__"):
            xvec = rest.pop(0)
        elif rest and isinstance(rest[0], float):
            dx = rest.pop(0)
        color = int(rest[0]) if rest and isinstance(rest[0], float) else self.color_now
        brush = int(rest[1]) if len(rest) > 1 and isinstance(rest[1], float) else self.brush_now
        label = yvec.hoc_name() if hasattr(yvec, "hoc_name") else "Vector"
        line = GraphLine(label, "vector", color, brush, yvec=yvec, xvec=xvec, dx=dx)
        if not live:
            x, y = line.points()
            line = GraphLine(label, "vector", color, brush, array("d", x), array("d", y))
        self.drawn.append(line)

    # ---- evaluation -----------------------------------------------------------------------
    def _value(self, line: GraphLine, span) -> float:
        interp = self.interp
        if line.pointer is not None:
            return float(line.pointer.get())
        frame = interp.frame
        model = interp.model
        pushed = False
        try:
            interp.frame = line.frame or interp.top
            if line.section is not None and getattr(line.section, "exists", True):
                model.push(line.section)
                pushed = True
            return float(interp.ev(line.expr))
        except HocError:
            return float("nan")           # a deleted section, a removed mechanism: a gap
        finally:
            if pushed:
                model.pop()
            interp.frame = frame

    # ---- for the front ends -------------------------------------------------------------
    def figure(self) -> dict:
        """Everything the Graph was asked to draw: view, labels and lines with their points."""
        lines = []
        for line in self.kept + self.lines + self.drawn:
            x, y = line.points()
            lines.append({"label": line.label, "kind": line.kind, "color": line.color,
                          "brush": line.brush, "style": line.style, "x": x, "y": y})
        return {"name": self.hoc_name(), "view": list(self.view), "sized": self.sized,
                "labels": list(self.labels),
                "lines": lines, "plots": self.plots}


def _parse(interp, text: str, what: str, span: Span | None):
    from ...syntax import parse_items

    try:
        items = list(parse_items(text + "\n", f"<Graph.{what}>", interp))
    except HocSyntaxError as e:
        raise HocSyntaxError(f"Graph.{what}: cannot read {text!r}: {e.message}", span) from None
    stmt = getattr(items[0], "stmt", None) if len(items) == 1 else None
    expr = getattr(stmt, "expr", None)
    if expr is None or not getattr(items[0], "echo", None):
        raise HocSyntaxError(f"Graph.{what}: {text!r} is not an expression", span,
                             hint='for example g.addvar("soma.v(0.5)") or g.addexpr("ina(0.5)*1000")')
    return expr


def _cas(interp):
    model = getattr(interp, "model", None)
    if model is None or not model.sections:
        return None
    try:
        return model.cas()
    except HocError:
        return None


def install(interp) -> None:
    interp.register_class("Graph", Graph, doc="NEURON's Graph: headless, keeps the lines it is asked to draw")
