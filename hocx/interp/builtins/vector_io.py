"""Vector's text and binary file I/O: ``printf``, ``scanf``, ``vwrite``, ``vread``.

A mixin of :class:`~hocx.interp.builtins.vector.Vector`; it relies on the Vector's
storage (``_buf``, ``_n``, ``x``, ``assign``, ``_range``).  ``vwrite``/``vread`` use
NEURON's binary layout: an int32 count and type code, then the data.
"""
from __future__ import annotations

import numpy as np

from ...errors import HocRuntimeError, HocTypeError, Span
from ..objects import HocObject, StrRef
from ..printf import sprint as format_hoc
from .strings import chkarg, int_arg, str_arg

# NEURON's vwrite type codes hocx supports: 3 float, 4 double, 5 int
BINARY_TYPES = {3: "<f4", 4: "<f8", 5: "<i4"}


def _file_arg(method: str, args: list, span: Span | None):
    """The File that Vector.<method> reads or writes (its first argument)."""
    from .file import File   # file.py imports vector.py

    f = args[0] if args else None
    if not isinstance(f, File):
        raise HocTypeError(f"Vector.{method}: the first argument must be a File", span)
    return f


class VectorFileIO:
    """printf/scanf/vwrite/vread for Vector."""

    # ---- text and binary I/O ----------------------------------------------------------
    def m_printf(self, args: list, span: Span | None = None) -> float:
        from .file import File

        k, fmt, to_file, extra_newline = 0, "%g\t", None, True
        if args and (args[0] is None or isinstance(args[0], HocObject)):
            if not isinstance(args[0], File):
                raise HocTypeError("Vector.printf: the first argument must be a File", span)
            to_file, fmt, k = args[0], "%g\n", 1
        if len(args) > k and isinstance(args[k], (str, StrRef)):
            fmt, extra_newline, k = str_arg("printf", args, k, span), False, k + 1
        start, end = (0, self._n - 1)
        if len(args) > k:
            if len(args) < k + 2:
                raise HocRuntimeError("printf not enough arguments", span)
            start, end = self._range("printf", args, k, span)
        parts: list[str] = []
        for i in range(start, end + 1):
            parts.append(format_hoc(fmt, [float(self._buf[i])], fname="Vector.printf", span=span))
            if to_file is None and extra_newline and (i - start + 1) % 5 == 0:
                parts.append("\n")
        if to_file is not None or extra_newline:
            parts.append("\n")
        text = "".join(parts)
        if to_file is not None:
            to_file.write(text, span)
        else:
            self.interp.out(text)
        return float(end - start + 1)

    def m_scanf(self, args: list, span: Span | None = None) -> float:
        f = _file_arg("scanf", args, span)
        rd = f.require_reader(span)
        n, c, nc = -1, 1, 1
        if len(args) >= 4:
            n, c, nc = (int_arg("scanf", args, i, span) for i in (1, 2, 3))
        elif len(args) == 3:
            c, nc = int_arg("scanf", args, 1, span), int_arg("scanf", args, 2, span)
        elif len(args) == 2:
            n = int_arg("scanf", args, 1, span)
        vals: list[float] = []
        while (n < 0 or len(vals) < n) and not rd.eof():
            for _ in range(1, c):
                if not rd.eof():
                    rd.number(span)
            if not rd.eof():
                vals.append(rd.number(span))
            for _ in range(c, nc):
                if not rd.eof():
                    rd.number(span)
        self.assign(vals)
        return float(len(vals))

    def m_vwrite(self, args: list, span: Span | None = None) -> float:
        f = _file_arg("vwrite", args, span)
        kind = int(chkarg("vwrite", args, 1, 1, 5, span)) if len(args) > 1 else 4
        codes = BINARY_TYPES
        if kind not in codes:
            raise HocRuntimeError(f"Vector.vwrite: type {kind} (scaled integers) is not supported by hocx", span,
                                  hint="use type 3 (float), 4 (double) or 5 (int)")
        data = self.x.astype(np.int64).astype("<i4") if kind == 5 else self.x.astype(codes[kind])
        f.write(np.array([self._n, kind], dtype="<i4").tobytes() + data.tobytes(), span)
        return 1.0

    def m_vread(self, args: list, span: Span | None = None) -> float:
        f = _file_arg("vread", args, span)
        rd = f.require_reader(span)
        head = rd.data[rd.pos: rd.pos + 8]
        if len(head) < 8:
            return 0.0
        n, kind = (int(v) for v in np.frombuffer(head, dtype="<i4"))
        codes = BINARY_TYPES
        if kind not in codes:
            raise HocRuntimeError(f"Vector.vread: type {kind} is not supported by hocx", span)
        size = np.dtype(codes[kind]).itemsize * n
        body = rd.data[rd.pos + 8: rd.pos + 8 + size]
        rd.pos += 8 + size
        self.assign(np.frombuffer(body, dtype=codes[kind]).astype(float))
        return 1.0
