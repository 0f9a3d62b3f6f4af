"""The public Session: interpreter + built-ins + simulator plugin (front-end layer)."""
from __future__ import annotations

from importlib import import_module

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
        try:
            show = import_module(f"{__package__}.show")
        except ImportError:
            show = None
        if show is not None and hasattr(show, "install"):
            show.install(self)


def run_file(path: str, **kw) -> Session:
    s = Session(**kw)
    s.execute_file(path)
    return s
