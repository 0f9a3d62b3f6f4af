"""``hocx --check FILE``: every syntax error in a file, without running it (front-end layer).

HOC is parsed one top-level item at a time against the live symbol table (``soma insert hh``
parses only once ``create soma`` has run), so a check cannot be a bare parse.  It parses item
by item and *executes the declarations only* -- ``create``, ``objref``, ``strdef``, ``double``,
proc/func/template definitions, ``load_file``/``xopen`` and top-level assignments whose value
calls nothing -- so that later items are classified as nrniv would classify them; statements,
calls and runs are not executed.  After an item that does not parse, checking goes on with the
next item (an item ends at a newline outside braces), and after a tokenizer error with the next
line, so one check reports every syntax error in the file.

Between ``object_push(obj)`` and its ``object_pop()`` (session files are full of them) names
resolve inside an object that exists only when the file runs, so an item there that does not
parse is not a syntax error the check can claim: it is counted as *unchecked* and reported as
such (``ok (40 items, 6 unchecked inside object_push)``), never silently passed.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from .errors import HocError, HocSyntaxError
from .syntax import ast as A
from .syntax.lexer import tokenize
from .syntax.parser import classify, parse_tokens, split_items

_LOADERS = ("load_file", "xopen")


@dataclass
class CheckResult:
    path: str
    items: int = 0
    errors: list[HocError] = field(default_factory=list)
    unchecked: int = 0          # items inside object_push(...) that need the object to parse
    depth: int = 0              # object_push depth at the current item


def check_file(path: str, session) -> CheckResult:
    """Parse ``path`` in ``session`` (whose output should be discarded); never raises HocError
    for a syntax error: they are collected in the result."""
    with open(path, encoding="utf-8", errors="replace") as f:
        text = f.read()
    hx = path.endswith(".hx")
    if hx:
        _quietly(session.load_hx_prelude)
    return check_text(text, path, session, hx=hx)


def check_text(text: str, origin: str, session, *, hx: bool = False) -> CheckResult:
    result = CheckResult(origin)
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    session.sources[origin] = lines
    first = 1
    while first <= len(lines):
        resume = _check_from(lines, first, origin, session, hx, result)
        if resume is None:
            break
        first = resume
    return result


def _check_from(lines, first, origin, session, hx, result) -> int | None:
    """Check from line ``first``; the line to resume at after a tokenizer error, or None."""
    src = "\n".join(lines[first - 1:])
    tokens = tokenize(src, origin, line=first, hx=hx)
    try:
        for item in split_items(tokens):
            try:
                node = parse_tokens(classify(item, session, origin, lines), origin, lines)
            except HocSyntaxError as e:
                if result.depth > 0:
                    result.unchecked += 1
                else:
                    result.errors.append(e)
                continue
            result.items += 1
            result.depth = max(0, result.depth + _push_delta(node))
            _declare(session, node)
    except HocSyntaxError as e:           # from the tokenizer: go on at the next line
        result.errors.append(e)
        if e.incomplete or e.span is None:
            return None
        return e.span.line + 1
    return None


def _declare(session, node) -> None:
    if isinstance(node, (A.Definition, A.TemplateLine)) or (
            isinstance(node, A.TopLevel) and _is_declaration(node.stmt)):
        _quietly(lambda: session.run_item(node))


def _push_delta(node) -> int:
    """+1 per ``object_push(...)`` call, -1 per ``object_pop()`` in a top-level item."""
    names: list[str] = []

    def walk(n):
        if isinstance(n, (A.Call, A.ProcCall)):
            names.append(n.name)
        if isinstance(n, A.Node):
            for v in vars(n).values():
                walk(v)
        elif isinstance(n, (tuple, list)):
            for v in n:
                walk(v)
    walk(node)
    return names.count("object_push") - names.count("object_pop")


def _is_declaration(stmt) -> bool:
    if isinstance(stmt, A.Decl):
        return True
    if isinstance(stmt, A.Block):
        return bool(stmt.body) and all(_is_declaration(s) for s in stmt.body)
    expr = getattr(stmt, "expr", None) if isinstance(stmt, A.ExprStmt) else None
    if isinstance(expr, A.Call) and expr.name in _LOADERS:
        return True
    return isinstance(expr, A.Assign) and not _calls(expr.value)


def _calls(node) -> bool:
    """Whether an expression calls or creates anything (then it is not run by a check)."""
    if isinstance(node, (A.Call, A.MemberCall, A.New, A.Read)):
        return True
    if isinstance(node, A.Node):
        return any(_calls(v) for v in vars(node).values())
    if isinstance(node, tuple):
        return any(_calls(v) for v in node)
    return False


def _quietly(fn) -> None:
    """Run a declaration; its runtime errors are not the check's business (a skipped
    statement may be what would have made it work)."""
    try:
        fn()
    except HocError:
        pass
