"""The differentiable simulation: a pure ``(params) -> traces`` function of a session's model.

:class:`DiffSim` lowers the model once (``hocx.sim.from_model``), reuses the integrator's
NEURON-exact step (``hocx.sim.integrator.Program.step``) and runs ``finitialize`` plus
``nsteps`` fixed steps in JAX so the whole run can be jitted, differentiated and vmapped.
Trainables are written into the packed step parameters (mechanism parameters, ``cm``), into
the geometry (diam, L, Ra → area, a, b recomputed in JAX) or into the initial state (v,
mechanism states).  The step loop is a scan of chunks, each chunk under ``jax.checkpoint``,
so reverse-mode memory grows with √nsteps rather than nsteps.
"""
from __future__ import annotations

import math

import jax
import jax.numpy as jnp
import numpy as np
from jax import lax

from ..errors import HocRuntimeError, ModelError
from ..sim.from_model import lower_model
from ..sim import events
from ..sim import netreceive as NR
from ..sim import kernel
from ..sim.integrator import GEN_KEYS as NR_KEYS, Env, Program, pack_params
from ..sim.recording import resolve
from ..sim.plugin import env_flags, env_globals
from . import geometry as geom


def run_steps(tstop: float, dt: float) -> int:
    """How many fixed steps ``run()`` takes to reach ``tstop`` (stdrun's accumulation)."""
    t, h, n = 0.0, 0.5 * dt, 0
    while t < tstop - dt / 2:
        t = (t + h) + h
        n += 1
    return n


def session_env(interp) -> Env:
    g = lambda name, d: float(interp.get_global(name)) if _has(interp, name) else d
    return Env(dt=g("dt", 0.025), celsius=g("celsius", 6.3), secondorder=int(g("secondorder", 0)),
               usetable=env_flags(interp), globals=env_globals(interp))


def _has(interp, name) -> bool:
    try:
        interp.get_global(name)
        return True
    except Exception:   # noqa: BLE001 - not declared
        return False


