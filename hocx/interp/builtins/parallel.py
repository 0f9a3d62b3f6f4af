"""``ParallelContext`` with serial semantics: one host (``nhost() = 1``, ``id() = 0``).

What a NEURON model written for MPI does when nrniv runs it without MPI:
gids live on this host (``set_gid2node``, ``cell``, ``gid_exists``, ``gid2cell``),
``gid_connect`` makes an ordinary NetCon from the gid's spike source,
``spike_record`` records the sources' spikes (a later ``spike_record(gid, ...)`` takes that
gid out of an earlier ``spike_record(-1, ...)``), ``psolve(t)`` is stdrun's
``continuerun(t)``, collectives return their own argument, and the bulletin board runs
each submitted job inside ``working()``.  ``nrnbbcore_write`` (CoreNEURON export) is
refused with a clear error.
"""
from __future__ import annotations

from typing import Any

from ...errors import HocRuntimeError, HocTypeError, Span
from ..objects import HocObject, StrRef, as_float, as_str, extend_class


class ParallelContext(HocObject):
    hoc_class = "ParallelContext"
    hoc_objfuncs = ("gid2cell", "gid2obj", "gid_connect")
    hoc_doc = {
        "nhost": "number of hosts (1: serial)", "id": "this host's rank (0)",
        "set_gid2node": "set_gid2node(gid, id): the gid lives on host id",
        "cell": "cell(gid, netcon[, 1]): the NetCon's source is the gid's spike source",
        "gid_exists": "0 not here, 1 set_gid2node only, 2 a cell without output, 3 with output",
        "gid2cell": "the cell object of a gid", "gid2obj": "the cell object of a gid",
        "gid_connect": "gid_connect(srcgid, target): a NetCon from the gid's source",
        "threshold": "threshold(gid[, th]): the spike threshold of a gid",
        "spike_record": "spike_record(gid | -1, tvec, idvec)",
        "psolve": "psolve(t): integrate to t (stdrun's continuerun)",
        "submit": "submit(\"func\", args...): queue a job", "working": "run the next job; 0 when none",
        "retval": "the value the last job returned", "upkscalar": "the next argument of the last job",
    }

    def __init__(self, interp=None, args=None, span: Span | None = None):
        super().__init__(interp, args, span)
        self.gids: dict[int, int] = {}              # gid -> host (always 0 here)
        self.sources: dict[int, Any] = {}           # gid -> NetCon given to cell()
        self.output: dict[int, bool] = {}
        self.records: list[tuple[int, Any, Any]] = []
        self.jobs: list[tuple[int, str, list]] = []
        self.next_id = 1
        self.result = 0.0
        self.unpack: list = []
        self.maxstep = 1e9

    # ---- hosts -------------------------------------------------------------------
    def m_nhost(self, args, span=None):
        return 1.0

    def m_id(self, args, span=None):
        return 0.0

    def m_nhost_world(self, args, span=None):
        return 1.0

    def m_id_world(self, args, span=None):
        return 0.0

    def m_nthread(self, args, span=None):
        return 1.0

    # ---- gids --------------------------------------------------------------------
    @staticmethod
    def _gid(args, k, span, what):
        if len(args) <= k:
            raise HocTypeError(f"ParallelContext.{what}: missing gid argument", span)
        return int(as_float(args[k]))

    def m_set_gid2node(self, args, span=None):
        gid = self._gid(args, 0, span, "set_gid2node")
        host = int(as_float(args[1])) if len(args) > 1 else 0
        if host == 0:
            self.gids[gid] = host
        return 0.0

    def m_cell(self, args, span=None):
        gid = self._gid(args, 0, span, "cell")
        if gid not in self.gids:
            raise HocRuntimeError(f"gid={gid} has not been set on rank 0", span,
                                  hint="call pc.set_gid2node(gid, pc.id) first")
        if len(args) < 2 or getattr(args[1], "hoc_class", None) != "NetCon":
            raise HocTypeError("ParallelContext.cell(gid, netcon): the second argument must be a NetCon", span)
        nc = args[1]
        old = self.sources.get(gid)
        if old is not None and old is not nc:
            self.interp.objects.unref(old)
        if old is not nc:
            self.interp.objects.ref(nc)                 # the gid keeps its NetCon alive
        self.sources[gid] = nc
        self.output[gid] = (as_float(args[2]) != 0) if len(args) > 2 else True
        self._apply_records()
        return 0.0

    def m_outputcell(self, args, span=None):
        gid = self._gid(args, 0, span, "outputcell")
        if gid in self.sources:
            self.output[gid] = True
        return 0.0

    def m_gid_exists(self, args, span=None):
        gid = self._gid(args, 0, span, "gid_exists")
        if gid not in self.gids:
            return 0.0
        if gid not in self.sources:
            return 1.0
        return 3.0 if self.output.get(gid) else 2.0

    def _source_nc(self, gid, span, what):
        nc = self.sources.get(gid)
        if nc is None:
            raise HocRuntimeError(f"ParallelContext.{what}: gid={gid} has no spike source on this host",
                                  span)
        return nc

    def m_gid2cell(self, args, span=None):
        nc = self._source_nc(self._gid(args, 0, span, "gid2cell"), span, "gid2cell")
        cell = nc.m_precell([], span)
        return cell if cell is not None else nc.m_pre([], span)

    def m_gid2obj(self, args, span=None):
        return self.m_gid2cell(args, span)

    def m_threshold(self, args, span=None):
        nc = self._source_nc(self._gid(args, 0, span, "threshold"), span, "threshold")
        if len(args) > 1:
            nc.hoc_set("threshold", as_float(args[1]), None, span)
        return float(nc.threshold)

    def m_gid_connect(self, args, span=None):
        if len(args) < 2:
            raise HocTypeError("gid_connect(srcgid, target[, netcon])", span)
        gid = int(as_float(args[0]))
        src = self._source_nc(gid, span, "gid_connect").source
        nc = self.interp.new_object("NetCon", [src, args[1]], span)
        self.interp.hooks["pc_set_srcgid"](nc, gid)
        return nc

    # ---- spikes ------------------------------------------------------------------
    def m_spike_record(self, args, span=None):
        if len(args) != 3:
            raise HocTypeError("spike_record(gid | -1, tvec, idvec)", span)
        if getattr(args[0], "hoc_class", None) == "Vector":
            for g in args[0].x:
                self.records.append((int(g), args[1], args[2]))
        else:
            self.records.append((int(as_float(args[0])), args[1], args[2]))
        self._apply_records()
        return 0.0

    def _apply_records(self) -> None:
        """Each gid's NetCon records into the most recent spike_record that names it."""
        for gid, nc in self.sources.items():
            target = None
            for g, tvec, idvec in self.records:
                if g == gid or g == -1:
                    target = (tvec, idvec)
            if target is not None:
                nc.m_record([target[0], target[1], float(gid)], None)

    # ---- running -------------------------------------------------------------------
    def m_psolve(self, args, span=None):
        if not args:
            raise HocTypeError("psolve(tstop)", span)
        self.interp.call_proc("continuerun", [as_float(args[0])])
        return 0.0

    def m_set_maxstep(self, args, span=None):
        if args:
            self.maxstep = as_float(args[0])
        return float(self.maxstep)

    def m_nrnbbcore_write(self, args, span=None):
        raise HocRuntimeError("nrnbbcore_write: hocx has no CoreNEURON export", span,
                              hint="the model runs in hocx itself; remove the CoreNEURON step")

    def m_timeout(self, args, span=None):
        return 0.0

    def m_setup_transfer(self, args, span=None):
        return 0.0

    def m_barrier(self, args, span=None):
        return 0.0

    def m_allreduce(self, args, span=None):
        if not args:
            raise HocTypeError("allreduce(value, type)", span)
        if getattr(args[0], "hoc_class", None) == "Vector":
            return 0.0                                  # the Vector is its own reduction
        return as_float(args[0])

    def m_allgather(self, args, span=None):
        if len(args) == 2 and getattr(args[1], "hoc_class", None) == "Vector":
            args[1].hoc_call("resize", [1.0], span)
            args[1].hoc_call("fill", [as_float(args[0])], span)
        return 0.0

    def m_time(self, args, span=None):
        import time
        return time.perf_counter()

    def m_wait_time(self, args, span=None):
        return 0.0

    def m_step_time(self, args, span=None):
        return 0.0

    def m_send_time(self, args, span=None):
        return 0.0

    # ---- bulletin board ------------------------------------------------------------
    def m_runworker(self, args, span=None):
        return 0.0

    def m_done(self, args, span=None):
        return 0.0

    def m_submit(self, args, span=None):
        if not args:
            raise HocTypeError("submit(\"name\", args...)", span)
        name = as_str(args[0])
        rest = [a.value if isinstance(a, StrRef) else a for a in args[1:]]
        jid = self.next_id
        self.next_id += 1
        self.jobs.append((jid, name, rest))
        return float(jid)

    def m_working(self, args, span=None):
        if not self.jobs:
            return 0.0
        jid, name, rest = self.jobs.pop(0)
        r = self.interp.call_proc(name, list(rest))
        self.result = float(r) if isinstance(r, (int, float)) else 0.0
        self.unpack = list(rest)
        return float(jid)

    def m_retval(self, args, span=None):
        return self.result

    def m_userid(self, args, span=None):
        return 0.0

    def m_upkscalar(self, args, span=None):
        if not self.unpack:
            raise HocRuntimeError("upkscalar: nothing left to unpack", span)
        return as_float(self.unpack.pop(0))

    def m_upkstr(self, args, span=None):
        if not self.unpack:
            raise HocRuntimeError("upkstr: nothing left to unpack", span)
        v = self.unpack.pop(0)
        if args and isinstance(args[0], StrRef):
            args[0].set(as_str(v))
        return 0.0

    def m_context(self, args, span=None):
        if args:                                 # one host: run it here, once
            self.interp.call_proc(as_str(args[0]), list(args[1:]))
        return 0.0


def _srcgid(nc, args, span):
    get = nc.interp.hooks.get("netcon_srcgid") if nc.interp is not None else None
    return float(get(nc)) if get is not None else -1.0


def install(interp) -> None:
    interp.register_class("ParallelContext", ParallelContext,
                          doc="parallel simulation control (hocx: one host, serial)")
    srcgids: dict[int, int] = {}          # id(NetCon) -> the gid gid_connect made it from
    interp.hooks["pc_set_srcgid"] = lambda nc, gid: srcgids.__setitem__(id(nc), gid)
    interp.hooks["netcon_srcgid"] = lambda nc: srcgids.get(id(nc), -1)
    extend_class("NetCon", "srcgid", _srcgid)
