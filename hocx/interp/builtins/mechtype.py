"""``MechanismType(0|1)``: list, select, insert and remove mechanisms by index or name.

``MechanismType(0)`` lists the density mechanisms (and ions) of the model's
mechanism registry, ``MechanismType(1)`` the point processes and artificial
cells, in NEURON's mechanism-type order (``internal_type``).  ``select(i|name)``
picks one; ``selected([strdef])`` returns its index (and writes its name);
``make()`` inserts the selected density mechanism into the accessed section,
``remove()`` takes it out; ``pp_begin()/pp_next()`` walk the point processes of the
selected type located in the accessed section; ``is_netcon_target(i)``,
``has_net_event(i)``, ``is_artificial(i)`` describe a point type; ``action`` and
``menu`` are GUI calls and do nothing headless.
"""
from __future__ import annotations

from ...errors import HocRuntimeError, HocTypeError, Span
from ..objects import HocObject, StrRef, as_float, as_str

# NEURON 9.0.2's type numbers of its built-in mechanisms (nrniv's MechanismType listing);
# mechanisms NEURON does not build in get the numbers after these, in registry order.
NEURON_TYPES = {
    "morphology": 2, "capacitance": 3, "pas": 4, "extracellular": 5, "fastpas": 6,
    "IClamp": 7, "AlphaSynapse": 8, "ExpSyn": 9, "Exp2Syn": 10, "SEClamp": 11, "VClamp": 12,
    "OClamp": 13, "APCount": 14, "na_ion": 15, "k_ion": 16, "hh": 17, "NetStim": 18,
    "IntFire1": 19, "IntFire2": 20, "IntFire4": 21, "PointProcessMark": 22, "PatternStim": 23,
}


class Placeholder:
    """A NEURON built-in that this registry does not declare: listed, never simulated."""

    def __init__(self, name: str, point: bool, net_receive: int = 0, artificial: bool = False,
                 net_event: bool = False):
        self.name = name
        self.is_point = point
        self.net_receive = net_receive
        self.kind = "artificial" if artificial else ("point" if point else "density")
        self.net_event = net_event
        self.ions: tuple = ()


#: NEURON's built-ins listed by MechanismType whether or not hocx declares them
NEURON_BUILTINS = (
    Placeholder("morphology", False), Placeholder("capacitance", False),
    Placeholder("extracellular", False), Placeholder("fastpas", False),
    Placeholder("OClamp", True), Placeholder("APCount", True),
    Placeholder("IntFire1", True, 1, True, True), Placeholder("IntFire2", True, 1, True, True),
    Placeholder("IntFire4", True, 1, True, True), Placeholder("PointProcessMark", True),
    Placeholder("PatternStim", True, 1, True, False),
)


def listed_table(registry, loaded: tuple = (), extra: tuple = ()) -> list:
    """What nrniv's MechanismType lists: NEURON's built-ins (a :class:`Placeholder` where the
    registry lacks one), the mechanisms loaded from .mod files with the ions they bring in,
    and ``extra`` (names registered by the session later, KSChan types); hocx's own extra
    built-ins (``ca_ion`` without a mod, IonotropicSynapse ...) are not listed."""
    table = mechanism_table(registry, loaded)
    keep = set(NEURON_TYPES) | set(loaded) | set(extra)
    by_name = {m.name: m for _, m in table}
    for name in loaded:
        m = by_name.get(name)
        keep.update(getattr(m, "ions", ()) if m is not None else ())
    out = [(n, m) for n, m in table if m.name in keep]
    have = {m.name for _, m in out}
    for ph in NEURON_BUILTINS:
        if ph.name not in have:
            out.append((NEURON_TYPES[ph.name], ph))
    out.sort(key=lambda p: p[0])
    return out


