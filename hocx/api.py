"""The public Session: interpreter + built-ins + simulator plugin (front-end layer)."""
from __future__ import annotations

import numpy as np

from . import show
from .interp.builtins import install_all
from .interp.interpreter import Interpreter


class Session(Interpreter):
    """One HOC world: names, objects, sections, simulator state.

    Keyword arguments go to ``Interpreter`` (``out``, ``err``, ``safe``,
    ``budget``, ``deadline``).
    """

    def __init__(self, **kw):
        super().__init__(**kw)
        install_all(self)
        from .sim.plugin import install as install_sim
        install_sim(self)
        from .train.plugin import install as install_train
        install_train(self)
        show.install(self)

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
