"""nocmodl's cnexp analysis (diffeq.ypp): linear, explicit, non-linear quirk, fallback."""
from __future__ import annotations

import math

import pytest

from hocx.syntax.nmodl import ast as A
from hocx.syntax.nmodl import parse_mod
from hocx.syntax.nmodl.cnexp import cnexp_form


def eq(src):
    m = parse_mod("DERIVATIVE d { %s }" % src, "c.mod")
    st = m.items[0].body.stmts[0]
    return st.target.name, st.value


def ev(e, env):
    """Evaluate one of our expression trees (test helper, C semantics)."""
    if isinstance(e, A.Num):
        return e.value
    if isinstance(e, A.Name):
        return env[e.name]
    if isinstance(e, A.Unary):
        return -ev(e.operand, env)
    if isinstance(e, A.Call):
        return getattr(math, e.name)(*[ev(a, env) for a in e.args])
    op = e.op
    a, b = ev(e.left, env), ev(e.right, env)
    if op == "+":
        return a + b
    if op == "-":
        return a - b
    if op == "*":
        return a * b
    if op == "/":
        return a / b
    return a ** b


def step(form, x, env, dt):
    env = dict(env, **{form.state: x})
    if form.kind == "explicit":
        return x - dt * ev(form.increment, env)
    b = ev(form.deriv, env)
    steady = 0.0 if form.steady is None else ev(form.steady, env)
    return x + (1.0 - math.exp(dt * b)) * (steady - x)


def test_hh_gate_is_linear_and_matches_exact_solution():
    name, rhs = eq("m' = (minf - m)/mtau")
    f = cnexp_form(name, rhs)
    assert f.kind == "cnexp" and not f.nonlinear
    env = {"minf": 0.7, "mtau": 0.3}
    x1 = step(f, 0.1, env, 0.025)
    exact = 0.7 + (0.1 - 0.7) * math.exp(-0.025 / 0.3)
    assert abs(x1 - exact) < 1e-15


def test_alpha_beta_form():
    f = cnexp_form(*eq("n' = a*(1 - n) - b*n"))
    env = {"a": 0.2, "b": 0.5}
    x1 = step(f, 0.3, env, 0.1)
    ninf, tau = 0.2 / 0.7, 1 / 0.7
    assert abs(x1 - (ninf + (0.3 - ninf) * math.exp(-0.1 / tau))) < 1e-15


def test_state_free_equation_is_explicit_euler():
    f = cnexp_form(*eq("x' = 3*a"))
    assert f.kind == "explicit"
    assert step(f, 1.0, {"a": 2.0}, 0.5) == 1.0 + 0.5 * 6.0


def test_quadratic_drops_state_free_terms_like_neuron():
    # README quirk 1: c' = -c*c/10  ->  c = c*exp(-0.2*c*dt)
    f = cnexp_form(*eq("c' = -c*c/10"))
    assert f.kind == "cnexp" and f.nonlinear and f.steady is None
    c, dt = 0.8, 0.025
    assert abs(step(f, c, {}, dt) - c * math.exp(-0.2 * c * dt)) < 1e-15
    assert "not linear" in f.message


def test_caq_equation_loses_its_influx():
    name, rhs = eq("cai' = -(1e4)*ica/(2*FARADAY*depth) - kq*(cai*cai - cainf*cainf)"
                   " + (cainf - cai)/taur")
    f = cnexp_form(name, rhs)
    assert f.nonlinear and f.steady is None
    env = {"ica": -1.0, "FARADAY": 96485.33212331001, "depth": 0.1, "kq": 2.0,
           "cainf": 5e-5, "taur": 20.0}
    cai = 5e-5
    b = -2.0 * (2 * cai) - 1 / 20.0           # d(cai')/d(cai), as NEURON emits it
    assert abs(ev(f.deriv, dict(env, cai=cai)) - b) < 1e-15
    assert step(f, cai, env, 0.025) == pytest.approx(cai * math.exp(0.025 * b), rel=1e-14)


@pytest.mark.parametrize("src", [
    "cai' = -vmax*(cai - cainf)/(cai + kd)",     # state in a denominator (capool)
    "x' = exp(x)",                               # state inside a function call
    "x' = x^2",                                  # ^ becomes pow(): a function call
    "x' = -x/(1 + x)",
])
def test_fallback_to_derivimplicit(src):
    f = cnexp_form(*eq(src))
    assert f.kind == "derivimplicit"
    assert f.message.startswith("Could not translate using cnexp method; using derivimplicit")


def test_function_of_other_variables_stays_linear():
    f = cnexp_form(*eq("h' = (hinf(v) - h)/htau(v)"))
    assert f.kind == "cnexp" and not f.nonlinear


def test_unary_minus_decay():
    f = cnexp_form(*eq("ca' = -ca"))
    assert step(f, 1.0, {}, 0.1) == pytest.approx(math.exp(-0.1), rel=1e-15)


