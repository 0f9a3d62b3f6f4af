"""GUI calls in a headless hocx: accepted, harmless, one warning per name.

Legacy scripts call ``xpanel``/``xbutton``/``Graph``... everywhere (language.md
§4.4).  nrniv runs them without a display; hocx does the same: every GUI
function returns what nrniv returns headless (0 for widgets, 1 for
``doNotify``/``doEvents``/``continue_dialog``), never changes variables (so
``xvalue("Tstop", "tstop")`` leaves tstop alone), and writes one line to stderr
per distinct name: ``hocx: GUI call xpanel ignored (headless)``.

GUI classes (Graph, VBox, Shape, ...) make real objects with names like
``Graph[0]`` that can sit in Lists (stdrun calls ``g.begin()``, ``g.flush()``
on every graph); every method is accepted and returns nrniv's headless value.
"""
from __future__ import annotations

from typing import Any

from ...errors import Span
from ..objects import HocObject


def warn_once(interp, name: str) -> None:
    """Write ``hocx: GUI call NAME ignored (headless)`` to stderr the first time NAME is used."""
    seen = getattr(interp, "_hocx_gui_warned", None)
    if seen is None:
        seen = set()
        setattr(interp, "_hocx_gui_warned", seen)
    if name in seen:
        return
    seen.add(name)
    err = getattr(interp, "err", None)
    if err is not None:
        err(f"hocx: GUI call {name} ignored (headless)\n")


# function name -> value nrniv returns headless
GUI_FUNCTIONS: dict[str, float] = {
    **{n: 0.0 for n in (
        "xpanel", "xbutton", "xvalue", "xpvalue", "xlabel", "xmenu", "xcheckbox", "xstatebutton",
        "xradiobutton", "xslider", "xvarlabel", "xfixedvalue", "boolean_dialog", "string_dialog",
        "pwman_place", "save_session", "print_session", "ivoc_style", "show_winio",
        "graph", "graphmode", "plot", "plotx", "ploty", "plt", "axis", "regraph", "setcolor", "lw",
        "nrnallsectionmenu", "nrnallpointmenu", "nrnsecmenu", "nrnglobalmechmenu", "nrnmechmenu",
        "nrnpointmenu", "clipboard_retrieve", "clipboard_set",
    )},
    "doNotify": 1.0,
    "doEvents": 1.0,
    "continue_dialog": 1.0,
}

# stdgui/nrngui procedures that only build windows (no value, nothing echoed)
GUI_PROCS: tuple[str, ...] = (
    "nrnmainmenu", "nrncontrolmenu", "newPlotV", "newPlotI", "newPlotS", "newPlot",
    "newshapeplot", "newvectorplot", "newphaseplane", "graphmenu", "distmechmenu",
    "miscellaneousmenu", "pointprocessesmenu", "nrnpointmenu_", "cvode_simgraph",
)


def _function(name: str, value: float):
    def fn(interp, args: list, span: Span | None = None) -> float:
        warn_once(interp, name)
        return value
    fn.__name__ = name
    fn.__doc__ = f"{name}(...): GUI call, ignored headless; returns {value:g}"
    return fn


def _proc(name: str):
    def fn(interp, args: list, span: Span | None = None) -> None:
        warn_once(interp, name)
        return None
    fn.__name__ = name
    fn.__doc__ = f"{name}(...): GUI procedure, ignored headless"
    return fn


class GuiObject(HocObject):
    """A headless GUI window/tool: every method is accepted and returns nrniv's headless value."""

    hoc_class = "GuiObject"
    default_return: float = 1.0
    returns: dict[str, float] = {}
    # methods that answer 0 headless on every GUI class
    _zero = frozenset({"size", "view_count", "exec_menu", "ismapped", "unmap", "count", "color_all",
                       "rotate", "observe", "point_mark", "len_scale"})

    def __init__(self, interp: Any = None, args: list | None = None, span: Span | None = None):
        super().__init__(interp, args, span)
        warn_once(interp, self.hoc_class)

    def has_member(self, name: str) -> bool:
        return True

    def hoc_call(self, name: str, args: list, span: Span | None = None) -> Any:
        if name in self.returns:
            return self.returns[name]
        return 0.0 if name in self._zero else self.default_return

    def hoc_get(self, name: str, index: float | None = None, span: Span | None = None) -> Any:
        return self.hoc_call(name, [], span)

    def hoc_set(self, name: str, value: Any, index: float | None = None, span: Span | None = None) -> None:
        pass


def _gui_class(name: str, default: float = 1.0, returns: dict[str, float] | None = None) -> type[GuiObject]:
    return type(name, (GuiObject,), {
        "hoc_class": name,
        "default_return": default,
        "returns": returns or {},
        "__doc__": f"NEURON's {name} (GUI): accepted headless, draws nothing.",
    })


GUI_CLASSES: dict[str, type[GuiObject]] = {
    "Graph": _gui_class("Graph"),
    "VBox": _gui_class("VBox"),
    "HBox": _gui_class("HBox"),
    "PlotShape": _gui_class("PlotShape"),
    "Shape": _gui_class("Shape", returns={"show": 1.0, "view": 1.0, "flush": 1.0}, default=0.0),
    "Deck": _gui_class("Deck", returns={"flip_to": -1.0}),
    "PWManager": _gui_class("PWManager", default=0.0, returns={"manager": -1.0}),
    "RangeVarPlot": _gui_class("RangeVarPlot"),
    "SymChooser": _gui_class("SymChooser", default=0.0),
    "TextEditor": _gui_class("TextEditor", default=0.0),
    "Glyph": _gui_class("Glyph"),
    "ValueFieldEditor": _gui_class("ValueFieldEditor", default=0.0),
    "SectionBrowser": _gui_class("SectionBrowser", default=0.0),
    "PointBrowser": _gui_class("PointBrowser", default=0.0),
}


def install(interp) -> None:
    for name, value in GUI_FUNCTIONS.items():
        interp.register_builtin(name, _function(name, value), kind="func", doc="GUI (ignored headless)")
    for name in GUI_PROCS:
        interp.register_builtin(name, _proc(name), kind="proc", doc="GUI (ignored headless)")
    for name, cls in GUI_CLASSES.items():
        interp.register_class(name, cls, doc="GUI (ignored headless)")