class DiffSim:
    """finitialize + run of one model as a pure JAX function of the trainables' values."""

    def __init__(self, interp, trainables, record_vecs, *, tstop=None, checkpoint=True,
                 chunk: int | None = None, span=None):
        model = interp.model
        if not model.sections:
            raise ModelError("there are no sections to simulate", span)
        self.env = env = session_env(interp)
        tstop = float(interp.get_global("tstop")) if tstop is None and _has(interp, "tstop") else tstop
        if tstop is None:
            raise HocRuntimeError("tstop is not set", span, hint="load stdrun.hoc or set tstop")
        self.v_init = float(interp.get_global("v_init")) if _has(interp, "v_init") else -65.0
        self.nsteps = run_steps(float(tstop), env.dt)
        for tr in trainables:
            if tr.structure != getattr(model, "structure_version", -1):
                raise HocRuntimeError(f"the model's structure changed after make_trainable(\"{tr.name}\")",
                                      span, hint="call delete_trainables() and make them trainable again")
        low, nm = lower_model(model)
        self.low, self.geo, self.nm = low, nm.geo, nm
        self.trainables = list(trainables)
        self.sources = tuple(self._source(interp, vec, low, nm, span) for vec in record_vecs)
        self._plan_events(low, env)
        self.program = Program(low, self.sources, env.usetable, chunk=1)
        self.program.event_rounds = EVENT_ROUNDS
        self.P0 = pack_params(low, env)
        self.T = self.program.topo
        self.checkpoint = checkpoint
        self.chunk = int(chunk) if chunk else max(1, int(math.isqrt(max(self.nsteps, 1))))
        self._plan(model)

    # -- set-up ----------------------------------------------------------------------
    def _plan_events(self, low, env) -> None:
        """NetCon events: the ring size for dt, and the whole run's external events (NetStim
        spikes do not depend on the parameters) as one step-indexed list."""
        self.X, self.W0, self.initial_general = None, None, []
        if low.net is None:
            return
        low.net.set_dt(env.dt)
        queue = events.EventQueue(low.net)
        self.W0 = np.zeros(low.net.nslots + 1)
        for slot, w in queue.take_initial():
            self.W0[slot] += w
        self.initial_general = list(getattr(queue, "initial_general", []))
        tm, t_end = events.step_grid(0.0, env.dt, self.nsteps)
        self.X = events.pack_external(queue.take(tm, t_end), low.net.nslots)

    @staticmethod
    def _source(interp, vec, low, nm, span):
        plugin = getattr(interp, "sim", None)
        for r in getattr(plugin, "recordings", []):
            if r.vec is vec:
                if r.timed:
                    raise HocRuntimeError(f"{vec.hoc_name()} records with a Dt or time vector; "
                                          "fitting needs a per-step recording", span)
                src, _ = resolve(r.pointer, low, nm, span)
                if src is None:
                    raise HocRuntimeError(f"{vec.hoc_name()} records a value outside the simulation "
                                          "and cannot be differentiated", span)
                return src
        raise HocRuntimeError(f"{vec.hoc_name()} is not recording anything", span,
                              hint="call vec.record(&soma.v(0.5)) before fitting")

    def _plan(self, model) -> None:
        geo, low = self.geo, self.low
        node_of_row = np.full(len(model.table()), -1, dtype=np.int64)
        segs = np.nonzero(geo.seg_row >= 0)[0]
        node_of_row[geo.seg_row[segs]] = segs
        self.apply = []
        need_geo = False
        for tr in self.trainables:
            if tr.kind == "point":
                self.apply.append(self._point_plan(tr))
                continue
            if tr.kind == "global":
                self.apply.append(self._global_plan(tr))
                continue
            nodes = node_of_row[tr.rows]
            if tr.kind in ("param", "state"):
                bi = next(i for i, b in enumerate(low.blocks) if b.mech.name == tr.mech)
                inst_of = np.full(low.n, -1, dtype=np.int64)
                inst_of[low.blocks[bi].nodes] = np.arange(low.blocks[bi].count)
                self.apply.append((tr.kind, bi, tr.var, inst_of[nodes], tr.group))
            elif tr.kind == "geometry":
                need_geo = True
                self.apply.append((tr.kind, -1, tr.var, tr.rows, tr.group))
            else:   # cm, v
                self.apply.append((tr.kind, -1, tr.var, nodes, tr.group))
        self.gplan = None
        if need_geo:
            if any(s.pt3d.n for s in geo.sections):
                raise ModelError("trainable geometry needs every section to be a cylinder; this "
                                 "model has sections shaped by 3-D points (pt3d)")
            t = model.table()
            self.gplan = geom.plan(geo)
            self.rowgeo = {"diam": jnp.asarray(t["diam"]), "L": jnp.asarray(section_L(model, t)),
                           "Ra": jnp.asarray(t["Ra"])}

    def _global_plan(self, tr):
        """A GLOBAL parameter: every instance of its mechanism's block(s) takes the value."""
        blocks = tuple(i for i, b in enumerate(self.low.blocks) if b.mech.name == tr.mech)
        if not blocks:
            raise ModelError(f"{tr.name}: no section or point process of the model has {tr.mech}",
                             hint=f"insert {tr.mech} first")
        mech = self.low.blocks[blocks[0]].mech
        if mech.tables is not None and kernel.mech_env(
                {"dt": 0.0, "tables": {}}, mech, self.env.usetable).get("usetable", False):
            raise ModelError(f"{tr.name} cannot be trained while {mech.name}'s TABLE is in use: "
                             f"the table is built on the host from the GLOBALs",
                             hint=f"set usetable_{mech.name} = 0 (the rates are then computed "
                                  f"directly, and differentiably)")
        return ("global", blocks, tr.var, None, None)

    def _point_plan(self, tr):
        """Where a point-process / NetCon-weight trainable lands in the parameters."""
        if tr.mech == "NetCon":
            net = self.low.net
            pos = {id(c.nc): i for i, c in enumerate(net.conns)} if net is not None else {}
            idx = np.array([pos.get(id(o), -1) for o in tr.objects], dtype=np.int64)
            gen = net.gen if net is not None else None
            if (idx < 0).any() and gen is not None:     # NetCons onto general NET_RECEIVE blocks
                gpos = {id(nc): c for c, nc in enumerate(gen.nc)}
                gidx = np.array([gpos.get(id(o), -1) for o in tr.objects], dtype=np.int64)
                if (gidx >= 0).all():
                    active = np.array([float(net.by_netcon[id(o)].active) for o in tr.objects])
                    return ("gweight", -1, "W", gidx, (tr.group, active))
            if (idx < 0).any():
                raise ModelError("a trainable NetCon weight belongs to a NetCon that is not simulated "
                                 "(inactive, deleted or without a target)")
            active = np.array([float(net.conns[i].active) for i in idx])
            return ("weight", -1, "w", idx, (tr.group, active))
        hits = [self.nm.pp_index.get(id(o)) for o in tr.objects]
        if any(h is None for h in hits):
            raise ModelError(f"a trainable {tr.mech} is no longer placed in the model")
        return ("param", hits[0][0], tr.var, np.array([h[1] for h in hits], dtype=np.int64), tr.group)

    def point_param(self, obj, field: str, span=None) -> tuple[int, str, int]:
        """(block, variable, instance) of point-process parameter ``obj.field`` (e.g. stim.amp),
        for per-run overrides (batches of stimuli)."""
        hit = self.nm.pp_index.get(id(obj))
        if hit is None:
            raise HocRuntimeError(f"{obj.hoc_name()} is not a point process placed in the model", span)
        bi, inst = hit
        if field not in self.low.blocks[bi].mech.params:
            raise HocRuntimeError(f"{field} is not a parameter of {obj.hoc_name()}", span,
                                  hint="parameters: " + ", ".join(self.low.blocks[bi].mech.params))
        return bi, field, inst

    def initial_params(self) -> list:
        return [jnp.asarray(tr.value) for tr in self.trainables]

    # -- the pure function -------------------------------------------------------------
    def arrays(self) -> dict:
        """The value arrays a run reads (parameters, topology, geometry rows, events): pass
        them as ``data`` arguments of a jitted function, so that a model whose values change
        but whose structure does not reuses the compile."""
        return jax.tree_util.tree_map(jnp.asarray, {
            "P0": self.P0, "T": self.T, "rowgeo": self.rowgeo if self.gplan else None,
            "W0": self.W0, "X": self.X})

    def __call__(self, values, overrides=(), data=None):
        """Record columns, shape (nsteps + 1, nrec), for trainable ``values`` (physical);
        ``overrides``: (block, variable, instance, value) point-process parameters for this run;
        ``data``: :meth:`arrays` (default: this model's, as constants)."""
        data = self.arrays() if data is None else data
        rec0, carry, P = self.initial(values, overrides, data)
        recs = self._scan(carry, P, data)
        return jnp.concatenate([rec0[None, :], recs])

    def initial(self, values, overrides, data):
        """finitialize with the trainables' ``values``: (record row at t = 0, step carry, step
        parameters)."""
        P = dict(data["P0"])
        P["blocks"] = [dict(b) for b in P["blocks"]]
        for bi, var, inst, val in overrides:
            P["blocks"][bi][var] = P["blocks"][bi][var].at[inst].set(val)
        v0 = jnp.full(self.low.n, self.v_init)
        states_over, rowgeo = [], dict(data["rowgeo"]) if self.gplan else None
        gweights = []
        for (kind, bi, var, idx, group), val in zip(self.apply, values):
            if kind == "gweight":
                group, active = group
                gweights.append((idx, jnp.asarray(val)[group] * active))
                continue
            if kind == "weight":
                group, active = group
                P["net"] = {**P["net"], "w": P["net"]["w"].at[idx].set(jnp.asarray(val)[group] * active)}
                continue
            if kind == "global":
                for b in bi:
                    P["blocks"][b][var] = jnp.zeros_like(P["blocks"][b][var]) + jnp.asarray(val)[0]
                continue
            x = jnp.asarray(val)[group]
            if kind == "param":
                P["blocks"][bi][var] = P["blocks"][bi][var].at[idx].set(x)
            elif kind == "state":
                states_over.append((bi, var, idx, x))
            elif kind == "cm":
                P["cap"] = P["cap"].at[idx].set(x)
            elif kind == "v":
                v0 = v0.at[idx].set(x)
            else:
                rowgeo[var] = rowgeo[var].at[idx].set(x)
        if rowgeo is not None:
            area, P["a"], P["b"] = geom.coefficients(self.gplan, rowgeo["diam"], rowgeo["L"], rowgeo["Ra"])
            P["pfac"] = 1.0e2 / area
        lay = self.program.layout(data["T"])       # finitialize: ions, then INITIAL blocks
        S0 = [{k: jnp.asarray(x) for k, x in blk.states.items()} for blk in self.low.blocks]
        sends: list = []        # net_send in INITIAL (delivered with the events at t = 0)
        S = kernel.initialize(lay, NR.capture_initial_sends(self.program.mechs, sends),
                              self.env.usetable, v0, S0, P)
        for bi, var, idx, x in states_over:
            S[bi] = {**S[bi], var: S[bi][var].at[idx].set(x)}
        net0 = {}
        if self.low.net is not None:
            S = events.receive_all(jnp, self.low.net.recv, [b.mech for b in self.low.blocks],
                                   P["blocks"], S, jnp.asarray(data["W0"]))
            net0 = {k: jnp.asarray(x) for k, x in self.low.net.state0().items()}
            net0["i"] = jnp.asarray(0, dtype=jnp.int64)
            g = self.low.net.gen
            if g is not None:    # per-NetCon weights (trainable ones set), NET_RECEIVE INITIAL
                W = net0["W"]
                for idx, w in gweights:
                    W = W.at[idx, 0].set(w)
                W0 = NR.receive_init(jnp, g, self.program.mechs, self.env.usetable, P, S,
                                     data["T"]["nodes"], data["T"]["ptr"], v0, W[:g.NC])
                net0["W"] = W.at[:g.NC].set(W0)
                gst, S, v0 = NR.initial_events(     # events at t <= 0, as finitialize does
                    jnp, g, self.program.mechs, self.env.usetable, P, S, data["T"]["nodes"],
                    data["T"]["ptr"], v0, {k: net0[k] for k in NR_KEYS}, sends,
                    self.initial_general, rounds=EVENT_ROUNDS)
                net0.update(gst)
        _, _, A, S, _ = kernel.current_pass(lay, self.program.mechs, self.env.usetable, v0, S,
                                            jnp.asarray(0.0), P)
        t0 = jnp.asarray(0.0)
        rec0 = self.program._gather(v0, t0, S, A, P, data["T"])
        return rec0, {"v": v0, "s": S, "t": t0, **net0}, P

    def _steps(self, P, carry, length: int, data):
        prog, T, X = self.program, data["T"], data["X"]

        def body(c, _):
            if "i" in c:      # a network: external events indexed by the step number
                st, out = prog.step(c, P, T, X, c["i"])
                st = {**st, "i": c["i"] + 1}
            else:
                st, out = prog.step(c, P, T)
            return {k: x for k, x in st.items() if k != "a"}, out[0]

        return lax.scan(body, carry, None, length=length)

    def _scan(self, carry, P, data):
        n, K = self.nsteps, self.chunk
        if not self.checkpoint:
            return self._steps(P, carry, n, data)[1]
        nchunks, rem = divmod(n, K)
        chunk_fn = jax.checkpoint(lambda P_, c: self._steps(P_, c, K, data))
        out = []
        if nchunks:
            carry, recs = lax.scan(lambda c, _: chunk_fn(P, c), carry, None, length=nchunks)
            out.append(recs.reshape(nchunks * K, -1))
        if rem:
            carry, recs = self._steps(P, carry, rem, data)
            out.append(recs)
        return jnp.concatenate(out) if out else jnp.zeros((0, len(self.sources)))


#: general NET_RECEIVE deliveries per step in a differentiable run (a fixed-length loop;
#: more events in one step is an error): the checks round plus events of both delivery points
EVENT_ROUNDS = 8


def section_L(model, table) -> np.ndarray:
    """L of each row's section (the table's L column is L/nseg)."""
    return np.array([model.sections[int(i)].L for i in table["section_index"]], dtype=float)


def split_row(row, overrides, shapes_of):
    """One sweep run's row of values -> (trainable values, point-process overrides):
    ``overrides[k]`` is the (block, instance, name) a column sets directly, else None and the
    column is the next trainable, broadcast to its shape in ``shapes_of``."""
    values, over = [], []
    for o, x in zip(overrides, row):
        if o is not None:
            over.append((*o, x[0]))
        else:
            values.append(jnp.broadcast_to(x, shapes_of[len(values)]))
    return values, over
