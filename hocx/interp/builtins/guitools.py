"""GUI containers and the space plot, headless as a ``nrniv -nogui``.

* ``VBox``/``HBox``/``Deck``: ``map()`` answers 1 and shows nothing; ``intercept(b)`` answers
  ``b``; ``ismapped()``/``dialog()`` 0.  ``ref(obj)`` makes the box hold a reference to
  ``obj`` (a PointProcessManager owns its VBox, which refs it back: both survive
  ``objref ocbox_``).  ``save("...")`` strings are kept, never used.
* ``RangeVarPlot("var")``: a space plot that works without a window: ``begin(x)``/``end(x)``
  in the accessed section, ``origin(x)``, ``left()``/``right()``, ``to_vector(y [, x])``
  give the nodes along the path and the variable's values there (NEURON's spaceplt.cpp:
  each node of the path once, arc lengths relative to the path's node nearest the root,
  shifted by the origin).
"""
from __future__ import annotations

from ...errors import HocRuntimeError, HocTypeError, Span
from ..objects import HocObject, StrRef, as_float, as_str, extend_class
from .gui import GuiObject


class _Box(GuiObject):
    hoc_class = "VBox"
    _answers = {"map": 1.0, "ismapped": 0.0, "dialog": 0.0, "priority": 1.0, "full_request": 1.0,
                "adjuster": 1.0, "adjust": 1.0, "dismiss_action": 1.0, "unmap": 0.0, "size": 0.0,
                "remove_last": 1.0, "remove": 1.0, "flip_to": 1.0}

    def __init__(self, interp=None, args=None, span: Span | None = None):
        super().__init__(interp, args, span)
        self.owner = None
        self.saved: list[str] = []

    def hoc_call(self, name, args, span=None):
        if name == "intercept":
            return 1.0 if args and as_float(args[0]) != 0 else 0.0
        if name == "ref":
            obj = args[0] if args else None
            reg = self.interp.objects
            if self.owner is not None:
                old, self.owner = self.owner, None
                reg.unref(old)
            if isinstance(obj, HocObject):
                reg.ref(obj)
                self.owner = obj
            return 1.0
        if name == "save":
            if args and isinstance(args[0], (str, StrRef)):
                self.saved.append(as_str(args[0]))
            return 1.0
        return self._answers.get(name, 1.0)

    def release_members(self) -> None:
        if self.owner is not None:
            old, self.owner = self.owner, None
            self.interp.objects.unref(old)


class VBox(_Box):
    """NEURON's VBox headless: a box of panels that is never shown."""
    hoc_class = "VBox"


class HBox(_Box):
    """NEURON's HBox headless."""
    hoc_class = "HBox"


class Deck(_Box):
    """NEURON's Deck headless."""
    hoc_class = "Deck"
    _answers = {**_Box._answers, "flip_to": -1.0}


