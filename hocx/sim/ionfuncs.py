"""The HOC functions of NEURON's ion layer (eion.cpp): ``ion_style``, ``ion_charge``,
``nernst``, ``ghk``, and the ion globals ``nai0_na_ion`` ... of the built-in ions."""
from __future__ import annotations

from ..errors import HocRuntimeError
from ..interp.objects import as_float
from ..model import ions as ion_model
from ..spec import Kind
from ..spec import ions as I

def _ion_spec(interp, name, span):
    spec = interp.model.registry.spec(name) if isinstance(name, str) else None
    if spec is None or spec.kind is not Kind.ION:
        raise HocRuntimeError(f"{name} is not an ion mechanism", span,
                              hint='name the ion mechanism, e.g. "ca_ion"')
    return spec


def _int_arg(args, i, lo, hi, span) -> int:
    x = as_float(args[i])
    if not lo <= x <= hi:
        raise HocRuntimeError(f"ion_style: argument {i + 1} = {x:g} must be in [{lo}, {hi}]", span)
    return int(x)


def ion_style(interp, args, span):
    if not args:
        raise HocRuntimeError('ion_style needs the ion name, e.g. ion_style("ca_ion", 3, 2, 1, 1, 1)', span)
    spec = _ion_spec(interp, args[0], span)
    sec = interp.model.cas(span)
    bits = None
    if len(args) > 1:
        if len(args) < 6:
            raise HocRuntimeError("ion_style needs all five styles: (name, c_style, e_style, einit, "
                                  "eadvance, cinit)", span)
        bits = I.style_bits(_int_arg(args, 1, 0, 3, span), _int_arg(args, 2, 0, 3, span),
                            _int_arg(args, 3, 0, 1, span), _int_arg(args, 4, 0, 1, span),
                            _int_arg(args, 5, 0, 1, span))
    return ion_model.set_style(sec, spec.name, bits)


def ion_charge(interp, args, span):
    if not args:
        raise HocRuntimeError('ion_charge needs the ion name, e.g. ion_charge("ca_ion")', span)
    spec = _ion_spec(interp, args[0], span)
    return float(ion_model.charge(interp.model.registry, spec.name))


def _celsius(interp) -> float:
    return float(interp.get_global("celsius"))


def nernst(interp, args, span):
    if args and isinstance(args[0], str):
        var = args[0]
        x = as_float(args[1]) if len(args) > 1 else 0.5
        sec = interp.model.cas(span)
        for spec in interp.model.registry.specs:
            if spec.kind is not Kind.ION:
                continue
            n = I.IonNames(I.ion_of(spec.name))
            f = n.field(var)
            if f is None or f == "cur":
                continue
            z = ion_model.charge(interp.model.registry, spec.name)
            kt = I.ktf(_celsius(interp))
            e = sec.get_range(n.e, x, span)
            ci = sec.get_range(n.ci, x, span)
            co = sec.get_range(n.co, x, span)
            if f == "e":
                return I.nernst_scalar(ci, co, z, _celsius(interp))
            import math
            if f == "ci":
                return co * math.exp(-z / kt * e)
            return ci * math.exp(z / kt * e)
        raise HocRuntimeError(f"nernst: {var} is not an ion reversal potential or concentration", span)
    if len(args) < 3:
        raise HocRuntimeError("nernst needs (ci, co, z) or (\"ena\" [, x])", span)
    return I.nernst_scalar(as_float(args[0]), as_float(args[1]), as_float(args[2]), _celsius(interp))


def ghk(interp, args, span):
    if len(args) < 4:
        raise HocRuntimeError("ghk needs (v, ci, co, z)", span)
    return I.ghk_scalar(*(as_float(a) for a in args[:4]), _celsius(interp))


def install(interp) -> None:
    """Register the functions (names, kinds and docs from hocx.interp.plugin_names) and the
    built-in ions' globals (if a script has not set them already)."""
    from ..interp.plugin_names import register
    for name, fn in (("ion_style", ion_style), ("ion_charge", ion_charge), ("nernst", nernst),
                     ("ghk", ghk)):
        register(interp, name, fn)
    for ion in ("na", "k", "ca"):
        n = I.IonNames(ion)
        _, ci, co, _ = I.defaults(ion)
        for name, d in ((n.ci0, ci), (n.co0, co)):
            if interp.kind_of(name) is None:
                interp.set_global(name, d)
