"""The public Session: interpreter + built-ins + simulator plugin (front-end layer)."""
from __future__ import annotations

import numpy as np

from . import lazy_plugins, show
from .interp.builtins import install_all
from .interp.interpreter import Interpreter


class Session(Interpreter):
    """One HOC world: names, objects, sections, simulator state.

    Keyword arguments go to ``Interpreter`` (``out``, ``err``, ``safe``,
    ``budget``, ``deadline``); ``mods``: paths of mechanisms to load at once (folders of
    ``.mod`` files, ``.mod`` files, NEURON libraries; see :meth:`load_mod`).
    """

    def __init__(self, *, mods=(), **kw):
        self.echoed_values: list = []     # what the last execute() echoed, in order
        self._api_depth = 0
        super().__init__(**kw)
        install_all(self)
        lazy_plugins.install(self)      # simulator & training: JAX is imported on first use
        show.install(self)
        if isinstance(mods, (str, bytes)) or hasattr(mods, "__fspath__"):
            mods = [mods]
        if mods:
            self.load_mod(*mods)

    def load_mod(self, *paths) -> list[str]:
        """Load mechanisms from ``.mod`` files (a folder's ``*.mod`` in name order, a file, or
        the sources of a NEURON library), as one load: every mod is translated, then
        registered.  Returns the names registered; raises the first error (a mod that does
        not translate: ``file.mod:line:col``; a name that exists: "The user defined name
        already exists") after registering the others."""
        res = self.mod_loader.load([str(p) for p in paths])
        if res.errors:
            raise res.errors[0]
        return [m.name for m in res.loaded]

    def __getattr__(self, name: str):
        # only reached for attributes not set yet: the plug-ins' own, before JAX is in
        if name in lazy_plugins.ATTRIBUTES and "builtins" in vars(self):
            lazy_plugins.load(self)
            return vars(self)[name]
        if name == "trainables" and "builtins" in vars(self):
            return []                   # none declared yet (make_trainable loads the plug-in)
        raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")

    # ---- running HOC from Python ------------------------------------------
    def execute(self, text: str, origin: str = "<string>", *, obj=None, from_file: bool = False,
                echo: bool = True):
        """Run HOC ``text``; return the value the *last* top-level expression echoed (a float,
        a string or an object), or None when nothing was echoed.  Every echoed value of this
        call, in order, is in ``self.echoed_values``.  ``s.execute("1 + 1")`` is 2.0 (and
        prints ``2`` as nrniv would); ``s.execute("x = 1")`` is None (assignments do not echo)."""
        self._api_depth += 1
        if self._api_depth == 1:
            self.echoed_values = []
        try:
            super().execute(text, origin, obj=obj, from_file=from_file, echo=echo)
        finally:
            self._api_depth -= 1
        return self.echoed_values[-1] if self._api_depth == 0 and self.echoed_values else None

    def echoed(self, value) -> None:
        if self._api_depth == 1:            # not the echoes of files it loads
            self.echoed_values.append(value)

    @property
    def h(self):
        """HOC's top-level names as attributes, as ``neuron.h``: ``s.h.tstop = 50``,
        ``s.h.soma``, ``s.h.vsoma``, ``s.h.run()``, ``s.h.Vector(3)``."""
        from .api_names import HocNames
        return HocNames(self)

    def table_frame(self):
        """The model table as a pandas DataFrame (one row per compartment)."""
        from .api_frames import frame
        return frame(self.table, "table_frame()")

    def edges_frame(self):
        """The edge table (point processes, NetCons, synapses) as a pandas DataFrame."""
        from .api_frames import frame
        return frame(self.edges, "edges_frame()")

    def plot(self, what: str, path: str | None = None):
        """Plot recorded traces with matplotlib and return the Figure, in the REPL ``plot``
        command's words: ``s.plot("rec_v")``, ``s.plot("v(0.5) soma dend [0:20]")``,
        ``s.plot('soma.ina(0.5) "sodium"')``.  One panel per unit, axes labelled with
        quantity and unit.  ``path`` (or ``> file`` in ``what``): also write a .png/.svg/.pdf.
        A location no Vector records raises "not recorded yet" (and is recorded from the
        next run on).  Needs matplotlib (``pip install 'hocx[plot]'``)."""
        from .repl.plot import figure
        from .repl.plotcmd import traces_for
        from .figures import pyplot, save

        traces, title, target = traces_for(self, what, path)
        if target:
            plt = pyplot(target)
            fig = figure(traces, plt, title=title)
            save(fig, plt, target)
            return fig
        try:
            import matplotlib.pyplot as plt
        except ImportError:
            plt = pyplot("the figure")          # raises the "matplotlib is not installed" error
        return figure(traces, plt, title=title)

    @property
    def table(self) -> dict[str, np.ndarray]:
        """The model table: one row per compartment, columns as numpy arrays."""
        return self.model.table().columns

    @property
    def edges(self) -> dict[str, np.ndarray]:
        """The edge table: point processes (and later NetCons and synapses)."""
        e = self.model.edges()
        return getattr(e, "columns", e)


def run_file(path: str, **kw) -> Session:
    s = Session(**kw)
    s.execute_file(path)
    return s