class RangeVarPlot(GuiObject):
    """A space plot along a path between two points of the cell (works headless)."""

    hoc_class = "RangeVarPlot"

    def __init__(self, interp=None, args=None, span: Span | None = None):
        HocObject.__init__(self, interp, args, span)      # it works headless: no GUI warning
        if not args or not isinstance(args[0], (str, StrRef)):
            raise HocTypeError('RangeVarPlot("rangevar")', span)
        self.var = as_str(args[0])
        self.begin_at = None       # (section, x)
        self.end_at = None
        self.origin_x = 0.0

    def _cas_point(self, args, span):
        model = self.interp.model
        if model is None:
            raise HocRuntimeError("RangeVarPlot: no cable model in this session", span)
        return model.cas(span), as_float(args[0]) if args else 0.5

    # ---- the path ------------------------------------------------------------------
    @staticmethod
    def _chain(sec):
        out = []
        while sec is not None:
            out.append(sec)
            sec = sec.parent
        return out

    @staticmethod
    def _nodes(sec):
        """The node positions of a section in arc order: 0, the centres, 1."""
        n = sec.nseg
        return [0.0] + [(k + 0.5) / n for k in range(n)] + [1.0]

    def path(self):
        """[(section, x, len)] along the path, len relative to the node nearest the root."""
        if self.begin_at is None or self.end_at is None:
            return []
        (s1, x1), (s2, x2) = self.begin_at, self.end_at
        if not (s1.exists and s2.exists):
            return []
        c1, c2 = self._chain(s1), self._chain(s2)
        common = next((s for s in c1 if s in c2), None)
        if common is None:
            raise HocRuntimeError("SpacePlot: No path from begin to end points")

        def climb(chain, x):
            """Points from (chain[0], x) up to the common section: [(sec, x, distance from the
            start)], the x it lands on in the common section and the distance to there."""
            pts, d = [], 0.0
            for sec in chain:
                if sec is common:
                    return pts, x, d
                for p in reversed(self._nodes(sec)):
                    if p > x:
                        continue
                    if pts and pts[-1][1] == 0.0 and p == x and pts[-1][0].parent is sec:
                        continue          # the child's 0 end is this node: keep the child's
                    pts.append((sec, p, d + (x - p) * sec.L))
                d += x * sec.L
                x = sec.parent_x
            return pts, x, d

        up, xa, d_up = climb(c1, x1)
        down, xb, d_down = climb(c2, x2)
        lc = common.L
        top = min(xa, xb)                 # the path's node nearest the root
        s_top = d_up + (xa - top) * lc
        total = d_up + abs(xb - xa) * lc + d_down
        out = [(sec, p, d - s_top) for sec, p, d in up]
        mid = [p for p in self._nodes(common) if min(xa, xb) <= p <= max(xa, xb)]
        if xa > xb:
            mid.reverse()
        if up and mid and mid[0] == xa and up[-1][1] == 0.0:
            mid = mid[1:]
        tail = [(sec, p, total - d - s_top) for sec, p, d in reversed(down)]
        if down and mid and mid[-1] == xb and down[-1][1] == 0.0:
            mid = mid[:-1]
        out += [(common, p, d_up + abs(p - xa) * lc - s_top) for p in mid]
        return out + tail

    # ---- HOC methods ---------------------------------------------------------------
    def hoc_call(self, name, args, span=None):
        if name == "begin":
            self.begin_at = self._cas_point(args, span)
            return 1.0
        if name == "end":
            self.end_at = self._cas_point(args, span)
            return 1.0
        if name == "origin":
            self.origin_x = as_float(args[0]) if args else 0.0
            return 1.0
        if name in ("left", "right"):
            pts = self.path()
            if not pts:
                return self.origin_x
            return (pts[0] if name == "left" else pts[-1])[2] + self.origin_x
        if name == "d2root":
            return 0.0
        if name == "to_vector":
            return self._to_vector(args, span)
        return super().hoc_call(name, args, span)

    def _to_vector(self, args, span):
        if not args or len(args) > 2:
            raise HocRuntimeError("RangeVarPlot.to_vector takes 1 or 2 arguments.", span)
        pts = self.path()
        ys = [s.get_range(self.var, p, span) for s, p, _ in pts]
        _set_vector(args[0], ys, span)
        if len(args) > 1:
            _set_vector(args[1], [d + self.origin_x for _s, _p, d in pts], span)
        return float(len(pts))


def _set_vector(vec, values, span):
    fn = getattr(vec, "set_values", None)
    if fn is not None:
        fn(values)
        return
    vec.hoc_call("resize", [float(len(values))], span)
    for i, y in enumerate(values):
        vec.hoc_call("set", [float(i), float(y)], span)


def _is_artificial(sf, args, span=None):
    """StringFunctions.is_artificial(obj): 1 for an artificial cell (NetStim, IntFire1)."""
    mech = getattr(args[0], "mechanism", None) if args else None
    return 1.0 if getattr(mech, "kind", "") == "artificial" else 0.0


def _is_point_process(sf, args, span=None):
    """StringFunctions.is_point_process(obj): 1 for a point process or artificial cell."""
    mech = getattr(args[0], "mechanism", None) if args else None
    return 1.0 if getattr(mech, "kind", "") in ("point", "artificial") else 0.0


def _ivoc_style(interp, args, span=None):
    return 1.0


def install(interp) -> None:
    for cls in (VBox, HBox, Deck, RangeVarPlot):
        interp.register_class(cls.hoc_class, cls, doc=(cls.__doc__ or "").strip().split("\n")[0])
    extend_class("StringFunctions", "is_artificial", _is_artificial)
    extend_class("StringFunctions", "is_point_process", _is_point_process)
    interp.register_builtin("ivoc_style", _ivoc_style, kind="func",
                            doc='ivoc_style("*name", "value"): 1 (headless: nothing to style)')
