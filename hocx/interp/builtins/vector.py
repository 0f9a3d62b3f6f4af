"""NEURON's ``Vector``: a resizable array of doubles with NEURON's methods.

Methods that NEURON declares as returning the Vector return ``self`` (so a bare
``v.append(1)`` at top level echoes ``Vector[0]``, C49); methods that create a
Vector (``c``, ``histogram``, ``sortindex``...) return a new one registered
through ``new_object``.  Comparisons in ``where``/``indwhere``/``contains`` use
``float_epsilon`` like NEURON.  Known NEURON quirks kept on purpose are marked
"(nrniv)".

``record`` and ``play`` forward to ``interp.hooks["record"|"play"](vec, target,
extra_args, span)``, installed by the simulator plugin.
"""
from __future__ import annotations

import math
from typing import Any

import numpy as np

from ...errors import HocRuntimeError, HocTypeError, Span
from ..objects import HocObject, StrRef, as_float
from ..printf import c_int
from .strings import chkarg, int_arg, need_args, num_arg, str_arg
from .vector_io import VectorFileIO
from .vector_math import VectorAnalysis
from . import method_docs

DMAXINT = 9007199254740992.0
MAX_ELEMENTS = 100_000_000   # hocx's limit (800 MB of doubles); NEURON would try to allocate


def check_size(n: float, span: Span | None, what: str = "Vector") -> int:
    """A size for an allocation, or a HocRuntimeError when hocx refuses it."""
    if not 0 <= n <= MAX_ELEMENTS:
        raise HocRuntimeError(f"{what} size {n:g} is too large (hocx allows {MAX_ELEMENTS:g} elements)", span)
    return int(n)
INDGEN_EPS = 1e-9


def new_object(interp, cls: type, args: list | None = None, span: Span | None = None) -> HocObject:
    """Create a built-in object and register it with the interpreter's object registry.

    The registry (``interp.objects.register``) numbers objects per class
    (``Vector[3]``) and frees them at the end of the statement unless referenced.
    """
    obj = cls(interp, list(args or []), span)
    registry = getattr(interp, "objects", None)
    if registry is not None and hasattr(registry, "register"):
        registry.register(obj)
    elif hasattr(interp, "adopt"):
        interp.adopt(obj)
    return obj


def epsilon(interp) -> float:
    """The session's ``float_epsilon`` (1e-11 by default)."""
    get = getattr(interp, "get_global", None)
    if get is not None:
        try:
            return float(get("float_epsilon"))
        except Exception:  # noqa: BLE001 - not declared yet: NEURON's default
            pass
    return 1e-11


def vec_arg(fname: str, args: list, i: int, span: Span | None) -> "Vector":
    """Argument ``i`` as a Vector."""
    need_args(fname, args, i + 1, span)
    v = args[i]
    if isinstance(v, Vector):
        return v
    got = "NULLobject" if v is None else (v.hoc_name() if isinstance(v, HocObject) else type(v).__name__)
    raise HocTypeError(f"{fname}: argument {i + 1} must be a Vector, not {got}", span)


def is_obj(v: Any) -> bool:
    return v is None or isinstance(v, HocObject)


def _cmp_mask(fname: str, data: np.ndarray, op: str, args: list, i: int, eps: float,
              span: Span | None) -> np.ndarray:
    """Boolean mask for NEURON's where/indwhere comparators (``==``, ``[)``, ...)."""
    a = num_arg(fname, args, i, span)
    if op in ("()", "[]", "[)", "(]"):
        b = num_arg(fname, args, i + 1, span)
        lo = data > a + eps if op[0] == "(" else data >= a - eps
        hi = data < b - eps if op[1] == ")" else data <= b + eps
        return lo & hi
    table = {
        "==": lambda: np.abs(data - a) <= eps,
        "!=": lambda: np.abs(data - a) > eps,
        ">": lambda: data > a + eps,
        "<": lambda: data < a - eps,
        ">=": lambda: data >= a - eps,
        "<=": lambda: data <= a + eps,
    }
    if op not in table:
        raise HocRuntimeError(f"Vector: Invalid comparator in .{fname}()", span,
                              hint='use one of == != > < >= <= () [] [) (]')
    return table[op]()


