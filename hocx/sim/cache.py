"""Compile cache: one :class:`~hocx.sim.integrator.Program` per structure key.

Values (conductances, stimulus times, geometry, dt, celsius) are arguments of the compiled
step, so they never cause a compile.  A structure change (topology, nseg, mechanism
placement, recording set, ``usetable_hh``) does; the cache says why, and counts compiles so
tests and benchmarks can show that a parameter change does not recompile.
"""
from __future__ import annotations

from collections import OrderedDict

from .integrator import Program, RecSource
from .lower import Lowered, describe_change


class CompileCache:
    """Programs by structure key (least recently used ones dropped beyond ``size``)."""

    def __init__(self, size: int = 8, chunk: int = 1000):
        self.size = size
        self.chunk = chunk
        self._programs: "OrderedDict[tuple, Program]" = OrderedDict()
        self._last_key: tuple | None = None
        self.reasons: list[str] = []     # why each new Program was built

    def get(self, low: Lowered, record: tuple[RecSource, ...], usetable: bool,
            chunk: int | None = None) -> Program:
        """The program for this structure (``chunk``: steps per call, default the cache's)."""
        chunk = chunk or self.chunk
        skey = low.structure_key(tuple(record), usetable)
        key = (skey, chunk)
        prog = self._programs.get(key)
        if prog is None:
            self.reasons.append(describe_change(self._last_key, skey))
            prog = Program(low, record, usetable, chunk)
            self._programs[key] = prog
            while len(self._programs) > self.size:
                _, old = self._programs.popitem(last=False)
                self._dropped += old.compiles
        else:
            self._programs.move_to_end(key)
        self._last_key = skey
        return prog

    @property
    def compiles(self) -> int:
        """Number of XLA compiles so far (each traced chunk length counts once)."""
        return sum(p.compiles for p in self._programs.values()) + self._dropped

    _dropped = 0

    @property
    def last_reason(self) -> str | None:
        return self.reasons[-1] if self.reasons else None
