"""NEURON's ``Matrix`` (dense): ``x[i][j]``, rows/columns to and from Vectors,
products, transpose, inverse, solve, printf.

``m.x[i][j]`` reaches ``hoc_get("x", (i, j))`` / ``hoc_set("x", value, (i, j))``:
the interpreter passes a tuple when a field has two subscripts.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from ...errors import HocRuntimeError, HocTypeError, Span
from ..objects import HocObject, StrRef, as_float
from ..printf import c_int
from ..printf import sprint as format_hoc
from .strings import int_arg, num_arg, str_arg
from .strings import chkarg
from .vector import Vector, check_size, new_object, vec_arg
from . import method_docs


def mat_arg(fname: str, args: list, i: int, span: Span | None) -> "Matrix":
    if i >= len(args) or not isinstance(args[i], Matrix):
        raise HocTypeError(f"{fname}: argument {i + 1} must be a Matrix", span)
    return args[i]


class Matrix(HocObject):
    """A dense nrow x ncol matrix of doubles."""

    hoc_class = "Matrix"
    hoc_fields = ("x",)
    hoc_settable = ("x",)
    hoc_doc = {**method_docs.MATRIX,
        "x": "x[i][j]: element",
        "nrow": "nrow(): number of rows",
        "ncol": "ncol(): number of columns",
        "mulv": "mulv(vec[, vout]): matrix times vector",
        "printf": "printf([fmt]): print row by row",
    }

    def __init__(self, interp: Any = None, args: list | None = None, span: Span | None = None):
        super().__init__(interp, args, span)
        args = args or []
        nr = int(chkarg("Matrix", args, 0, 1, 1e9, span)) if args else 1
        nc = int(chkarg("Matrix", args, 1, 1, 1e9, span)) if len(args) > 1 else 1
        check_size(float(nr) * nc, span, "Matrix")
        self.m = np.zeros((nr, nc))

    # ---- elements ---------------------------------------------------------
    @property
    def x(self) -> np.ndarray:
        return self.m

    def _ij(self, index: Any, span: Span | None) -> tuple[int, int]:
        if not isinstance(index, (tuple, list)) or len(index) != 2:
            raise HocRuntimeError("Matrix.x needs two subscripts: m.x[i][j]", span)
        i, j = c_int(as_float(index[0])), c_int(as_float(index[1]))
        nr, nc = self.m.shape
        if not 0 <= i < nr:
            raise HocRuntimeError(f"subscript 0 index {i} of x out of range {nr}", span)
        if not 0 <= j < nc:
            raise HocRuntimeError(f"subscript 1 index {j} of x out of range {nc}", span)
        return i, j

    def hoc_get(self, name: str, index: Any = None, span: Span | None = None) -> Any:
        if name == "x":
            return float(self.m[self._ij(index, span)])
        return super().hoc_get(name, index, span)

    def hoc_set(self, name: str, value: Any, index: Any = None, span: Span | None = None) -> None:
        if name == "x":
            self.m[self._ij(index, span)] = as_float(value)
            return
        super().hoc_set(name, value, index, span)

    def _new(self, data: np.ndarray, span: Span | None) -> "Matrix":
        out = new_object(self.interp, Matrix, [float(data.shape[0]), float(data.shape[1])], span)
        out.m = np.array(data, dtype=float)
        return out

    def _vec(self, data: np.ndarray, span: Span | None, dest: Any = None) -> Vector:
        out = dest if isinstance(dest, Vector) else new_object(self.interp, Vector, [], span)
        out.assign(data)
        return out

    def _row(self, fname: str, args: list, span: Span | None) -> int:
        return int(chkarg(fname, args, 0, 0, self.m.shape[0] - 1, span))

    def _col(self, fname: str, args: list, span: Span | None) -> int:
        return int(chkarg(fname, args, 0, 0, self.m.shape[1] - 1, span))

    # ---- shape -------------------------------------------------------------
    def m_nrow(self, args: list, span: Span | None = None) -> float:
        return float(self.m.shape[0])

    def m_ncol(self, args: list, span: Span | None = None) -> float:
        return float(self.m.shape[1])

    def m_resize(self, args: list, span: Span | None = None) -> "Matrix":
        nr = int(chkarg("resize", args, 0, 1, 1e9, span))
        nc = int(chkarg("resize", args, 1, 1, 1e9, span))
        check_size(float(nr) * nc, span, "Matrix")
        new = np.zeros((nr, nc))
        r, c = min(nr, self.m.shape[0]), min(nc, self.m.shape[1])
        new[:r, :c] = self.m[:r, :c]
        self.m = new
        return self

    def m_zero(self, args: list, span: Span | None = None) -> "Matrix":
        self.m[:] = 0.0
        return self

    def m_ident(self, args: list, span: Span | None = None) -> "Matrix":
        self.m[:] = np.eye(*self.m.shape)
        return self

    def m_c(self, args: list, span: Span | None = None) -> "Matrix":
        return self._new(self.m, span)

    # ---- element access ---------------------------------------------------------
    def m_getval(self, args: list, span: Span | None = None) -> float:
        i, j = num_arg("getval", args, 0, span), num_arg("getval", args, 1, span)
        return float(self.m[self._ij((i, j), span)])

    def m_setval(self, args: list, span: Span | None = None) -> float:
        i, j = num_arg("setval", args, 0, span), num_arg("setval", args, 1, span)
        value = num_arg("setval", args, 2, span)
        self.m[self._ij((i, j), span)] = value
        return value

    def m_getrow(self, args: list, span: Span | None = None) -> Vector:
        return self._vec(self.m[self._row("getrow", args, span)], span, args[1] if len(args) > 1 else None)

    def m_getcol(self, args: list, span: Span | None = None) -> Vector:
        return self._vec(self.m[:, self._col("getcol", args, span)], span, args[1] if len(args) > 1 else None)

    def m_getdiag(self, args: list, span: Span | None = None) -> Vector:
        k = int_arg("getdiag", args, 0, span)
        if not -self.m.shape[0] < k < self.m.shape[1]:
            raise HocRuntimeError("Arg out of range in user function", span,
                                  hint=f"getdiag: the diagonal must be between {1 - self.m.shape[0]} and {self.m.shape[1] - 1}")
        return self._vec(np.diagonal(self.m, k), span, args[1] if len(args) > 1 else None)

    def _put(self, fname: str, args: list, span: Span | None, axis: int) -> "Matrix":
        k = self._row(fname, args, span) if axis == 0 else self._col(fname, args, span)
        length = self.m.shape[1 - axis]
        if len(args) > 1 and isinstance(args[1], Vector):
            v = args[1].x
            if len(v) != length:
                raise HocRuntimeError(f"Matrix.{fname}: the Vector must have {length} elements, not {len(v)}", span)
            value: Any = v
        else:
            value = num_arg(fname, args, 1, span)
        if axis == 0:
            self.m[k, :] = value
        else:
            self.m[:, k] = value
        return self

    def m_setrow(self, args: list, span: Span | None = None) -> "Matrix":
        return self._put("setrow", args, span, 0)

    def m_setcol(self, args: list, span: Span | None = None) -> "Matrix":
        return self._put("setcol", args, span, 1)

    # ---- algebra -------------------------------------------------------------------
    def m_mulv(self, args: list, span: Span | None = None) -> Vector:
        v = vec_arg("mulv", args, 0, span).x
        if len(v) != self.m.shape[1]:
            raise HocRuntimeError(f"Matrix.mulv: the Vector must have {self.m.shape[1]} elements", span)
        return self._vec(self.m @ v, span, args[1] if len(args) > 1 else None)

    def m_mulm(self, args: list, span: Span | None = None) -> "Matrix":
        other = mat_arg("mulm", args, 0, span)
        if self.m.shape[1] != other.m.shape[0]:
            raise HocRuntimeError("Matrix.mulm: the shapes do not match", span)
        return self._store(self.m @ other.m, args, 1, span)

    def m_add(self, args: list, span: Span | None = None) -> "Matrix":
        other = mat_arg("add", args, 0, span)
        if other.m.shape != self.m.shape:
            raise HocRuntimeError("Matrix.add: the shapes do not match", span)
        self.m += other.m
        return self

    def m_muls(self, args: list, span: Span | None = None) -> "Matrix":
        self.m *= num_arg("muls", args, 0, span)
        return self

    def _store(self, data: np.ndarray, args: list, i: int, span: Span | None) -> "Matrix":
        if len(args) > i and isinstance(args[i], Matrix):
            args[i].m = np.array(data, dtype=float)
            return args[i]
        return self._new(data, span)

    def m_transpose(self, args: list, span: Span | None = None) -> "Matrix":
        return self._store(self.m.T, args, 0, span)

    def m_inverse(self, args: list, span: Span | None = None) -> "Matrix":
        if self.m.shape[0] != self.m.shape[1]:
            raise HocRuntimeError("Matrix.inverse: the matrix must be square", span)
        try:
            inv = np.linalg.inv(self.m)
        except np.linalg.LinAlgError:
            raise HocRuntimeError("Matrix.inverse: the matrix is singular", span) from None
        return self._store(inv, args, 0, span)

    def m_det(self, args: list, span: Span | None = None) -> float:
        if self.m.shape[0] != self.m.shape[1]:
            raise HocRuntimeError("Matrix.det: the matrix must be square", span)
        return float(np.linalg.det(self.m))

    def m_solv(self, args: list, span: Span | None = None) -> Vector:
        b = vec_arg("solv", args, 0, span).x
        if self.m.shape[0] != self.m.shape[1] or len(b) != self.m.shape[0]:
            raise HocRuntimeError("Matrix.solv: needs a square matrix and a Vector of matching size", span)
        try:
            xs = np.linalg.solve(self.m, b)
        except np.linalg.LinAlgError:
            raise HocRuntimeError("Matrix.solv: the matrix is singular", span) from None
        dest = args[1] if len(args) > 1 and isinstance(args[1], Vector) else None
        return self._vec(xs, span, dest)

    # ---- output -----------------------------------------------------------------------
    def m_printf(self, args: list, span: Span | None = None) -> float:
        fmt = " %-8g"
        if args and isinstance(args[0], (str, StrRef)):
            fmt = str_arg("printf", args, 0, span)
        lines = []
        for row in self.m:
            lines.append("".join(format_hoc(fmt, [float(x)], fname="Matrix.printf", span=span) for x in row) + "\n")
        self.interp.out("".join(lines))
        return 0.0


def install(interp) -> None:
    interp.register_class("Matrix", Matrix, doc="a dense matrix of doubles")
