"""Built-in functions and classes of the interpreter, one module per HOC class or family.

``install_all(interp)`` registers every one of them; each module has ``install(interp)``.
"""
from __future__ import annotations

from importlib import import_module

# order matters only for name clashes (later wins)
MODULES = (
    "core",          # math, constants, numarg-free helpers, quit, system... (language owner)
    "strings",       # printf, sprint, fprint, strcmp, StringFunctions, xred-free string helpers
    "vector",        # Vector
    "list",          # List
    "file",          # File, getcwd, chdir...
    "matrix",        # Matrix (basic)
    "random",        # Random
    "gui",           # Graph, xpanel, ... accepted and ignored with one warning
    "graph",         # Graph: headless, but keeps what it is asked to draw (after gui: wins)
    "guitools",      # VBox/HBox/Deck (ref, intercept), RangeVarPlot (after gui: wins)
    "cable",         # section built-ins: area, ri, distance, pt3d*, topology, psection, ...
    "sectionlist",   # SectionList
    "sectionref",    # SectionRef
    "pointprocess",  # IClamp, ExpSyn, ... generic over the mechanism registry
    "netcon",        # NetCon
    "mechtype",      # MechanismType
    "legacy_load",   # load_proc, load_func, load_template
    "parallel",      # ParallelContext (one host)
    "finithandler",  # FInitializeHandler
    "objectpush",    # object_push, object_pop
    "mechstandard",  # MechanismStandard
    "impedance",     # Impedance (declared; not computed)
    "import3d",      # Import3d_SWC_read, Import3d_GUI, Import3d_Section, pt3dstyle
    "kschan",        # KSChan, KSState, KSGate, KSTrans (channels as generated mechanisms)
    "modload",       # nrn_load_dll, the session's .mod loader, the built-in mechanisms' HOC globals
    "signatures",    # last: wraps the built-ins above with nrniv's argument-count/type checks
)


def install_all(interp) -> None:
    for name in MODULES:
        mod = import_module(f"{__name__}.{name}")
        mod.install(interp)