def test_array_state_element():
    rhs = parse_mod("DERIVATIVE d { x' = -k*ca[1] + ca[0] }", "c.mod").items[0].body.stmts[0].value
    one = A.Num(rhs.span, 1.0, "1")
    f = cnexp_form("ca", rhs, index=one)          # solving for ca[1]: ca[0] is a constant
    assert f.kind == "cnexp" and not f.nonlinear
    # evaluate with ca[1] = x, ca[0] = 0.5
    def ev_arr(e, x):
        if isinstance(e, A.Name) and e.name == "ca":
            return x if e.index.value == 1 else 0.5
        if isinstance(e, A.Num):
            return e.value
        if isinstance(e, A.Name):
            return {"k": 2.0}[e.name]
        if isinstance(e, A.Unary):
            return -ev_arr(e.operand, x)
        a, b = ev_arr(e.left, x), ev_arr(e.right, x)
        return {"+": lambda: a + b, "-": lambda: a - b, "*": lambda: a * b, "/": lambda: a / b}[e.op]()
    assert ev_arr(f.deriv, 0.3) == -2.0
    assert ev_arr(f.steady, 0.3) == pytest.approx(0.25)


# ---------------------------------------------------------------- against nocmodl itself
import os
import random
import re
import shutil
import subprocess
from pathlib import Path

from hocx.syntax.nmodl import parse_mod_file
from hocx.syntax.nmodl.check import check_mod

from nmodl_corpus_files import neuron_mods, shared_mods


def _nocmodl():
    try:
        import importlib.util
        spec = importlib.util.find_spec("neuron")
    except (ImportError, ValueError):
        return None, None
    if spec is None or not spec.submodule_search_locations:
        return None, None
    home = Path(list(spec.submodule_search_locations)[0]) / ".data"
    exe = home / "bin" / "nocmodl"
    return (exe, home) if exe.is_file() else (None, None)


class _AnyName(dict):
    def __init__(self, values):
        super().__init__()
        self.values = values

    def __missing__(self, key):
        if key.startswith("_l"):        # nocmodl's name for a LOCAL
            key = key[2:]
        return self.values.setdefault(key, random.Random(key).uniform(0.5, 2.0))


def _c_value(text, values):
    return eval(text, {"__builtins__": {}, "exp": math.exp}, _AnyName(values))


def _our_value(e, values):
    if isinstance(e, A.Num):
        return e.value
    if isinstance(e, A.Name):
        return _AnyName(values)[e.name]
    if isinstance(e, A.Unary):
        return -_our_value(e.operand, values)
    if isinstance(e, A.Call):
        return getattr(math, e.name)(*[_our_value(a, values) for a in e.args])
    a, b = _our_value(e.left, values), _our_value(e.right, values)
    return {"+": lambda: a + b, "-": lambda: a - b, "*": lambda: a * b, "/": lambda: a / b}[e.op]()


_LINE = re.compile(r"^\s*(\w+) = \1 \+ \(1\. - exp\(dt\*\((.*)\)\)\)\*\((.*) - \1\) ;\s*$")
_EXPLICIT = re.compile(r"^\s*(\w+) = \1 - dt\*\((.*)\) ;\s*$")


def _cnexp_mods():
    out = []
    for p in shared_mods() + neuron_mods():
        try:
            c = check_mod(parse_mod_file(p))
        except Exception:  # noqa: BLE001 - VERBATIM mods are not cnexp candidates
            continue
        if any(s.stmt.method == "cnexp" for s in c.solves):
            out.append(p)
    return out


@pytest.mark.neuron
@pytest.mark.parametrize("path", _cnexp_mods(), ids=lambda p: p.name)
def test_cnexp_forms_equal_nocmodl_output_bit_for_bit(path, tmp_path):
    exe, home = _nocmodl()
    if exe is None:
        pytest.skip("nocmodl not installed")
    for f in path.parent.glob("*.inc"):
        shutil.copy(f, tmp_path)
    shutil.copy(path, tmp_path)
    # nocmodl leaves an nrnunits* folder in TMPDIR: keep it inside the test's folder
    env = dict(os.environ, NMODLHOME=str(home), TMPDIR=str(tmp_path))
    run = subprocess.run([str(exe), path.name], cwd=tmp_path, env=env, capture_output=True,
                         text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    fallback = "Could not translate using cnexp method" in (run.stderr + run.stdout)
    checked = check_mod(parse_mod_file(path))
    solve = next(s for s in checked.solves if s.stmt.method == "cnexp")
    assert (solve.method == "derivimplicit") == fallback
    if fallback:
        return
    cpp = (tmp_path / (path.stem + ".cpp")).read_text()
    lines = {}
    for line in cpp.splitlines():
        m = _LINE.match(line)
        if m:
            lines[m.group(1)] = ("cnexp", m.group(2), m.group(3))
        m = _EXPLICIT.match(line)
        if m and m.group(1) not in lines:
            lines[m.group(1)] = ("explicit", m.group(2), None)
    assert {f.state for f in solve.cnexp} <= set(lines), (sorted(lines), cpp[-2000:])
    for form in solve.cnexp:
        kind, de_text, rhs_text = lines[form.state]
        if "[" in de_text or (rhs_text and "[" in rhs_text):
            continue               # array elements / unit macros: not evaluated here
        values = {}
        if form.kind == "explicit":
            assert kind == "explicit"
            assert _our_value(form.increment, values) == _c_value(de_text, values)
            continue
        assert kind == "cnexp"
        assert _our_value(form.deriv, values) == _c_value(de_text, values)
        if form.steady is None:
            assert rhs_text.strip() == ""
        else:
            assert _our_value(form.steady, values) == _c_value(rhs_text, values)
