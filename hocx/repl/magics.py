"""``%``-commands of the REPL.

    %time STMT        run a statement and print the wall time it took
    %run FILE         execute a HOC file in this session
    %save FILE.hoc    write the inputs that ran without error to a file
    %history [N]      list the last N inputs (all by default)
    %reset            start over with a fresh session
    %export FILE      write every recorded Vector to FILE.npz or FILE.csv
    %export table.csv the model table as CSV (also: %export table F.csv, %export edges F.csv)
    %plots DIR        write every legacy Graph as DIR/Graph_N.png (+ .json data)
    %who              list your variables, objects, sections and procs
    %tree             topology() drawn as a tree
    %trainables       the trainable parameters
    %magic            this list
"""
from __future__ import annotations

import csv
import os

import numpy as np

from ..errors import HocNameError, HocRuntimeError, HocSyntaxError, suggest
from . import introspect, views
from .traces import all_traces

MAGICS: dict[str, str] = {}


def magic(name: str, summary: str):
    """Register a %-command."""
    def deco(fn):
        MAGICS[name] = summary
        _HANDLERS[name] = fn
        return fn
    return deco


_HANDLERS: dict = {}


def run_magic(engine, line: str) -> None:
    name, _, arg = line[1:].partition(" ")
    handler = _HANDLERS.get(name)
    if handler is None:
        hint = suggest(name, MAGICS)
        raise HocNameError(f"unknown command %{name}",
                           hint=f"did you mean %{hint}?" if hint else "type %magic for the list")
    handler(engine, arg.strip())


def _need(arg: str, usage: str) -> str:
    if not arg:
        raise HocSyntaxError(f"missing argument; usage: {usage}")
    return arg


@magic("time", "run a statement and print the wall time")
def _time(engine, arg):
    stmt = _need(arg, "%time STMT")
    outcome, secs = engine.timed(lambda: engine.run_hoc(stmt))
    engine.message(f"wall time: {secs * 1e3:.3f} ms" if secs < 1 else f"wall time: {secs:.3f} s", "dim")


@magic("run", "execute a HOC file in this session")
def _run(engine, arg):
    path = os.path.expanduser(_need(arg, "%run FILE"))
    if not os.path.exists(path):
        raise HocRuntimeError(f"no such file: {path}")
    execute_file = getattr(engine.session, "execute_file", None)
    if execute_file is not None:
        execute_file(path)
    else:
        with open(path, encoding="utf-8", errors="replace") as fh:
            engine.session.execute(fh.read(), path)
    engine.ran.append(f'{{load_file(1, "{path}")}}')


@magic("save", "write the inputs that ran to a file")
def _save(engine, arg):
    path = os.path.expanduser(_need(arg, "%save FILE.hoc"))
    try:
        with open(path, "w", encoding="utf-8") as fh:
            fh.write("".join(text + "\n" for text in engine.ran))
    except OSError as exc:
        raise HocRuntimeError(f"cannot write {path}: {exc.strerror or exc}") from None
    engine.message(f"saved {len(engine.ran)} input{'s' * (len(engine.ran) != 1)} to {path}")


@magic("history", "list previous inputs")
def _history(engine, arg):
    items = engine.inputs[:-1]          # not this %history itself
    start = 0
    if arg:
        try:
            start = max(len(items) - int(arg), 0)
        except ValueError:
            raise HocSyntaxError("usage: %history [N]") from None
    for i in range(start, len(items)):
        lines = items[i].split("\n")
        engine.write(f"{i + 1:4d}  {lines[0]}\n" + "".join(f"      {ln}\n" for ln in lines[1:]))


@magic("reset", "start over with a fresh session")
def _reset(engine, arg):
    old = engine.session
    kept = {k: getattr(old, k) for k in ("out", "err", "safe") if hasattr(old, k)}
    try:
        engine.session = type(old)(**kept)
    except TypeError:
        engine.session = type(old)()
        for attr in ("out", "err"):
            if attr in kept:
                setattr(engine.session, attr, kept[attr])
    engine.ran.clear()
    engine.last_run_structure = None
    engine.message("session reset: all names, sections and recordings are gone")


