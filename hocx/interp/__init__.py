"""The HOC interpreter: state, evaluation, templates, objects, and the built-ins under builtins/.

Entry point: ``hocx.interp.interpreter.Interpreter`` (``hocx.api.Session`` adds the
built-ins and the simulator plugin).
"""