class Vector(VectorAnalysis, VectorFileIO, HocObject):
    """A NEURON Vector: ``x[i]`` elements, statistics, arithmetic, search, file I/O."""

    hoc_class = "Vector"
    hoc_fields = ("x",)
    hoc_settable = ("x",)
    hoc_doc = {**method_docs.VECTOR,
        "x": "x[i]: element i",
        "size": "size(): number of elements",
        "resize": "resize(n): change the size (new elements are 0)",
        "append": "append(x or vec, ...): add at the end",
        "indgen": "indgen([start,] [stop,] step): fill with an arithmetic sequence",
        "printf": "printf([file,] [fmt,] [i1, i2]): print the elements",
        "record": "record(&var[, Dt or tvec]): record a variable during run()",
    }

    def __init__(self, interp: Any = None, args: list | None = None, span: Span | None = None):
        super().__init__(interp, args, span)
        args = args or []
        self.label_text = ""
        if not args:
            self._buf = np.zeros(0)
        elif isinstance(args[0], Vector):          # hocx extension: copy constructor
            self._buf = args[0].x.copy()
        elif is_obj(args[0]) or isinstance(args[0], (str, StrRef)):
            raise HocTypeError("Vector(n[, fill]): n must be a number", span)
        else:
            n = check_size(int(chkarg("Vector", args, 0, 0, 1e10, span)), span)
            fill = num_arg("Vector", args, 1, span) if len(args) > 1 else 0.0
            self._buf = np.full(n, fill, dtype=float)
        self._n = len(self._buf)

    # ---- storage ------------------------------------------------------------
    @property
    def x(self) -> np.ndarray:
        """The elements (a view; valid until the next resize)."""
        return self._buf[: self._n]

    @x.setter
    def x(self, value: Any) -> None:   # `vec.x = 3` sets x[0], as for any HOC array
        self._set_elem(0, as_float(value), None)

    def resize_to(self, n: int) -> None:
        """Set the size to n, keeping the first elements and zero-filling new ones."""
        check_size(n, None)
        if n > len(self._buf):
            buf = np.zeros(max(n, 2 * len(self._buf)))
            buf[: self._n] = self._buf[: self._n]
            self._buf = buf
        elif n > self._n:
            self._buf[self._n: n] = 0.0
        self._n = n

    def assign(self, values: Any) -> None:
        """Replace the contents with ``values`` (anything numpy can make a 1-D array of)."""
        arr = np.asarray(values, dtype=float).reshape(-1)
        self._buf = arr.copy()
        self._n = len(arr)

    def push(self, values: Any) -> None:
        arr = np.atleast_1d(np.asarray(values, dtype=float))
        n0 = self._n
        self.resize_to(n0 + len(arr))
        self._buf[n0: self._n] = arr

    def __len__(self) -> int:
        return self._n

    def __array__(self, dtype=None, copy=None):
        """numpy's view of the elements: ``np.asarray(vec)`` shares memory (until a resize)."""
        arr = self.x if dtype is None else self.x.astype(dtype, copy=False)
        return arr.copy() if copy else arr

    def __repr__(self) -> str:
        return f"{HocObject.__repr__(self)} (size {self._n})"

    def _index(self, index: Any, span: Span | None) -> int:
        i = c_int(as_float(index[0] if isinstance(index, (tuple, list)) else index))
        if isinstance(index, (tuple, list)) and len(index) != 1:
            raise HocRuntimeError("wrong # of subscripts for Vector.x", span)
        if i < 0 or i >= self._n:
            raise HocRuntimeError(f"subscript 0 index {i} of x out of range {self._n}", span)
        return i

    def _set_elem(self, i: int, value: float, span: Span | None) -> None:
        if i < 0 or i >= self._n:
            raise HocRuntimeError(f"subscript 0 index {i} of x out of range {self._n}", span)
        self._buf[i] = value

    def hoc_get(self, name: str, index: Any = None, span: Span | None = None) -> Any:
        if name == "x":
            return float(self._buf[self._index(0 if index is None else index, span)])
        return super().hoc_get(name, index, span)

    def hoc_set(self, name: str, value: Any, index: Any = None, span: Span | None = None) -> None:
        if name == "x":
            i = self._index(0 if index is None else index, span)
            self._buf[i] = as_float(value)
            return
        super().hoc_set(name, value, index, span)

    def _range(self, fname: str, args: list, i: int, span: Span | None) -> tuple[int, int]:
        """Optional ``(start, end)`` arguments at ``i``, ``i+1`` (inclusive); whole vector if absent."""
        top = self._n - 1
        if len(args) > i:
            start = int(chkarg(fname, args, i, 0, top, span))
            end = int(chkarg(fname, args, i + 1, start, top, span))
            return start, end
        return 0, top

    def _src(self, args: list, fname: str, span: Span | None) -> tuple[np.ndarray, int]:
        """NEURON's ``possible_srcvec``: an optional leading source Vector (else self)."""
        if args and isinstance(args[0], Vector):
            return args[0].x.copy(), 1
        return self.x.copy(), 0

    # ---- size and filling ---------------------------------------------------
    def m_size(self, args: list, span: Span | None = None) -> float:
        return float(self._n)

    def m_resize(self, args: list, span: Span | None = None) -> "Vector":
        self.resize_to(int(chkarg("resize", args, 0, 0, 1e10, span)))
        return self

    def m_buffer_size(self, args: list, span: Span | None = None) -> float:
        if args:
            n = check_size(int(chkarg("buffer_size", args, 0, 0, 1e10, span)), span)
            if n > len(self._buf):
                buf = np.zeros(n)
                buf[: self._n] = self.x
                self._buf = buf
        return float(len(self._buf))

    def m_clear(self, args: list, span: Span | None = None) -> "Vector":
        self._n = 0
        return self

    def m_fill(self, args: list, span: Span | None = None) -> "Vector":
        value = num_arg("fill", args, 0, span)
        if len(args) > 1:
            start = int(chkarg("fill", args, 1, 0, self._n - 1, span))
            end = int(chkarg("fill", args, 2, start, self._n - 1, span))
            self._buf[start: end + 1] = value
        else:
            self.x[:] = value
        return self

    def m_indgen(self, args: list, span: Span | None = None) -> "Vector":
        n, start, step = self._n, 0.0, 1.0
        if len(args) >= 3:
            start, end = num_arg("indgen", args, 0, span), num_arg("indgen", args, 1, span)
            if not (math.isfinite(start) and math.isfinite(end)):
                raise HocRuntimeError("Vector.indgen: start and stop must be finite", span)
            step = chkarg("indgen", args, 2, min(start - end, end - start), max(start - end, end - start), span)
            q = (end - start) / step + INDGEN_EPS if step != 0 else math.inf
            xn = math.floor(q) + 1.0 if math.isfinite(q) else DMAXINT + 1
            if xn > DMAXINT:
                raise HocRuntimeError("size too large", span)
            if xn < 0:
                raise HocRuntimeError("empty set", span)
            n = check_size(xn, span)
            self.resize_to(n)
        elif len(args) == 2:
            start, step = num_arg("indgen", args, 0, span), chkarg("indgen", args, 1, -DMAXINT, DMAXINT, span)
        elif len(args) == 1:
            step = chkarg("indgen", args, 0, -DMAXINT, DMAXINT, span)
        self.x[:] = np.arange(n, dtype=float) * step + start
        return self

    def m_append(self, args: list, span: Span | None = None) -> "Vector":
        for i, a in enumerate(args):
            if isinstance(a, Vector):
                self.push(a.x.copy())
            else:
                self.push(num_arg("append", args, i, span))
        return self

    def m_insrt(self, args: list, span: Span | None = None) -> "Vector":
        i = int(chkarg("insrt", args, 0, 0, self._n, span))
        vals: list[float] = []
        for k, a in enumerate(args[1:], start=1):
            vals.extend(a.x.tolist() if isinstance(a, Vector) else [num_arg("insrt", args, k, span)])
        self.assign(np.concatenate([self.x[:i], vals, self.x[i:]]))
        return self

    def m_remove(self, args: list, span: Span | None = None) -> "Vector":
        start = int(chkarg("remove", args, 0, 0, self._n - 1, span))
        end = int(chkarg("remove", args, 1, start, self._n - 1, span)) if len(args) > 1 else start
        self.assign(np.concatenate([self.x[:start], self.x[end + 1:]]))
        return self

    def m_get(self, args: list, span: Span | None = None) -> float:
        return float(self._buf[int(chkarg("get", args, 0, 0, self._n - 1, span))])

    def m_set(self, args: list, span: Span | None = None) -> "Vector":
        i = int(chkarg("set", args, 0, 0, self._n - 1, span))
        self._buf[i] = num_arg("set", args, 1, span)
        return self

    def m_label(self, args: list, span: Span | None = None) -> str:
        if args:
            self.label_text = str_arg("label", args, 0, span)
        return self.label_text

    # ---- copies ---------------------------------------------------------------
    def m_c(self, args: list, span: Span | None = None) -> "Vector":
        start, end = self._range("c", args, 0, span)
        out = new_object(self.interp, Vector, [], span)
        out.assign(self.x[start: end + 1])
        return out

    def m_cl(self, args: list, span: Span | None = None) -> "Vector":
        out = self.m_c(args, span)
        out.label_text = self.label_text
        return out

    def m_at(self, args: list, span: Span | None = None) -> "Vector":
        return self.m_c(args, span)

    def m_copy(self, args: list, span: Span | None = None) -> "Vector":
        src = vec_arg("copy", args, 0, span).x.copy()
        rest = [num_arg("copy", args, k, span) for k in range(1, len(args))]
        dest = 0
        s0, s1 = 0, len(src) - 1
        if len(rest) in (1, 3):
            dest = c_int(rest[0])
            rest = rest[1:]
        if len(rest) == 2:
            s0, s1 = c_int(rest[0]), c_int(rest[1])
            if s1 == -1:
                s1 = len(src) - 1
            if s0 < 0 or s0 > len(src) or s1 < s0 - 1 or s1 >= len(src):
                raise HocRuntimeError("Vector.copy: source indices out of range", span)
        piece = src[s0: s1 + 1]
        need = check_size(dest + len(piece), span)
        if dest < 0:
            raise HocRuntimeError("Vector.copy: destination index must be >= 0", span)
        if need > self._n:
            self.resize_to(need)
        self._buf[dest: dest + len(piece)] = piece
        return self

    # ---- arithmetic -------------------------------------------------------------
    def _arith(self, fname: str, args: list, span: Span | None, op) -> "Vector":
        need_args(fname, args, 1, span)
        if isinstance(args[0], Vector):
            other = args[0].x
            if len(other) != self._n:
                raise HocRuntimeError(f"Vector Vector argument to .{fname}() wrong size", span)
            self.x[:] = op(self.x, other)
        else:
            self.x[:] = op(self.x, num_arg(fname, args, 0, span))
        return self

    def m_add(self, args: list, span: Span | None = None) -> "Vector":
        return self._arith("add", args, span, np.add)

    def m_sub(self, args: list, span: Span | None = None) -> "Vector":
        return self._arith("sub", args, span, np.subtract)

    def m_mul(self, args: list, span: Span | None = None) -> "Vector":
        return self._arith("mul", args, span, np.multiply)

    def m_div(self, args: list, span: Span | None = None) -> "Vector":
        if args and not isinstance(args[0], Vector) and num_arg("div", args, 0, span) == 0.0:
            raise HocRuntimeError("Vector Division by zero", span)
        with np.errstate(divide="ignore", invalid="ignore"):
            return self._arith("div", args, span, np.divide)

    def m_scale(self, args: list, span: Span | None = None) -> float:
        lo, hi = num_arg("scale", args, 0, span), num_arg("scale", args, 1, span)
        if self._n == 0:
            return 0.0
        mn, mx = float(self.x.min()), float(self.x.max())
        r = mx - mn
        if r <= 0:
            return 0.0
        sf = (hi - lo) / r
        self.x[:] = (self.x - mn) * sf + lo
        return sf

    def _unary(self, fname: str, args: list, span: Span | None, fn) -> "Vector":
        """vdest.f([vsrc]): apply fn to vsrc (default self) into self."""
        src, _ = self._src(args, fname, span)
        with np.errstate(all="ignore"):
            out = fn(src)
        self.assign(np.where(np.isnan(out), np.nan, out))   # NEURON prints such NaNs as "nan"
        return self

    def m_abs(self, args: list, span: Span | None = None) -> "Vector":
        return self._unary("abs", args, span, np.abs)

    def m_floor(self, args: list, span: Span | None = None) -> "Vector":
        return self._unary("floor", args, span, np.floor)

    def m_sqrt(self, args: list, span: Span | None = None) -> "Vector":
        src, _ = self._src(args, "sqrt", span)
        if np.any(src < 0):
            raise HocRuntimeError("sqrt argument out of domain", span, hint="Vector.sqrt of a negative element")
        return self._unary("sqrt", args, span, np.sqrt)

    def m_log(self, args: list, span: Span | None = None) -> "Vector":
        return self._unary("log", args, span, np.log)

    def m_log10(self, args: list, span: Span | None = None) -> "Vector":
        return self._unary("log10", args, span, np.log10)

    def m_tanh(self, args: list, span: Span | None = None) -> "Vector":
        return self._unary("tanh", args, span, np.tanh)

    def m_pow(self, args: list, span: Span | None = None) -> "Vector":
        src, k = self._src(args, "pow", span)
        p = num_arg("pow", args, k, span)
        with np.errstate(all="ignore"):
            self.assign(np.power(src, p))
        return self

    def m_apply(self, args: list, span: Span | None = None) -> "Vector":
        func = str_arg("apply", args, 0, span)
        start, end = self._range("apply", args, 1, span)
        # Interpreter.call_proc_by_name(name, args) (the API's call_proc(name, args))
        call = getattr(self.interp, "call_proc_by_name", None) or getattr(self.interp, "call_proc", None)
        if call is None:
            raise HocRuntimeError("Vector.apply needs an interpreter", span)
        for i in range(start, end + 1):
            self._buf[i] = as_float(call(func, [float(self._buf[i])]))
        return self

    def _random_fill(self, fname: str, args: list, span: Span | None, add: bool) -> "Vector":
        from .random import Random

        r = args[0] if args else None
        if not isinstance(r, Random):
            raise HocTypeError(f"Vector.{fname}: the first argument must be a Random", span)
        start, end = self._range(fname, args, 1, span)
        for i in range(start, end + 1):
            x = r.pick(span)
            self._buf[i] = self._buf[i] + x if add else x
        return self

    def m_setrand(self, args: list, span: Span | None = None) -> "Vector":
        return self._random_fill("setrand", args, span, add=False)

    def m_addrand(self, args: list, span: Span | None = None) -> "Vector":
        return self._random_fill("addrand", args, span, add=True)

    # ---- order, search ------------------------------------------------------------
    def m_sort(self, args: list, span: Span | None = None) -> "Vector":
        self.x[:] = np.sort(self.x, kind="stable")
        return self

    def m_reverse(self, args: list, span: Span | None = None) -> "Vector":
        self.x[:] = self.x[::-1].copy()
        return self

    def m_rotate(self, args: list, span: Span | None = None) -> "Vector":
        k = int_arg("rotate", args, 0, span)
        if self._n:
            self.x[:] = np.roll(self.x, k)
        return self

    def m_sortindex(self, args: list, span: Span | None = None) -> "Vector":
        out = vec_arg("sortindex", args, 0, span) if args else new_object(self.interp, Vector, [], span)
        out.assign(np.argsort(self.x, kind="stable").astype(float))
        return out

    def m_contains(self, args: list, span: Span | None = None) -> float:
        x = num_arg("contains", args, 0, span)
        return 1.0 if np.any(np.abs(self.x - x) <= epsilon(self.interp)) else 0.0

    def m_indwhere(self, args: list, span: Span | None = None) -> float:
        op = str_arg("indwhere", args, 0, span)
        hits = np.nonzero(_cmp_mask("indwhere", self.x, op, args, 1, epsilon(self.interp), span))[0]
        return float(hits[0]) if len(hits) else -1.0

    def m_indvwhere(self, args: list, span: Span | None = None) -> "Vector":
        src, k = self._src(args, "indvwhere", span)
        op = str_arg("indvwhere", args, k, span)
        mask = _cmp_mask("indvwhere", src, op, args, k + 1, epsilon(self.interp), span)
        self.assign(np.nonzero(mask)[0].astype(float))
        return self

    def m_where(self, args: list, span: Span | None = None) -> "Vector":
        src, k = self._src(args, "where", span)
        op = str_arg("where", args, k, span)
        mask = _cmp_mask("where", src, op, args, k + 1, epsilon(self.interp), span)
        self.assign(src[mask])
        return self

    def m_index(self, args: list, span: Span | None = None) -> "Vector":
        if len(args) >= 2:
            src, idx = vec_arg("index", args, 0, span).x.copy(), vec_arg("index", args, 1, span).x
        else:
            src, idx = self.x.copy(), vec_arg("index", args, 0, span).x
        ii = idx.astype(np.int64)
        if np.any((ii < 0) | (ii >= len(src))):
            raise HocRuntimeError("Vector.index: an index is out of range", span)
        self.assign(src[ii])
        return self

    # ---- simulator and GUI ---------------------------------------------------------------
    def _hook(self, name: str, args: list, span: Span | None) -> Any:
        hooks = getattr(self.interp, "hooks", None) or {}
        fn = hooks.get(name)
        if fn is None:
            raise HocRuntimeError(f"Vector.{name} needs the simulator", span,
                                  hint="run through hocx (with the simulation plugin) to record or play")
        need_args(name, args, 1, span)
        if name == "record" and isinstance(args[0], float):
            raise HocTypeError("Vector.record: A number was provided instead of a pointer.", span,
                               hint="did you forget an & (record(&soma.v(0.5)))?")
        fn(self, args[0], list(args[1:]), span)
        return self

    def m_record(self, args: list, span: Span | None = None) -> "Vector":
        return self._hook("record", args, span)

    def m_play(self, args: list, span: Span | None = None) -> "Vector":
        return self._hook("play", args, span)

    def m_play_remove(self, args: list, span: Span | None = None) -> float:
        hooks = getattr(self.interp, "hooks", None) or {}
        fn = hooks.get("play_remove")
        if fn is not None:
            fn(self, None, [], span)
        return 1.0

    def _gui(self, name: str) -> "Vector":
        from .gui import warn_once

        warn_once(self.interp, f"Vector.{name}")
        return self

    def m_plot(self, args: list, span: Span | None = None) -> "Vector":
        if args and hasattr(args[0], "vector_line"):      # a Graph keeps the line (graph.py)
            args[0].vector_line(self, args[1:], True, span)
            return self
        return self._gui("plot")

    def m_line(self, args: list, span: Span | None = None) -> "Vector":
        if args and hasattr(args[0], "vector_line"):
            args[0].vector_line(self, args[1:], False, span)
            return self
        return self._gui("line")

    def m_mark(self, args: list, span: Span | None = None) -> "Vector":
        return self._gui("mark")

    def m_ploterr(self, args: list, span: Span | None = None) -> "Vector":
        return self._gui("ploterr")


def install(interp) -> None:
    interp.register_class("Vector", Vector, doc="a resizable array of doubles")