def mechanism_table(registry, loaded: tuple = ()) -> list:
    """Every registered mechanism with its internal type number, in that order.

    ``loaded``: the names of the mechanisms loaded from .mod files, in load order.  They are
    numbered first after NEURON's own, each preceded by the ions it brings in that NEURON does
    not build in (``ca_ion`` before the first mod that uses it, as its ``_reg`` does), so the
    numbers are nrniv's; hocx's own extras come after them."""
    mechs = list(registry)
    by_name = {m.name: m for m in mechs}
    nxt = max(NEURON_TYPES.values()) + 1
    number = dict(NEURON_TYPES)
    for name in loaded:
        m = by_name.get(name)
        if m is None or name in number:
            continue
        for ion in m.ions:
            if ion in by_name and ion not in number:
                number[ion], nxt = nxt, nxt + 1
        number[name], nxt = nxt, nxt + 1
    numbered = []
    for m in mechs:
        n = number.get(m.name)
        if n is None:
            n, nxt = nxt, nxt + 1
            number[m.name] = n
        numbered.append((n, m))
    numbered.sort(key=lambda p: p[0])
    return numbered


class MechanismType(HocObject):
    hoc_class = "MechanismType"
    hoc_objfuncs = ("pp_begin", "pp_next")
    hoc_slot_methods = ("make",)
    hoc_doc = {
        "count": "number of mechanisms of this kind",
        "select": "select(i) or select(\"name\")",
        "selected": "selected([strdef]): index of the selection (and its name)",
        "internal_type": "NEURON's mechanism type number of the selection",
        "make": "insert the selected density mechanism into the accessed section",
        "remove": "uninsert the selected density mechanism from the accessed section",
        "pp_begin": "first point process of the selected type in the accessed section",
        "pp_next": "the next one (NULLobject at the end)",
        "is_netcon_target": "is_netcon_target(i): 1 if the type has a NET_RECEIVE block",
        "has_net_event": "has_net_event(i): 1 if the type emits events itself",
        "is_artificial": "is_artificial(i): 1 for an artificial cell",
        "action": "GUI action string (stored, never run headless)",
        "menu": "GUI menu: nothing headless",
    }

    def __init__(self, interp=None, args=None, span: Span | None = None):
        super().__init__(interp, args, span)
        if not args or len(args) > 1:
            raise HocTypeError("MechanismType(0|1): one argument", span)
        self.point = as_float(args[0]) != 0
        model = getattr(interp, "model", None)
        if model is None:
            raise HocRuntimeError("MechanismType needs the cable model", span)
        self.model = model
        loader = getattr(interp, "mod_loader", None)
        loaded = tuple(loader.loaded) if loader is not None else ()
        extra = tuple(getattr(interp, "hooks", {}).get("mechtype_extra", lambda: ())())
        self.entries = [(n, m) for n, m in listed_table(model.registry, loaded, extra)
                        if bool(m.is_point) == self.point]
        self.index = 0
        self.action_text = ""
        self._walk: list = []

    # ---- selection ---------------------------------------------------------------
    def _mech(self, i: int | None = None):
        i = self.index if i is None else i
        if not 0 <= i < len(self.entries):
            return None
        return self.entries[i][1]

    def m_count(self, args, span=None):
        return float(len(self.entries))

    def m_select(self, args, span=None):
        if len(args) != 1:
            raise HocTypeError("select(i) or select(\"name\")", span)
        a = args[0]
        if isinstance(a, (str, StrRef)):
            name = as_str(a)
            for k, (_, m) in enumerate(self.entries):
                if m.name == name:
                    self.index = k
                    return 0.0
            return 0.0           # NEURON leaves the selection as it was
        i = int(as_float(a))
        if 0 <= i < len(self.entries):
            self.index = i
        return 0.0

    def m_selected(self, args, span=None):
        if args:
            if not isinstance(args[0], StrRef):
                raise HocTypeError("selected(strdef): the argument must be a string variable", span)
            m = self._mech()
            args[0].set(m.name if m is not None else "")
        return float(self.index)

    def m_internal_type(self, args, span=None):
        if not 0 <= self.index < len(self.entries):
            return 0.0
        return float(self.entries[self.index][0])

    # ---- descriptions of point types ---------------------------------------------
    def _point_arg(self, args, span):
        if not self.point:
            return None
        m = self._mech(int(as_float(args[0])) if args else None)
        return m

    def m_is_netcon_target(self, args, span=None):
        m = self._point_arg(args, span)
        return 1.0 if m is not None and getattr(m, "net_receive", 0) > 0 else 0.0

    def m_is_artificial(self, args, span=None):
        m = self._point_arg(args, span)
        return 1.0 if m is not None and m.kind == "artificial" else 0.0

    def m_has_net_event(self, args, span=None):
        # in NEURON's built-in library only the artificial cells with NET_RECEIVE emit events
        m = self._point_arg(args, span)
        return 1.0 if (m is not None and m.kind == "artificial"
                       and getattr(m, "net_receive", 0) > 0 and m.name != "PatternStim") else 0.0

    # ---- model changes -------------------------------------------------------------
    def hoc_call_slots(self, name, args, slots, span=None):
        """``make(objref)``: the objref becomes a new, unlocated point process of the selection."""
        if not self.point:
            return self.m_make(args, span)
        m = self._mech()
        if m is None:
            return 0.0
        if not args or not slots or slots[0] is None:
            raise HocTypeError("MechanismType(1).make(objref): the argument must be an objref", span)
        if isinstance(m, Placeholder):
            raise HocRuntimeError(f"MechanismType(1).make: {m.name} is not available in hocx", span)
        slots[0](self.interp.new_object(m.name, [], span))
        return 0.0

    def m_make(self, args, span=None):
        m = self._mech()
        if m is None:
            return 0.0
        if self.point:
            raise HocTypeError("MechanismType(1).make(objref): the argument must be an objref", span)
        if isinstance(m, Placeholder):
            if m.name in ("morphology", "capacitance"):
                return 0.0                       # in every section already
            raise HocRuntimeError(f"MechanismType(0).make: {m.name} is not available in hocx", span)
        self.model.cas(span).insert(m.name, span)
        return 0.0

    def m_remove(self, args, span=None):
        m = self._mech()
        if m is None or self.point or isinstance(m, Placeholder):
            return 0.0
        if m.name in ("extracellular", "morphology", "capacitance"):
            # NEURON: "Can't uninsert mechanism extracellular" on stderr, and carries on
            self.interp.err(f"Can't uninsert mechanism {m.name}\n")
            return 0.0
        sec = self.model.cas(span)
        if sec.has_mech(m.name):
            sec.uninsert(m.name, span)
        return 0.0

    def m_pp_begin(self, args, span=None):
        m = self._mech()
        if m is None or not self.point:
            return None
        sec = self.model.cas(span)
        every = self.model.point_processes
        pps = [pp for pp in every
               if getattr(pp, "section", None) is sec
               and getattr(getattr(pp, "mechanism", None), "name", None) == m.name]
        # NEURON walks the nodes from 0 to 1; on one node the newest comes first
        order = {id(pp): k for k, pp in enumerate(every)}
        pps.sort(key=lambda pp: (self.model.loc(pp), -order[id(pp)]))
        self._walk = pps[1:]
        return pps[0] if pps else None

    def m_pp_next(self, args, span=None):
        if not self._walk:
            return None
        return self._walk.pop(0)

    # ---- GUI -----------------------------------------------------------------------
    def m_action(self, args, span=None):
        self.action_text = as_str(args[0]) if args else ""
        return 0.0

    def m_menu(self, args, span=None):
        return 0.0


def install(interp) -> None:
    interp.register_class("MechanismType", MechanismType,
                          doc="list, select, insert and remove mechanisms (0: density, 1: point)")
