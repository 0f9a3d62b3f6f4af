"""``FInitializeHandler([type,] "stmt" [, obj])``: statements run inside ``finitialize()``.

Types, in the order finitialize() runs them (NEURON's fihandler):
  3  at the very start, before anything is initialized;
  0  after v is set to v_init, before the mechanisms' INITIAL blocks;
  1  (the default) after the INITIAL blocks, before the first record sample;
  2  at the very end.
With an object the statement runs in that object's context (``this``).  A handler lives
as long as its FInitializeHandler object: dropping the last reference removes it.
``allprint()`` lists every handler by type, as NEURON does.

The simulator calls ``interp.hooks["finitialize_stage"](type, v_init)`` at the four
points; it returns True when a handler of that type ran (so the simulator can pick up
what it changed).
"""
from __future__ import annotations

from ...errors import HocTypeError, Span
from ..objects import HocObject, StrRef, as_float, as_str


class FInitializeHandler(HocObject):
    hoc_class = "FInitializeHandler"
    hoc_doc = {"allprint": "list every FInitializeHandler statement by type"}

    def __init__(self, interp=None, args=None, span: Span | None = None):
        super().__init__(interp, args, span)
        args = list(args or [])
        self.type = 1
        if args and not isinstance(args[0], (str, StrRef)) and not isinstance(args[0], HocObject):
            self.type = int(as_float(args.pop(0)))
        if not args:
            raise HocTypeError("FInitializeHandler([type,] \"statement\" [, object])", span)
        if self.type not in (0, 1, 2, 3):
            raise HocTypeError(f"FInitializeHandler type {self.type}: must be 0, 1, 2 or 3", span)
        self.stmt = as_str(args[0])
        self.obj = args[1] if len(args) > 1 and isinstance(args[1], HocObject) else None
        self.span = span
        self.freed = False
        handlers(interp).append(self)

    def hoc_free(self) -> None:
        self.freed = True
        hs = handlers(self.interp)
        if self in hs:
            hs.remove(self)

    def text(self) -> str:
        return f"{self.obj.hoc_name()}.{self.stmt}" if self.obj is not None else self.stmt

    def m_allprint(self, args, span=None):
        for typ in (0, 1, 2, 3):
            hs = [h for h in handlers(self.interp) if h.type == typ]
            if hs:
                self.interp.out(f"Type {typ} FInitializeHandler statements\n")
                for h in hs:
                    self.interp.out(f"\t{h.text()}\n")
        return 0.0

    def run(self) -> None:
        # braced: a handler's value is never echoed
        self.interp.execute("{" + self.stmt + "}\n", "<FInitializeHandler>", obj=self.obj)


def handlers(interp) -> list:
    """The live handlers of ``interp``, in creation order (kept by the stage hook)."""
    return interp.hooks["finitialize_stage"].handlers


class _Stage:
    """The hook the simulator calls at each of the four points of finitialize()."""

    def __init__(self, interp):
        self.interp = interp
        self.handlers: list[FInitializeHandler] = []

    def __call__(self, typ: int, v_init: float | None = None) -> bool:
        hs = [h for h in self.handlers if h.type == typ and not h.freed]
        if not hs:
            return False
        if typ == 0 and v_init is not None:
            _set_v(self.interp.model, v_init)      # type 0 sees v = v_init already
        for h in hs:
            h.run()
        return True


def _set_v(model, v: float) -> None:
    for sec in model.sections:
        if not sec.exists:
            continue
        n = int(sec.nseg)
        for i in range(n):
            sec.set_range("v", (i + 0.5) / n, float(v))


def install(interp) -> None:
    interp.register_class("FInitializeHandler", FInitializeHandler,
                          doc="statements run at fixed points of finitialize() (types 0-3)")
    interp.hooks["finitialize_stage"] = _Stage(interp)
