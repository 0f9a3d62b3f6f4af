"""A tiny stand-in for hocx.api.Session, so REPL tests do not depend on the interpreter.

It understands just enough HOC-shaped lines to exercise the REPL: assignments,
bare expressions (echoed as nrniv does), print, create/access/insert/connect on
a real ``hocx.model.CableModel``, proc definitions and calls, objref + Vector
with ``record(&sec.v(x))``, and ``run()`` as a slow step loop that can be
interrupted.  Anything else is a HocSyntaxError.
"""
from __future__ import annotations

import math
import re
import sys
import time


from hocx.errors import HocNameError, HocQuit, HocRuntimeError, HocSyntaxError, Span
from hocx.interp.objects import HocObject
from hocx.model import CableModel, RangeRef


class FakeVector(HocObject):
    hoc_class = "Vector"
    hoc_fields = ("x",)
    hoc_doc = {"record": "record a variable during a run", "size": "number of elements"}

    def __init__(self, *a, **kw):
        super().__init__(*a, **kw)
        self.data: list[float] = []
        self.recording = None

    def m_size(self, args, span):
        return float(len(self.data))

    def m_record(self, args, span):
        self.recording = args[0]
        return self

    def m_append(self, args, span):
        self.data.extend(float(a) for a in args)
        return self


_ASSIGN = re.compile(r"^([A-Za-z_]\w*)\s*=\s*(.+)$")
_CREATE = re.compile(r"^create\s+(.+)$")
_PROC = re.compile(r"^proc\s+([A-Za-z_]\w*)\s*\(\)\s*\{(.*)\}\s*$", re.S)
_CALL = re.compile(r"^([A-Za-z_]\w*)\(\)$")
_SECSTMT = re.compile(r"^([A-Za-z_]\w*)\s+(insert\s+\w+|\{.*\})$", re.S)
_RECORD = re.compile(r"^\{?\s*([A-Za-z_]\w*)\.record\(&(\w+)\.(\w+)\(([\d.]+)\)\)\s*\}?$")
_NEWVEC = re.compile(r"^([A-Za-z_]\w*)\s*=\s*new\s+Vector\(\)$")


class FakeSession:
    """Session-shaped object: execute(), names(), get_global(), model, out/err."""

    def __init__(self):
        self.out = sys.stdout.write
        self.err = sys.stderr.write
        self.model = CableModel(notice=lambda s: None)
        self.globals: dict[str, float | object] = {"t": 0.0, "dt": 0.025, "tstop": 5.0}
        self.kinds: dict[str, str] = {"t": "var", "dt": "var", "tstop": "var",
                                      "finitialize": "bfunc", "sqrt": "bfunc", "run": "proc"}
        self.procs: dict[str, str] = {}
        self.step_sleep = 0.0
        self.executed: list[str] = []

    # ---- Session API used by the REPL -----------------------------------------
    def names(self):
        return dict(self.kinds)

    def get_global(self, name):
        if name not in self.globals:
            raise HocNameError(f"undefined variable {name}")
        return self.globals[name]

    def set_global(self, name, value):
        self.globals[name] = value

    def execute(self, text, origin="<string>"):
        self.executed.append(text)
        for lineno, stmt in enumerate(self._items(text), start=1):
            self._stmt(stmt.strip(), Span(origin, lineno, 1))

    # ---- the toy language ---------------------------------------------------------
    @staticmethod
    def _items(text):
        items, buf, depth = [], "", 0
        for line in text.split("\n"):
            buf += line + "\n"
            depth += line.count("{") - line.count("}")
            if depth <= 0 and buf.strip():
                items.append(buf)
                buf, depth = "", 0
        if buf.strip():
            raise HocSyntaxError("syntax error", None, incomplete=True)
        return items

    def _eval(self, expr, span):
        expr = expr.strip()
        names = {k: v for k, v in self.globals.items() if isinstance(v, float)}
        names.update(sqrt=math.sqrt)
        for word in re.findall(r"[A-Za-z_]\w*", expr):
            if word not in names:
                raise HocNameError(f"undefined variable {word}", span)
        if not re.fullmatch(r"[\w\s.+\-*/()]+", expr):
            raise HocSyntaxError("syntax error", Span(span.file, span.line, len(expr)))
        try:
            return float(eval(expr.replace("^", "**"), {"__builtins__": {}}, names))
        except ZeroDivisionError:
            raise HocRuntimeError("division by zero", span) from None
        except Exception:       # anything else the toy evaluator cannot do is a syntax error here
            raise HocSyntaxError("syntax error", Span(span.file, span.line, len(expr) + 1)) from None

    def _stmt(self, s, span):
        if not s:
            return
        if s == "quit()":
            raise HocQuit(0)
        if s == "run()":
            return self._run()
        if s.startswith("print "):
            self.out("".join(f"{self._eval(p, span):g} " for p in s[6:].split(",")) + "\n")
            return
        if s == "while (1) {}":
            while True:
                time.sleep(0.001)
        m = _PROC.match(s)
        if m:
            self.procs[m.group(1)] = m.group(2)
            self.kinds[m.group(1)] = "proc"
            return
        m = _CALL.match(s)
        if m and m.group(1) in self.procs:
            return self.execute(self.procs[m.group(1)].strip() + "\n", "<proc>")
        m = _CREATE.match(s)
        if m:
            for name in (n.strip() for n in m.group(1).split(",")):
                self.model.create(name)
                self.kinds[name] = "sec"
            return
        if s.startswith("objref "):
            for name in s[7:].split(","):
                self.kinds[name.strip()] = "obj"
                self.globals[name.strip()] = None
            return
        m = _NEWVEC.match(s)
        if m:
            self.globals[m.group(1)] = FakeVector()
            return
        m = _RECORD.match(s)
        if m:
            vec = self.globals[m.group(1)]
            sec = self.model.find(m.group(2))
            vec.m_record([RangeRef(sec, m.group(3), float(m.group(4)))], span)
            return
        m = _SECSTMT.match(s)
        if m:
            sec = self.model.find(m.group(1))
            body = m.group(2)
            if body.startswith("insert"):
                sec.insert(body.split()[1])
                return
            for part in re.findall(r"(\w+)\s*=\s*([-\d.]+)", body):
                if part[0] == "nseg":
                    sec.nseg = float(part[1])
                elif part[0] == "L":
                    sec.L = float(part[1])
            return
        m = _ASSIGN.match(s)
        if m:
            self.globals[m.group(1)] = self._eval(m.group(2), span)
            self.kinds.setdefault(m.group(1), "var")
            return
        self.out(f"\t{self._eval(s, span):g} \n")

    def _run(self):
        """A slow fixed-step 'simulation': v(t) = -65 + 10 sin(t); records every step."""
        dt = float(self.globals["dt"])
        recs = [v for v in self.globals.values() if isinstance(v, FakeVector) and v.recording]
        self.globals["t"] = 0.0
        for v in recs:
            v.data = [-65.0]
        n = int(round(float(self.globals["tstop"]) / dt))
        for i in range(1, n + 1):
            if self.step_sleep:
                time.sleep(self.step_sleep)
            t = i * dt
            vals = [-65.0 + 10 * math.sin(t + k) for k in range(len(recs))]
            for v, val in zip(recs, vals):
                v.data.append(val)
            self.globals["t"] = t
