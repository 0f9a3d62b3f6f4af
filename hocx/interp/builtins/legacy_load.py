"""``load_proc``, ``load_func``, ``load_template``: NEURON's on-demand library loading.

NEURON looks the name up in its library index and loads the file that defines it.
hocx's library is loaded with ``load_file``; these return 1 when the name is already
declared (NEURON's answer then too) and 0 with a warning otherwise.
"""
from __future__ import annotations

from ..objects import as_str


def _loader(kinds: tuple[str, ...]):
    def load(interp, args, span):
        name = as_str(args[0]) if args else ""
        if interp.kind_of(name) in kinds or interp.names().get(name) in kinds:
            return 1.0
        interp.err(f"{span.file}:{span.line}:{span.col}: warning: no library file defines {name}\n"
                   if span is not None else f"warning: no library file defines {name}\n")
        return 0.0
    return load


def install(interp) -> None:
    reg = interp.register_builtin
    reg("load_proc", _loader(("proc", "bproc")), kind="func",
        doc="load_proc(\"name\"): 1 if the procedure is defined (hocx: no on-demand library)")
    reg("load_func", _loader(("func", "bfunc", "obfunc", "bobjfunc")), kind="func",
        doc="load_func(\"name\"): 1 if the function is defined (hocx: no on-demand library)")
    reg("load_template", _loader(("template",)), kind="func",
        doc="load_template(\"name\"): 1 if the template is defined (hocx: no on-demand library)")
