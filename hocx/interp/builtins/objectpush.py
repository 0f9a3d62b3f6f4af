"""``object_push(obj)`` / ``object_pop()``: run the following statements inside an object.

Session files written by NEURON's GUI tools do ``{object_push(ocbox_)}`` ... ``{object_pop()}``:
between the two, names resolve in the pushed object (public or not), then built-ins and class
names; top-level variables are not visible and ``this`` is the object.  The push outlives the
statement that made it: ``Interpreter.run_toplevel`` enters the innermost pushed frame at the
start of every top-level item run from the frame the push was made in.  The stack lives on the
interpreter (``interp.obj_push_stack``: (base frame, pushed frame, call depth) triples; a
nested ``execute()`` runs at another depth and so at the top level).
"""
from __future__ import annotations

from ...errors import HocRuntimeError, Span
from ..scope import CallFrame
from ..templates import TemplateInstance


def push_stack(interp) -> list:
    st = getattr(interp, "obj_push_stack", None)
    if st is None:
        st = []
        interp.obj_push_stack = st
    return st


def _object_push(interp, args: list, span: Span | None = None) -> float:
    obj = args[0] if args else None
    if not isinstance(obj, TemplateInstance):
        what = obj.hoc_name() if hasattr(obj, "hoc_name") else "NULLobject" if obj is None else str(obj)
        raise HocRuntimeError(f"object_push: {what} is not an instance of a template", span,
                              hint="object_push works on objects of begintemplate classes only")
    st = push_stack(interp)
    base = st[-1][0] if st and interp.frame is st[-1][1] else interp.frame
    frame = CallFrame(None, [], [], obj=obj)
    st.append((base, frame, len(interp.stack)))
    interp.frame = frame
    return 0.0


def _object_pop(interp, args: list, span: Span | None = None) -> float:
    st = push_stack(interp)
    if not st:
        raise HocRuntimeError("object_pop: no object_push to pop", span)
    base, _frame, _depth = st.pop()
    interp.frame = st[-1][1] if st and st[-1][0] is base else base
    return 0.0


def enter_pushed(interp, frame) -> None:
    """At the start of a top-level item: enter the object pushed from ``frame``, if any."""
    st = getattr(interp, "obj_push_stack", None)
    if st and st[-1][0] is frame and st[-1][2] == len(interp.stack):
        interp.frame = st[-1][1]


def pushed_object(interp):
    """The object pushed for the items run at the current level (None: none)."""
    st = getattr(interp, "obj_push_stack", None)
    if st and st[-1][0] is interp.frame and st[-1][2] == len(interp.stack):
        return st[-1][1].obj
    return None


def install(interp) -> None:
    interp.register_builtin("object_push", _object_push, kind="proc",
                            doc="object_push(obj): run the following statements in obj's context")
    interp.register_builtin("object_pop", _object_pop, kind="proc",
                            doc="object_pop(): leave the context entered by object_push")
