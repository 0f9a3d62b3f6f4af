"""Units of the names a user sees in tables, plots and exports (front-end layer).

One place answers "what unit is ``gnabar_hh`` in?": the section properties and the
segment geometry that the model table derives (``L``, ``area``, ``ri``...), the
simulator's clock, and every variable a mechanism declares in the mechanism registry
(``m_hh`` has none, ``ina`` is mA/cm2, an ``ExpSyn``'s ``g`` is uS).  Units are written
as NEURON writes them (``um``, ``uS``), except that ``um`` shows as ``µm`` in labels.
"""
from __future__ import annotations

#: names that are not mechanism variables: section and segment properties, the clock
CORE_UNITS: dict[str, str] = {
    "v": "mV", "t": "ms", "dt": "ms", "tstop": "ms", "celsius": "degC", "v_init": "mV",
    "L": "µm", "diam": "µm", "area": "µm2", "ri": "MΩ", "Ra": "Ω·cm", "cm": "µF/cm2",
    "x": "", "seg": "", "cell": "", "parent_row": "", "section_index": "",
    # edge table
    "threshold": "mV", "delay": "ms", "weight": "", "pre_x": "", "post_x": "",
}


def pretty(units: str) -> str:
    """NEURON's ASCII units as labels show them: um → µm, uS → µS, uF → µF."""
    if not units:
        return ""
    out = []
    for part in units.replace("*", "·").split("/"):
        if part.startswith("u") and len(part) > 1 and part[1] in "mSFAMs":
            part = "µ" + part[1:]
        out.append(part)
    return "/".join(out)


def units_of(registry, name: str) -> str:
    """The unit of ``name`` ("" when it has none or is unknown); ``registry`` may be None."""
    if name in CORE_UNITS:
        return CORE_UNITS[name]
    if registry is None:
        return ""
    try:
        mech_names = list(registry.names())
    except Exception:   # noqa: BLE001 - a stand-in registry without names(): no units
        return ""
    for mech in mech_names:
        try:
            var = registry.get(mech).var(name)
        except Exception:   # noqa: BLE001 - a mechanism the registry cannot describe
            continue
        if var is not None:
            return pretty(str(var.units or ""))
    return ""


def point_units(registry, mechanism: str, name: str) -> str:
    """The unit of a point process's variable (``ExpSyn``'s ``g`` is µS), "" when unknown."""
    if registry is None or not mechanism:
        return units_of(registry, name)
    try:
        var = registry.get(mechanism).var(name)
    except Exception:   # noqa: BLE001 - not a registered mechanism
        var = None
    return pretty(str(var.units or "")) if var is not None else units_of(registry, name)


def label(name: str, units: str) -> str:
    """``gnabar_hh (S/cm2)``, or just the name when it has no unit."""
    return f"{name} ({units})" if units else name
