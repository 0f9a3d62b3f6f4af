"""One mechanism spec: the model's declarations are derived from it, the simulator runs the
same object, the registry is per session with NEURON's type order, and a mechanism brings its
own step-wide tables (nothing mechanism-specific in the integrator)."""
from __future__ import annotations

import numpy as np
import pytest

from hocx.api import Session
from hocx.model.mechanisms import MechanismRegistry, declare
from hocx.spec import A, Kind, MechSpec, P, Role, SpecRegistry
from hocx.spec.builtin import BUILTIN_SPECS, STDLIB, VCLAMP


def test_hh_declaration_is_derived_from_its_spec():
    reg = MechanismRegistry()
    hh = reg.get("hh")
    HH = reg.spec("hh")           # the translation of stdlib/hh.mod, this registry's own
    assert hh.kind == "density" and HH is reg.stdlib["hh"].spec
    assert MechanismRegistry().spec("hh") is not HH     # per session (its TABLE cache too)
    assert hh.var("gnabar_hh").default == 0.12 and hh.var("gnabar_hh").units == "S/cm2"
    assert hh.states == ("m_hh", "h_hh", "n_hh")
    assert hh.ions == ("na_ion", "k_ion") and hh.writes == ("ina", "ik")
    # the simulator's view of the same object: unsuffixed names, ion reads with NEURON's defaults
    assert HH.params == {"gnabar": 0.12, "gkbar": 0.036, "gl": 0.0003, "el": -54.3}
    assert HH.ion_reads == {"ena": 50.0, "ek": -77.0} and HH.ion_currents == ("ina", "ik")
    assert reg.owner_of("ena").name == "na_ion"


def test_vclamp_declares_what_vclmp_mod_declares():
    """dur[3], amp[3] arrays and e0/vo0/vi0 PARAMETERs (HOC sees them); the integrator carries
    e0.. as stepped values and reads dur0..dur2 (they disagreed before)."""
    decl = declare(VCLAMP)
    assert decl.var("dur").size == 3 and decl.var("amp").size == 3
    assert decl.var("e0").kind == "parameter" and decl.var("e").kind == "state"
    assert decl.var("tc") is None                     # an internal value, not a RANGE variable
    assert decl.electrode and decl.current == "i"
    assert {"dur0", "dur1", "dur2", "amp2", "gain"} <= set(VCLAMP.params)
    assert "e0" not in VCLAMP.params and VCLAMP.states == ("e", "vo", "vi", "e0", "vo0", "vi0")


def test_every_builtin_has_one_declaration_per_spec():
    reg = MechanismRegistry()
    names = [s for s in BUILTIN_SPECS if isinstance(s, str)]
    assert sorted(names) == sorted(STDLIB) and len(names) == len(STDLIB)
    assert {"pas", "hh", "IntFire1", "IClamp", "AlphaSynapse", "ExpSyn", "Exp2Syn", "SEClamp",
            "IonotropicSynapse", "GlutamateSynapse"} <= set(STDLIB)
    for s in BUILTIN_SPECS:
        s = reg.spec(s) if isinstance(s, str) else s
        m = reg.get(s.name)
        assert m.kind == s.kind.value
        point = s.kind in (Kind.POINT_PROCESS, Kind.ARTIFICIAL_CELL)   # GLOBALs: eps_IntFire4
        assert len(m.variables) == sum(1 for v in s.variables
                                       if v.visible and not (point and v.scope == "GLOBAL"))
    assert [s.kind for s in BUILTIN_SPECS if not isinstance(s, str) and s.name.endswith("_ion")] \
        == [Kind.ION] * 3


def test_registry_is_per_session_and_numbers_types_at_registration():
    extra = MechSpec("leak2", Kind.DENSITY, (P("g", 0.001), A("i")))
    a, b = MechanismRegistry(), MechanismRegistry()
    a.register(extra)
    assert "leak2" in a and "leak2" not in b
    order = a.type_order()
    assert order["leak2"] == len(BUILTIN_SPECS)
    assert order["pas"] < order["IClamp"] < order["ExpSyn"] < order["hh"]      # NEURON 9: 4, 7, 9, 17
    r = SpecRegistry([extra])
    assert r.register(MechSpec("other", Kind.DENSITY)) == 1
    assert r.register(extra) == 0                      # re-registering keeps the number
    assert [v.role for v in extra.variables] == [Role.PARAMETER, Role.ASSIGNED]


def _scaled_leak() -> MechSpec:
    """pas with its conductance scaled by a table the mechanism builds from celsius."""
    def current(xp, p, s, v, t, env):
        i = p["g"] * env["scale"] * (v - p["e"])
        return i, {"i": i}

    return MechSpec("leak2", Kind.DENSITY, (P("g", 0.001, "S/cm2"), P("e", -70.0, "mV"), A("i", "mA/cm2")),
                    nonspecific_current="i", current=current,
                    tables=lambda g, celsius: {"scale": np.float64(celsius / 6.3)})


def _trace(mech: str, g: float, celsius: float, spec: MechSpec | None = None) -> np.ndarray:
    s = Session(out=lambda x: None)
    if spec is not None:
        s.model.registry.register(spec)
    s.execute('{load_file("stdrun.hoc")}\ncreate soma\nsoma { L = 20  diam = 20  insert ' + mech + ' }\n'
              f"soma g_{mech} = {g}\nsoma e_{mech} = -70\n"
              "objref st, vs\nsoma st = new IClamp(0.5)\nst.del = 0.5\nst.dur = 2\nst.amp = 0.1\n"
              f"vs = new Vector()\nvs.record(&soma.v(0.5))\ncelsius = {celsius}\ntstop = 5\nv_init = -65\nrun()\n")
    return np.array(s.get_global("vs").x)


@pytest.mark.parametrize("celsius", [6.3, 12.6])
def test_a_registered_spec_runs_with_its_own_tables(celsius):
    got = _trace("leak2", 0.002, celsius, _scaled_leak())
    want = _trace("pas", 0.002 * celsius / 6.3, celsius)
    assert got.shape == want.shape and np.ptp(got) > 1.0
    assert np.max(np.abs(got - want)) < 1e-12
