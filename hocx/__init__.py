"""hocx: NEURON's HOC language on a differentiable JAX simulator."""
from __future__ import annotations

__version__ = "0.1.0"

from .errors import HocError, HocSyntaxError, HocNameError, HocTypeError, HocRuntimeError, ModelError, NumericalError, Span

__all__ = [
    "__version__", "Session", "run_file",
    "HocError", "HocSyntaxError", "HocNameError", "HocTypeError", "HocRuntimeError",
    "ModelError", "NumericalError", "Span",
]


def __getattr__(name):  # lazy: importing hocx must not import jax
    if name in ("Session", "run_file"):
        from . import api
        return getattr(api, name)
    raise AttributeError(name)
