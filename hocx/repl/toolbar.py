"""The bottom toolbar: simulator clock, model size, trainables, the device, a recompile
warning, and (while a call is being typed) its signature."""
from __future__ import annotations

import sys

from . import introspect
from .signature import hint as signature_hint


def device_label() -> str:
    """The JAX platform runs use (``cpu``, ``gpu``); JAX is not imported just to say so."""
    jax = sys.modules.get("jax")
    if jax is None:
        return "device: cpu (JAX loads at the first run)"
    try:
        devs = jax.devices()
    except RuntimeError:
        return "device: ?"
    kind = devs[0].platform if devs else "?"
    return f"device: {kind}" + (f" ×{len(devs)}" if len(devs) > 1 else "")


def _num(v: float | None) -> str:
    return "?" if v is None else f"{v:g}"


def toolbar_fragments(engine, typed: str | None = None) -> list[tuple[str, str]]:
    """prompt_toolkit formatted text for the toolbar; reads only what exists.  ``typed``: the
    input before the cursor (a call being typed shows its signature on a second line)."""
    s = engine.session
    parts = [f" t={_num(introspect.get_global(s, 't'))} ms"]
    tstop = introspect.get_global(s, "tstop")      # defined once stdrun.hoc is loaded
    if tstop is not None:
        parts.append(f"tstop={_num(tstop)} ms")
    parts.append(f"dt={_num(introspect.get_global(s, 'dt'))} ms")
    nsec, ncomp = len(introspect.sections(s)), introspect.compartments(s)
    parts.append(f"{nsec} section{'s' * (nsec != 1)}/{ncomp} compartment{'s' * (ncomp != 1)}")
    ntrain = len(introspect.trainables(s))
    if ntrain:
        parts.append(f"{ntrain} trainable{'s' * (ntrain != 1)}")
    parts.append(device_label())
    frags = [("class:bottom-toolbar", "  ".join(parts))]
    if model_changed(engine):
        frags.append(("class:bottom-toolbar.changed", "  model changed — next run recompiles"))
    frags.append(("class:bottom-toolbar", "   help: help NAME · NAME?  exit: Ctrl-D "))
    sig = signature_hint(s, typed) if typed else None
    if sig:
        frags.append(("class:bottom-toolbar.signature", "\n " + sig))
    return frags


def model_changed(engine) -> bool:
    """True when the model's structure or the recording set changed since the last run."""
    compiled = engine.last_run_structure
    current = introspect.compile_signature(engine.session)
    return compiled is not None and current is not None and current != compiled


def toolbar_text(engine, typed: str | None = None) -> str:
    """The toolbar as plain text (for tests and the simple reader)."""
    return "".join(text for _, text in toolbar_fragments(engine, typed))