@magic("export", "write recorded Vectors to .npz/.csv; %export table.csv: the model table")
def _export(engine, arg):
    arg = _need(arg, "%export FILE.npz|FILE.csv | %export table FILE.csv | %export edges FILE.csv")
    words = arg.split(None, 1)
    if words[0] in ("table", "edges") and len(words) == 2:
        return export_table(engine, words[0], os.path.expanduser(words[1]))
    stem = os.path.splitext(os.path.basename(arg))[0]
    if len(words) == 1 and stem in ("table", "edges") and arg.endswith(".csv"):
        return export_table(engine, stem, os.path.expanduser(arg))
    path = os.path.expanduser(arg)
    data = all_traces(engine.session)
    if not data:
        raise HocRuntimeError("nothing to export: no Vector holds data",
                              hint="record with vec.record(&soma.v(0.5)) and run()")
    try:
        if path.endswith(".npz"):
            np.savez(path, **data)
        elif path.endswith(".csv"):
            write_csv(path, data)
        else:
            raise HocSyntaxError(f"cannot tell the format of {path}", hint="use a .npz or .csv file name")
    except OSError as exc:
        raise HocRuntimeError(f"cannot write {path}: {exc.strerror or exc}") from None
    engine.message(f"exported {len(data)} vector{'s' * (len(data) != 1)} ({', '.join(data)}) to {path}")


def export_table(engine, which: str, path: str) -> None:
    """``%export table FILE.csv`` / ``%export edges FILE.csv``: the model (or edge) table as CSV,
    one row per segment (per point process / NetCon), units in the header (``L (µm)``)."""
    from ..show import column_units

    model = introspect.model(engine.session)
    if model is None or (which == "table" and not model.sections):
        raise HocRuntimeError("nothing to export: there are no sections", hint="create soma first")
    if not path.endswith(".csv"):
        raise HocSyntaxError(f"%export {which} writes CSV: {path} does not end in .csv")
    table = model.table() if which == "table" else model.edges()
    columns = dict(table.columns)
    if which == "table":
        columns.pop("section_index", None)
    units = column_units(model, list(columns), edges=which == "edges")
    try:
        with open(path, "w", encoding="utf-8", newline="") as fh:
            w = csv.writer(fh)
            w.writerow([f"{n} ({units[n]})" if units.get(n) else n for n in columns])
            for r in range(len(table)):
                w.writerow([_cell(columns[n][r]) for n in columns])
    except OSError as exc:
        raise HocRuntimeError(f"cannot write {path}: {exc.strerror or exc}") from None
    engine.message(f"exported the {'model' if which == 'table' else 'edge'} table "
                   f"({len(table)} rows, {len(columns)} columns) to {path}")


def _cell(v) -> str:
    if isinstance(v, (bool, np.bool_)):
        return "1" if v else "0"
    if isinstance(v, (float, np.floating)):
        return "" if np.isnan(v) else repr(float(v))
    if isinstance(v, (int, np.integer)):
        return str(int(v))
    return str(v)


def write_csv(path: str, data: dict[str, np.ndarray]) -> None:
    """One column per Vector; shorter Vectors are padded with empty cells."""
    n = max(len(v) for v in data.values())
    with open(path, "w", encoding="utf-8") as fh:
        fh.write(",".join(data) + "\n")
        for i in range(n):
            fh.write(",".join(repr(float(v[i])) if i < len(v) else "" for v in data.values()) + "\n")


@magic("plots", "write every legacy Graph as DIR/Graph_N.png (+ .json), as hocx --plots DIR")
def _plots(engine, arg):
    from ..figures import write_graphs

    write_graphs(engine.session, os.path.expanduser(_need(arg, "%plots DIR")), engine.stdout)


@magic("who", "list your names")
def _who(engine, arg):
    engine.console.print(views.who_table(engine.session))


@magic("tree", "topology() as a tree")
def _tree(engine, arg):
    engine.console.print(views.topology_tree(engine.session))


@magic("trainables", "trainable parameters")
def _trainables(engine, arg):
    engine.console.print(views.trainables_view(engine.session))


@magic("magic", "list the %-commands")
def _magic(engine, arg):
    for name, summary in MAGICS.items():
        engine.write(f"  %{name:<12} {summary}\n")
