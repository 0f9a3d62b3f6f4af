"""The simulator proper: state on the device, the chunk loop, divergence checks.

:class:`Simulator` knows nothing about HOC.  It takes a :class:`~hocx.sim.lower.Lowered`
model, the step-wide :class:`~hocx.sim.integrator.Env` and a recording plan, and offers
``finitialize``, ``fcurrent`` and ``advance(nsteps)``; the interpreter plug-in
(:mod:`hocx.sim.plugin`) turns HOC calls into these.
"""
from __future__ import annotations

import signal
import threading
from typing import Callable

import numpy as np
import jax
import jax.numpy as jnp

from ..errors import NumericalError
from .cache import CompileCache
from . import events
from . import netreceive as NR
from .integrator import (GEN_KEYS, RUNAWAY_MV, Env, RecSource, current_pass, currents,
                         initial_states, pack_params, pack_state)
from .kernel import element
from .lower import Lowered


class Interrupted(Exception):
    """Ctrl-C arrived during a run; the state and recordings up to the last chunk are kept."""


class Simulator:
    """Fixed-step integration of one lowered model."""

    def __init__(self, chunk: int = 1000, cache: CompileCache | None = None):
        self.cache = cache or CompileCache(chunk=chunk)
        self.low: Lowered | None = None
        self.env = Env()
        self.record: tuple[RecSource, ...] = ()
        self.program = None
        self.params = None
        self.state = None
        self.t = 0.0
        self.queue: events.EventQueue | None = None

    # -- set-up ----------------------------------------------------------------------
    def load(self, low: Lowered, env: Env, record: tuple[RecSource, ...] = (),
             states: list[dict] | None = None, t: float | None = None) -> None:
        """Take a (re)lowered model; keeps compiled code when the structure is unchanged."""
        old_low, old_state = self.low, self.state
        if low.net is not None:
            low.net.set_dt(env.dt)
            old_net = old_low.net if old_low is not None else None
            if old_net is not None and old_net.ring > low.net.ring:
                low.net.ring = old_net.ring          # keep room for the events in flight
            if old_net is not None and old_net.gen is not None and low.net.gen is not None:
                low.net.gen.Q = max(low.net.gen.Q, old_net.gen.Q)   # a queue grown mid-run
        self.low, self.env, self.record = low, env, tuple(record)
        self.program = self.cache.get(low, self.record, env.usetable)
        self.params = pack_params(low, env)
        if states is None:
            states = [{k: blk.states.get(k, np.full(blk.count, np.nan)) for k in blk.mech.states}
                      for blk in low.blocks]
        if t is not None:
            self.t = float(t)
        asg = currents(low, low.v, states, self.t, env)
        self.state = pack_state(low.v, states, self.t, asg, self._net_state(old_low, old_state))

    def _net_state(self, old_low, old_state) -> dict | None:
        """Event state for the newly loaded network: events in flight are kept when the
        network's shape is unchanged (a weight or a parameter was edited mid-run)."""
        net = self.low.net
        if net is None:
            self.queue = None
            return None
        old = old_low.net if old_low is not None else None
        if old is None or old_state is None or "q" not in old_state or self.queue is None:
            # self-driven cells (NetStim) start at finitialize (their INITIAL block); until
            # then they are silent
            self.queue = events.EventQueue(net, live=False)
            return net.state0()
        self.queue.rebind(net)
        if old.key() == net.key():
            keep = ("q", "qi", "ep", "flags") + (GEN_KEYS if net.gen is not None else ())
            st = {k: old_state[k] for k in keep}
            if net.gen is not None:       # the weights as HOC has them (written back after runs)
                st["W"] = net.gen.state0()["W"]
            return st
        return events.carry_over(old, old_state, net)

    def set_env(self, env: Env) -> None:
        if env != self.env:
            net = self.low.net
            ring = net.ring if net is not None else 0
            if net is not None:
                net.set_dt(env.dt)
            if env.usetable != self.env.usetable or (net is not None and net.ring != ring):
                self.program = self.cache.get(self.low, self.record, env.usetable)
                if net is not None and net.ring != ring:
                    self.state = {**self.state, **{k: jnp.asarray(x) for k, x in net.state0().items()}}
            self.env = env
            self.params = pack_params(self.low, env)
        elif any(b.ptr_host for b in self.low.blocks):
            # POINTERs to plain HOC variables: HOC may have changed them since the last batch
            self.params = pack_params(self.low, env)

    # -- host-side operations ----------------------------------------------------------
    def finitialize(self, v_init: float | None = None) -> np.ndarray:
        """NEURON's finitialize (numerics.md §9.1); returns the t = 0 record sample."""
        low = self.low
        v = np.asarray(self.state["v"]).copy()
        if v_init is not None:
            v[:] = float(v_init)
        self.t = 0.0
        sends: list = []
        states = initial_states(low, v, self.env, sends)
        net_state = None
        if low.net is not None:
            net_state = low.net.state0()
            self.queue = events.EventQueue(low.net, env={"dt": self.env.dt,
                                                         "celsius": self.env.celsius})
            for tvec, idvec, _ in self.spike_vectors():
                tvec.resize_to(0)
                if idvec is not None:
                    idvec.resize_to(0)
            states = self._initial_events(states)
            if low.net.gen is not None:
                states, v, gst = self._initial_general(states, v, sends, net_state)
                net_state.update(gst)
        asg, states = current_pass(low, v, states, 0.0, self.env)   # finitialize's nrn_rhs
        self.state = pack_state(v, states, 0.0, asg, net_state)
        if low.net is not None and low.net.gen is not None:
            low.net.gen.write_weights(self.state["W"])
        return self.sample_now()

    def _initial_general(self, states, v, sends, net_state):
        """finitialize for the general NET_RECEIVE path: NET_RECEIVE INITIAL of every NetCon,
        then the events with te ≤ 0 (net_send of INITIAL blocks, NetStim spikes at 0), in
        time order on the host (numerics.md §9.1 steps 10–14)."""
        low, g = self.low, self.low.net.gen
        mechs = [b.mech for b in low.blocks]
        xp = np                       # the host pass runs the step's code with NumPy
        P = jax.tree_util.tree_map(np.asarray, pack_params(low, self.env))
        nodes = [np.asarray(b.nodes) for b in low.blocks]
        ptr = [dict(b.pointers) for b in low.blocks]
        S = [{k: np.array(x, dtype=np.float64) for k, x in s.items()} for s in states]
        vj = np.array(v, dtype=np.float64)
        gst = g.state0()
        W = NR.receive_init(xp, g, mechs, self.env.usetable, P, S, nodes, ptr, vj, g.W0)
        gst["W"][:g.NC] = W
        for bi, snd in sends:
            blk = next((b for b in g.blocks if b.bi == bi), None)
            if blk is None:
                continue
            rows = blk.rows()
            k = blk.count
            for mask, delay, flag in snd:
                gst = NR.send_self(xp, g, gst, rows, 0.0 + NR._b(xp, delay, k, np.float64),
                                   NR._b(xp, flag, k, np.float64), np.full(k, -1, dtype=np.int64),
                                   NR._b(xp, mask, k, bool))
        ext = getattr(self.queue, "initial_general", [])
        if ext:
            c = np.array([e[1] for e in ext], dtype=np.int64)
            gst = NR.insert(xp, g, gst, g.c_slot[c], np.array([e[0] for e in ext]),
                            np.zeros(len(ext)), c, np.ones(len(ext), dtype=bool))
        ctx = NR.Ctx(g, mechs, self.env.usetable, P, nodes, ptr, host=True)
        espk = NR.espk0(xp, g)
        S0, v0 = S, vj
        while True:
            gst2, S, vj, espk = NR.deliver(xp, ctx, gst, S0, None, v0, 0.0, espk)
            if not self._queue_full(gst2):
                break
            bigger = g.grown(gst)
            if bigger is None:
                break
            gst, espk = bigger, NR.espk0(xp, g)
        gst = gst2
        self._check_general(gst)
        et, en = (np.asarray(x) for x in espk)
        for e in np.nonzero(en > 0)[0]:
            for tvec, idvec, ident in g.em_vecs[e]:
                tvec.push(np.array([et[e]]))
                if idvec is not None:
                    idvec.push(np.array([ident]))
        states = [{k: np.asarray(x) for k, x in s.items()} for s in S]
        return states, np.asarray(vj).copy(), {k: np.asarray(x) for k, x in gst.items()}

    def _queue_full(self, state) -> bool:
        net = self.low.net
        if net is None or net.gen is None:
            return False
        return int(np.asarray(state["gerr"])) // 1000 == NR.ERR_QUEUE

    def _check_general(self, state) -> None:
        net = self.low.net
        if net is None or net.gen is None or "gerr" not in state:
            return
        err = net.gen.error(int(np.asarray(state["gerr"])), [b.mech for b in self.low.blocks])
        if err is not None:
            raise err

    def spike_vectors(self) -> list:
        net = self.low.net
        if net is None:
            return []
        out = [v for vs in net.det_vecs for v in vs] + [v for st in net.stims for v in st.vecs]
        if net.gen is not None:
            out += [v for vs in net.gen.em_vecs for v in vs]
        return out

    def _initial_events(self, states: list[dict]) -> list[dict]:
        """Events with te ≤ 0 act inside finitialize (numerics.md §9.1 step 14)."""
        due = self.queue.take_initial()
        if not due:
            return states
        net = self.low.net
        W = np.zeros(net.nslots + 1)
        for slot, w in due:
            W[slot] += w
        mechs = [b.mech for b in self.low.blocks]
        return events.receive_all(np, net.recv, mechs, [b.params for b in self.low.blocks], states, W)

    def event(self, nc, te: float) -> bool:
        """``nc.event(te)``: queue an event through NetCon ``nc``; False if it is not simulated."""
        if self.queue is None:
            return False
        return self.queue.push_netcon(nc, te)

    def _external(self, n: int):
        """This chunk's external events (NetStim spikes, nc.event) as step-indexed arrays."""
        if self.queue is None:
            return None
        tm, t_end = events.step_grid(self.t, self.env.dt, n)
        return events.pack_external(self.queue.take(tm, t_end), self.low.net.nslots)

    def _record_spikes(self, spk: np.ndarray, n: int) -> None:
        net = self.low.net
        if net is None or not spk.shape[1]:
            return
        spk = np.asarray(spk)[:n]
        steps, cols = np.nonzero(spk >= 0.0)          # row-major: time order, then detector
        if not steps.size:
            return
        rec_det = net.rec_det
        nd = len(rec_det)
        rec_em = net.gen.rec_em if net.gen is not None else ()
        for step, col in zip(steps, cols):
            t = spk[step, col]
            vecs = net.det_vecs[rec_det[col]] if col < nd else net.gen.em_vecs[rec_em[col - nd]]
            for tvec, idvec, ident in vecs:
                tvec.push(np.array([t]))
                if idvec is not None:
                    idvec.push(np.array([ident]))

    def sample_now(self) -> np.ndarray:
        """Record values at the current state (assigned variables from an fcurrent pass)."""
        v = np.asarray(self.state["v"])
        states = [{k: np.asarray(x) for k, x in s.items()} for s in self.state["s"]]
        asg = [{k: np.asarray(x) for k, x in a.items()} for a in self.state["a"]]
        out = np.empty(len(self.record))
        for j, r in enumerate(self.record):
            if r.kind == "t":
                out[j] = self.t
            elif r.kind == "v":
                out[j] = v[r.index]
            elif r.kind == "state":
                out[j] = element(states[r.block], r.var)[r.index]
            elif r.kind == "assigned":
                out[j] = element(asg[r.block], r.var)[r.index]
            else:
                out[j] = self.low.blocks[r.block].params[r.var][r.index]
        return out

    def host_state(self) -> tuple[np.ndarray, list[dict], list[dict]]:
        """Node v, mechanism states and last assigned values as NumPy arrays."""
        v = np.asarray(self.state["v"])
        conv = lambda lst: [{k: np.asarray(x) for k, x in d.items()} for d in lst]
        return v, conv(self.state["s"]), conv(self.state["a"])

    def fcurrent(self) -> None:
        """Recompute the assigned values (currents) at the present state and time."""
        v, states, _ = self.host_state()
        asg, states = current_pass(self.low, v, states, self.t, self.env)
        self.state = dict(self.state, a=[{k: jnp.asarray(x) for k, x in a.items()} for a in asg],
                          s=[{k: jnp.asarray(x) for k, x in s.items()} for s in states])

    # -- stepping ----------------------------------------------------------------------
    def advance(self, nsteps: int, *, on_chunk: Callable[[int, int], None] | None = None,
                interruptible: bool = False, program=None) -> np.ndarray:
        """Take ``nsteps`` fixed steps; returns the record samples, shape (nsteps, nrec).

        Raises NumericalError at the first step where v is NaN or |v| > RUNAWAY_MV (state
        and samples before it kept: see ``self.partial``), and :class:`Interrupted` on
        Ctrl-C at a chunk boundary when ``interruptible``.
        """
        prog = program or self.program
        out = []
        done = 0
        self.partial = np.zeros((0, len(prog.record)))
        stop = _SigintFlag() if interruptible else None
        with (stop or _nullctx()):
            while done < nsteps:
                n = min(prog.chunk, nsteps - done)
                start = self.state
                X = self._external(n)
                state, rec, vmax, varg, spk = prog.run_chunk(start, self.params, n, X)
                while self._queue_full(state):       # redo the chunk with a longer queue
                    start = self.low.net.gen.grown(start)
                    if start is None:
                        break
                    start = {k: jnp.asarray(x) if k.startswith("pq_") or k == "gerr" else x
                             for k, x in start.items()}
                    self.state = start
                    self.program = self.cache.get(self.low, self.record, self.env.usetable)
                    prog = self.program if program is None else self.cache.get(
                        self.low, prog.record, self.env.usetable, chunk=prog.chunk)
                    state, rec, vmax, varg, spk = prog.run_chunk(start, self.params, n, X)
                vmax = np.asarray(vmax)[:n]
                bad = np.nonzero(~(vmax <= RUNAWAY_MV))[0]
                if bad.size:
                    j = int(bad[0])
                    node = int(np.asarray(varg)[j])
                    if j:
                        self.state, rec2, _, _, spk2 = prog.run_chunk(start, self.params, j, X)
                        out.append(np.asarray(rec2)[:j])
                        self._record_spikes(spk2, j)
                    else:
                        self.state = start
                    self.t = float(self.state["t"])
                    self.partial = np.concatenate(out) if out else self.partial
                    raise self._diverged(node, float(np.asarray(vmax)[j]))
                self._check_general(state)
                self.state = state
                self.t = float(state["t"])
                self._record_spikes(spk, n)
                if self.low.net is not None and self.low.net.gen is not None:
                    self.low.net.gen.write_weights(state["W"])
                out.append(np.asarray(rec)[:n])
                done += n
                if on_chunk is not None:
                    on_chunk(done, nsteps)
                if stop is not None and stop.hit:
                    self.partial = np.concatenate(out)
                    raise Interrupted()
        if len(out) == 1:
            return out[0]
        return np.concatenate(out) if out else np.zeros((0, len(prog.record)))

    def advance_recording(self, record: tuple[RecSource, ...], nsteps: int, chunk: int):
        """Advance with a different recording set (same model); returns (rows, error or None).

        On divergence the rows before the bad step are returned with the NumericalError."""
        prog = self.cache.get(self.low, record, self.env.usetable, chunk=chunk)
        try:
            return self.advance(nsteps, program=prog), None
        except NumericalError as err:
            return self.partial, err

    def set_state(self, t: float, v: np.ndarray, states: list[dict], assigned: list[dict]) -> None:
        """Put the simulator at a given state (used to step back to a recorded row)."""
        self.t = float(t)
        self.state = pack_state(v, states, t, assigned)

    def _diverged(self, node: int, vmax: float) -> NumericalError:
        low = self.low
        sec = low.node_section[node] if node < len(low.node_section) else f"node {node}"
        what = "NaN voltage" if not np.isfinite(vmax) else f"runaway voltage (|v| = {vmax:.3g} mV)"
        hint = (f"dt = {self.env.dt:g} ms may be too large for this model (try a smaller dt); "
                "a section with no membrane current (missing 'insert pas'?) or a huge "
                "stimulus can also do this")
        return NumericalError(f"simulation diverged at t = {self.t + self.env.dt:g} ms: {what} in {sec}",
                              hint=hint)


class _nullctx:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


class _SigintFlag:
    """While active, Ctrl-C sets ``hit`` instead of raising (main thread only)."""

    def __init__(self):
        self.hit = False
        self._old = None

    def __enter__(self):
        if threading.current_thread() is threading.main_thread():
            self._old = signal.signal(signal.SIGINT, self._handler)
        return self

    def _handler(self, signum, frame):
        if self.hit:        # second Ctrl-C: give up waiting for the chunk boundary
            raise KeyboardInterrupt
        self.hit = True

    def __exit__(self, *exc):
        if self._old is not None:
            signal.signal(signal.SIGINT, self._old)
        return False
