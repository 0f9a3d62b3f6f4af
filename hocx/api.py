"""The public Session: interpreter + built-ins + simulator plugin (front-end layer)."""
from __future__ import annotations

from .interp.interpreter import Interpreter
from .interp.builtins import install_all


class Session(Interpreter):
    """One HOC world: names, objects, sections, simulator state."""

    def __init__(self, **kw):
        super().__init__(**kw)
        install_all(self)
        from .sim.plugin import install as install_sim
        install_sim(self)


def run_file(path: str, **kw) -> Session:
    s = Session(**kw)
    s.execute_file(path)
    return s
