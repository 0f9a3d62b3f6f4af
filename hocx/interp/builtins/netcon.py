"""``NetCon``: connections carrying events between cells (the class lives in hocx.model.netcon)."""
from __future__ import annotations

from ...model.netcon import NetCon


def install(interp) -> None:
    if getattr(interp, "model", None) is None:
        return
    interp.register_class("NetCon", NetCon, doc="a connection delivering events from a source to a target")
