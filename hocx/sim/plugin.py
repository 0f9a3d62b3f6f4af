"""Plug the simulator into an interpreter: finitialize, fadvance, fcurrent, Vector.record, ...

(placeholder: filled in by the simulation owner)
"""


def install(interp) -> None:
    pass
